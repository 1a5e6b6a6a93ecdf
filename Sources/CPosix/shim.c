/* What CPosix.h cannot keep static inline: the SIGALRM handler of pgsql_state_lock_within. */
#include "CPosix.h"
#include <sys/time.h>

static void pgsql_state_interrupt(int signal_number) { (void)signal_number; }

int pgsql_state_lock_within(int fd, int operation, long long nanoseconds) {
    if (flock(fd, operation | LOCK_NB) == 0) return 0;
    if (errno != EWOULDBLOCK) return -1;
    if (nanoseconds <= 0) { errno = ETIMEDOUT; return -1; }
    struct sigaction action, previous;
    memset(&action, 0, sizeof action);
    action.sa_handler = pgsql_state_interrupt;
    sigemptyset(&action.sa_mask);
    if (sigaction(SIGALRM, &action, &previous) != 0) return -1;
    struct itimerval timer, previousTimer;
    memset(&timer, 0, sizeof timer);
    long long microseconds = nanoseconds / 1000 > 0 ? nanoseconds / 1000 : 1;
    timer.it_value.tv_sec = microseconds / 1000000;
    timer.it_value.tv_usec = microseconds % 1000000;
    timer.it_interval.tv_usec = 1000;
    int result = -1, saved = 0;
    if (setitimer(ITIMER_REAL, &timer, &previousTimer) == 0) {
        result = flock(fd, operation);
        saved = errno;
        /* A SIGALRM already due is delivered on this call's return, to our handler still. */
        setitimer(ITIMER_REAL, &previousTimer, NULL);
    } else {
        saved = errno;
    }
    sigaction(SIGALRM, &previous, NULL);
    if (result != 0) errno = saved == EINTR ? ETIMEDOUT : saved;
    return result;
}
