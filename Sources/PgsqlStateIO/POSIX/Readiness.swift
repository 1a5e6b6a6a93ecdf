import CPosix
import PgsqlStateCore

/// Waiting on file descriptors with poll(2), bounded by a deadline; a signal restarts the wait with the
/// time that is left (valueOrErrno re-evaluates the timeout).
package enum Readiness {
    package enum Event { case readable, writable }

    package enum Outcome: Equatable { case ready, timedOut, failed(Errno) }

    package static func wait(_ fd: FileDescriptor, for event: Event, until deadline: Deadline) -> Outcome {
        var entries = [pollfd(fd: fd.rawValue, events: Int16(event == .readable ? POLLIN : POLLOUT), revents: 0)]
        return waitAny(&entries, until: deadline)
    }

    /// A descriptor libpq owns (PQsocket).
    package static func wait(_ fd: Int32, for event: Event, until deadline: Deadline) -> Outcome {
        wait(FileDescriptor(rawValue: fd), for: event, until: deadline)
    }

    /// Waits until at least one of `entries` is ready (their `revents` say which), or the deadline.
    /// `.ready` with no `revents` set when poll(2) woke early (its timeout is rounded): wait again.
    package static func waitAny(_ entries: inout [pollfd], until deadline: Deadline) -> Outcome {
        let result = valueOrErrno {
            entries.withUnsafeMutableBufferPointer { poll($0.baseAddress, nfds_t($0.count), deadline.pollMilliseconds) }
        }
        switch result {
        case .success(let count) where count > 0: return .ready  // POLLHUP/POLLERR too: the next call says what.
        case .success: return deadline.hasPassed ? .timedOut : .ready
        case .failure(let error): return .failed(error)
        }
    }
}
