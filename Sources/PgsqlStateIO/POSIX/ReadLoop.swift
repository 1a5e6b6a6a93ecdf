import CPosix
import PgsqlStateCore

/// The one read loop of the process, over one descriptor, with what has been read so far.
///
/// Every iteration checks, in this order: whether what was read is enough (`isDone`), the sender's end, the
/// size bound (bytes kept, or bytes taken when discarding), and the deadline; only then does it read once,
/// at most up to the bound. Once the deadline has passed, one last read without waiting takes what has
/// already arrived, and the next iteration ends the loop. So a client that streams without pause ends it at
/// the deadline like one that sends nothing.
package struct ReadLoop: ~Copyable {
    package enum Source: Sendable {
        /// recv(2) with MSG_DONTWAIT: never blocks, whatever the socket's own mode (xinetd's is blocking).
        case socket
        /// read(2), for files: a regular file is always readable (poll(2)).
        case file
    }

    package enum End: Equatable, Sendable {
        case done, limit, timedOut, wouldBlock, closed
        /// The read or the wait failed; for a socket, ECONNRESET and friends mean the client is gone (HAProxy
        /// resets its check connections on purpose).
        case failed(Errno)
        /// poll(2) itself failed (not the client): nothing was learnt about the client.
        case waitFailed(Errno)
    }

    package let fd: FileDescriptor
    package let source: Source
    /// Bytes kept and not yet consumed; never more than the limit of the read that kept them.
    package private(set) var received: [UInt8] = []
    /// EOF was read: nothing more will come.
    package private(set) var closed = false
    /// A read failed with this errno: nothing more will come.
    package private(set) var failure: Errno?

    package static let chunk = 16384

    package init(fd: FileDescriptor, source: Source) {
        self.fd = fd
        self.source = source
    }

    /// Reads until `isDone` says what was kept is enough, EOF, a failure, `limit` bytes (kept when `keep`,
    /// taken and discarded otherwise), or `deadline`. With `waits: false` it takes only what has already
    /// arrived (`.wouldBlock` when that is all).
    package mutating func run(until deadline: Deadline, limit: Int, keep: Bool, waits: Bool = true,
                             isDone: (ArraySlice<UInt8>) -> Bool = { _ in false }) -> End {
        var taken = 0
        var lastRead = false
        var buffer = [UInt8](repeating: 0, count: Self.chunk)
        while true {
            if isDone(received[...]) { return .done }
            if let failure { return .failed(failure) }
            if closed { return .closed }
            let room = limit - (keep ? received.count : taken)
            if room <= 0 { return .limit }
            if lastRead { return .timedOut }
            if deadline.hasPassed { lastRead = true }
            let count = min(room, Self.chunk)
            let result = buffer.withUnsafeMutableBytes { whole in
                let part = UnsafeMutableRawBufferPointer(rebasing: whole[..<count])
                return switch source {
                case .socket: fd.receive(into: part, flags: Int32(MSG_DONTWAIT))
                case .file: fd.read(into: part)
                }
            }
            switch result {
            case .success(0):
                closed = true
            case .success(let read):
                if keep { received += buffer[..<read] }
                taken += read
            case .failure(let error) where error.isWouldBlock:
                if lastRead { return .timedOut }
                guard waits else { return .wouldBlock }
                if case .failed(let error) = Readiness.wait(fd, for: .readable, until: deadline) { return .waitFailed(error) }
            case .failure(let error):
                failure = error
            }
        }
    }
}
