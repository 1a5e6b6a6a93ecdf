/*
 * bench/spawnbench.c: interleaved start-up benchmark harness (bench only, not shipped).
 *
 *   spawnbench RUNS WARMUP SEED 'NAME=/path/prog arg ...' ['NAME=...' ...]
 *
 * Each round runs every command once, in a fresh random order (so load drift and order
 * bias hit all commands alike). Each child: fork + execv, stdin and stdout on /dev/null,
 * environment inherited. wait4() gives the child's own rusage. Written in C, not Python,
 * because ru_maxrss carries over the pre-exec address space's high-water mark: a small
 * parent keeps peak RSS honest. Prints one TSV line per measured run:
 *   name  wall_us  cpu_us(user+sys)  maxrss_kB  exit
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAXCMD 16
#define MAXARG 32

struct cmd { char *name; char *argv[MAXARG]; };

static long long now_us(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1000000LL + t.tv_nsec / 1000;
}

int main(int argc, char **argv) {
    if (argc < 5) {
        fprintf(stderr, "usage: spawnbench RUNS WARMUP SEED 'NAME=CMD ARGS' ...\n");
        return 64;
    }
    int runs = atoi(argv[1]), warmup = atoi(argv[2]);
    srand((unsigned)atoi(argv[3]));
    struct cmd cmds[MAXCMD];
    int n = 0;
    for (int i = 4; i < argc && n < MAXCMD; i++, n++) {
        char *eq = strchr(argv[i], '=');
        if (!eq) { fprintf(stderr, "bad command %s\n", argv[i]); return 64; }
        *eq = 0;
        cmds[n].name = argv[i];
        int k = 0;
        for (char *tok = strtok(eq + 1, " "); tok && k < MAXARG - 1; tok = strtok(NULL, " "))
            cmds[n].argv[k++] = tok;
        cmds[n].argv[k] = NULL;
    }
    int devnull = open("/dev/null", O_RDWR);
    int order[MAXCMD];
    for (int r = 0; r < warmup + runs; r++) {
        for (int i = 0; i < n; i++) order[i] = i;
        for (int i = n - 1; i > 0; i--) { int j = rand() % (i + 1), t = order[i]; order[i] = order[j]; order[j] = t; }
        for (int oi = 0; oi < n; oi++) {
            struct cmd *c = &cmds[order[oi]];
            long long t0 = now_us();
            pid_t pid = fork();
            if (pid == 0) {
                dup2(devnull, 0);
                dup2(devnull, 1);
                execv(c->argv[0], c->argv);
                _exit(127);
            }
            int status;
            struct rusage ru;
            wait4(pid, &status, 0, &ru);
            long long t1 = now_us();
            if (r < warmup) continue;
            long long cpu = ru.ru_utime.tv_sec * 1000000LL + ru.ru_utime.tv_usec
                          + ru.ru_stime.tv_sec * 1000000LL + ru.ru_stime.tv_usec;
            printf("%s\t%lld\t%lld\t%ld\t%d\n", c->name, t1 - t0, cpu, ru.ru_maxrss,
                   WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
        }
    }
    return 0;
}
