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

    /// Waits until at least one of `entries` is ready (their `revents` say which), or the deadline.
    /// false when the deadline passed with nothing ready, or poll(2) failed.
    public static func waitAny(_ entries: inout [pollfd], until deadline: Deadline) -> Bool {
        while true {
            let result = entries.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), deadline.pollMilliseconds) }
            if result > 0 { return true }
            if result == 0 { return !deadline.hasPassed }
            if errno != EINTR { return false }
        }
    }
}
