/*
 * bench/reference.c: the C floor for pgsql-state's design.
 *
 * Does the same work as `pgsql-state --format text --check role` in command
 * mode (and, with --http, a minimal version of the default HTTP format for the
 * xinetd end-to-end comparison): one non-blocking libpq connection with a 1 s
 * deadline, no query on a primary (the role comes from the ParameterStatus
 * messages in_hot_standby and default_transaction_read_only), one query on a
 * standby. Not shipped; only for bench/run.
 *
 *   cc -O2 -o reference reference.c $(pkg-config --cflags --libs libpq)
 *   reference [--http] [CONNINFO]
 *
 * Exit status: 0 pass, 2 unavailable (role check: primary and standby pass).
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <libpq-fe.h>

static const char *query =
    "SELECT pg_is_in_recovery(), current_setting('default_transaction_read_only'), "
    "CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END, "
    "r.pid, r.status, pg_wal_lsn_diff(r.latest_end_lsn, pg_last_wal_replay_lsn())::bigint "
    "FROM (VALUES (1)) v LEFT JOIN pg_stat_wal_receiver r ON true";

static struct timespec deadline;

static int ms_left(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    long ms = (deadline.tv_sec - now.tv_sec) * 1000L + (deadline.tv_nsec - now.tv_nsec) / 1000000L;
    return ms < 0 ? 0 : (int)ms;
}

/* Wait for fd to be readable (events=POLLIN) or writable; 0 on readiness, -1 on timeout/error. */
static int wait_fd(int fd, short events) {
    for (;;) {
        struct pollfd p = { .fd = fd, .events = events };
        int ms = ms_left();
        if (ms == 0) return -1;
        int r = poll(&p, 1, ms);
        if (r > 0) return 0;
        if (r == 0) return -1;
        if (errno != EINTR) return -1;
    }
}

static const char *reason_from_error(const char *msg) {
    if (strstr(msg, "starting up")) return "starting";
    if (strstr(msg, "shutting down")) return "shutting-down";
    if (strstr(msg, "too many")) return "too-many-connections";
    if (strstr(msg, "authentication") || strstr(msg, "password")) return "auth-failed";
    return "unreachable";
}

/* Returns "primary", "standby" or a reason word. */
static const char *check(const char *conninfo) {
    /* dbname=postgres unless the conninfo names a database (later keywords win in a
     * keyword/value string; a URI is passed as it is). Only the first dbname is expanded. */
    char buf[1024];
    const char *db = "postgres";
    if (conninfo) {
        if (strstr(conninfo, "://")) db = conninfo;
        else { snprintf(buf, sizeof buf, "dbname=postgres %s", conninfo); db = buf; }
    }
    const char *keys[] = { "dbname", "fallback_application_name", NULL };
    const char *vals[] = { db, "pgsql-state", NULL };
    PGconn *conn = PQconnectStartParams(keys, vals, 1);
    if (conn == NULL) return "error";
    if (PQstatus(conn) == CONNECTION_BAD) { PQfinish(conn); return "unreachable"; }

    PostgresPollingStatusType st = PGRES_POLLING_WRITING;
    for (;;) {
        if (st == PGRES_POLLING_OK) break;
        if (st == PGRES_POLLING_FAILED) {
            const char *r = reason_from_error(PQerrorMessage(conn));
            PQfinish(conn);
            return r;
        }
        if (wait_fd(PQsocket(conn), st == PGRES_POLLING_READING ? POLLIN : POLLOUT) < 0) {
            PQfinish(conn);
            return "timeout";
        }
        st = PQconnectPoll(conn);
    }

    const char *hs = PQparameterStatus(conn, "in_hot_standby");
    const char *ro = PQparameterStatus(conn, "default_transaction_read_only");
    if (hs && ro && strcmp(hs, "off") == 0 && strcmp(ro, "off") == 0) {
        PQfinish(conn);
        return "primary";
    }

    const char *answer = "error";
    if (!PQsendQuery(conn, query)) { PQfinish(conn); return "error"; }
    PGresult *res = NULL, *last = NULL;
    for (;;) {
        while (PQisBusy(conn)) {
            if (wait_fd(PQsocket(conn), POLLIN) < 0) { PQfinish(conn); if (last) PQclear(last); return "timeout"; }
            if (!PQconsumeInput(conn)) { PQfinish(conn); if (last) PQclear(last); return "unreachable"; }
        }
        res = PQgetResult(conn);
        if (res == NULL) break;
        if (last) PQclear(last);
        last = res;
    }
    if (last && PQresultStatus(last) == PGRES_TUPLES_OK && PQntuples(last) == 1) {
        int recovery = strcmp(PQgetvalue(last, 0, 0), "t") == 0;
        int readonly = strcmp(PQgetvalue(last, 0, 1), "on") == 0;
        int paused = !PQgetisnull(last, 0, 2) && strcmp(PQgetvalue(last, 0, 2), "t") == 0;
        if (!recovery) answer = readonly ? "read-only" : "primary";
        else answer = paused ? "replay-paused" : "standby";
    } else if (last) {
        const char *code = PQresultErrorField(last, PG_DIAG_SQLSTATE);
        answer = (code && strcmp(code, "42501") == 0) ? "insufficient-privilege" : "error";
    }
    if (last) PQclear(last);
    PQfinish(conn);
    return answer;
}

static void write_all(int fd, const char *buf, size_t n) {
    while (n > 0) {
        ssize_t w = write(fd, buf, n);
        if (w < 0) { if (errno == EINTR) continue; return; }
        buf += w; n -= (size_t)w;
    }
}

/* Read the request head (up to 8 KiB, until CRLFCRLF or EOF) within the deadline. */
static void read_request_head(void) {
    char buf[8192];
    size_t n = 0;
    while (n < sizeof buf - 1) {
        if (wait_fd(0, POLLIN) < 0) return;
        ssize_t r = read(0, buf + n, sizeof buf - 1 - n);
        if (r <= 0) return;
        n += (size_t)r;
        buf[n] = 0;
        if (strstr(buf, "\r\n\r\n") || strstr(buf, "\n\n")) return;
    }
}

int main(int argc, char **argv) {
    int http = 0;
    const char *conninfo = NULL;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--http") == 0) http = 1;
        else conninfo = argv[i];
    }
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += 1;

    if (http) read_request_head();
    const char *a = check(conninfo);
    int primary = strcmp(a, "primary") == 0, standby = strcmp(a, "standby") == 0;

    char out[256];
    int len;
    if (http) {
        const char *status = primary ? "200 OK" : standby ? "206 Partial Content" : "503 Service Unavailable";
        len = snprintf(out, sizeof out,
                       "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\n"
                       "Connection: close\r\n\r\n%s\n",
                       status, strlen(a) + 1, a);
    } else {
        len = snprintf(out, sizeof out, "%s\n", primary ? "production" : a);
    }
    write_all(1, out, (size_t)len);
    if (http) {
        /* Same socket etiquette as pgsql-state: half-close, then wait for the peer's EOF (1 s linger). */
        if (shutdown(1, SHUT_WR) == 0) {
            char sink[512];
            clock_gettime(CLOCK_MONOTONIC, &deadline);
            deadline.tv_sec += 1;
            while (wait_fd(0, POLLIN) == 0 && read(0, sink, sizeof sink) > 0) {}
        }
    }
    return (primary || standby) ? 0 : 2;
}
