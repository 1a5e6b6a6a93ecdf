#ifndef PGSQL_STATE_CPOSIX_H
#define PGSQL_STATE_CPOSIX_H
/*
 * POSIX as pgsql-state uses it, in every build mode. Embedded Swift cannot import the Glibc overlay
 * (https://github.com/swiftlang/swift/blob/main/docs/EmbeddedSwift/UserManual.md), so the libc headers
 * come through this module, and the few things Swift cannot import from them are small functions here:
 * errno is a macro over a thread-local, SIG_IGN a cast function pointer, open(2) is variadic.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

static inline int pgsql_state_errno(void) { return errno; }

/* open(2) with its optional mode always passed (the mode is ignored without O_CREAT or O_TMPFILE). */
static inline int pgsql_state_open(const char *path, int flags, mode_t mode) { return open(path, flags, mode); }

/* signal(sig, SIG_IGN); 0 or -1 with errno. */
static inline int pgsql_state_ignore_signal(int sig) { return signal(sig, SIG_IGN) == SIG_ERR ? -1 : 0; }

/* fcntl(2) F_SETLK: a write lock on bytes [start, start + length) that never waits; 0 or -1 with errno
 * (EAGAIN or EACCES: another process holds it). fcntl is variadic, which Swift cannot call. Released when the
 * process closes any descriptor of the file. */
static inline int pgsql_state_try_lock_range(int fd, off_t start, off_t length) {
    struct flock lock = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = start, .l_len = length };
    return fcntl(fd, F_SETLK, &lock);
}

/* flock(2) `operation` (LOCK_SH or LOCK_EX), waiting at most `nanoseconds`: 0, or -1 with errno (ETIMEDOUT
 * when the time ran out). flock has no timeout; an interval timer's SIGALRM, caught without SA_RESTART,
 * interrupts the wait (signal(7)), and keeps firing every millisecond so that one arriving just before the
 * call blocks cannot be lost. The previous handler and timer are put back. In shim.c: it needs a handler. */
int pgsql_state_lock_within(int fd, int operation, long long nanoseconds);

#endif
