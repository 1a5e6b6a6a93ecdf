#if canImport(Glibc)
import Glibc
#endif

/// Waiting on one file descriptor, bounded by a deadline and restarted after signals.
public enum Readiness {
    public enum Event { case readable, writable }

    public enum Outcome: Equatable { case ready, timedOut, failed }

    public static func wait(_ fd: Int32, for event: Event, until deadline: Deadline) -> Outcome {
        var entry = pollfd(fd: fd, events: Int16(event == .readable ? POLLIN : POLLOUT), revents: 0)
        while true {
            let result = poll(&entry, 1, deadline.pollMilliseconds)
            if result > 0 { return .ready }  // POLLHUP/POLLERR too: the next read or write says what happened.
            if result == 0 { return deadline.hasPassed ? .timedOut : .ready }
            if errno != EINTR { return .failed }
        }
    }
}
