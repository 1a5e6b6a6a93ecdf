import CPosix
import PgsqlStateCore

/// The accepted connection. Its one rule: never close with unread input, or Linux answers with RST and
/// the client may lose the answer it has not read yet. So: read the request, drain, write the whole answer
/// once, shutdown(SHUT_WR), then read until EOF or the linger ends.
///
/// Whatever a client sends, and however it paces it, the connection ends by the answer deadline plus
/// `Budget.linger`: every read goes through the one `ReadLoop`, which checks the deadline and the size
/// bound on every iteration, not only when recv(2) would block.
package struct ClientSocket: ~Copyable {
    private var input: ReadLoop

    /// The client closed its side: nothing more will come.
    package var clientClosed: Bool { input.closed }
    /// The client reset the connection (or another recv(2) error): nothing more will come.
    package var clientReset: Bool { input.failure != nil }
    /// The errno that ended reading, if one did.
    package var readError: Errno? { input.failure }

    /// How much a client may send beyond the request before we stop caring and let the kernel reset it.
    package static let drainLimit = 4 << 20
    /// The longest line `readLine` keeps (an agent-send line is a check spec, a few dozen bytes).
    package static let lineLimit = 1024

    package init(fd: FileDescriptor) { input = ReadLoop(fd: fd, source: .socket) }

    /// Reads until a complete head, an invalid one, the size limit, or the deadline.
    package mutating func readHTTPHead(until deadline: Deadline) -> RequestOutcome {
        var result = HTTPRequestParser.Progress.incomplete
        let end = input.run(until: deadline, limit: HTTPRequestParser.maxHeadLength, keep: true) { bytes in
            result = HTTPRequestParser.parse(bytes)
            return result != .incomplete
        }
        let nothing = input.received.isEmpty
        switch end {
        case .done:
            switch result {
            case .complete(let head): return .head(head)
            case .invalid(let error): return .error(error)
            case .incomplete: return .error(.badRequest)  // not reached: .done means decided
            }
        case .limit: return .error(.headerTooLarge)
        case .timedOut, .wouldBlock, .waitFailed: return nothing ? .noRequest : .error(.requestTimeout)
        case .closed: return nothing ? .noRequest : .error(.badRequest)
        case .failed: return .clientGone
        }
    }

    /// The first line the client sent (HAProxy's `agent-send`), waiting for it until `deadline`. nil when
    /// nothing came; what came without a line end when the client stopped, the limit or the deadline came first.
    package mutating func readLine(until deadline: Deadline) -> Substring? {
        _ = input.run(until: deadline, limit: Self.lineLimit, keep: true) { $0.contains(UInt8(ascii: "\n")) }
        let received = input.received
        if let end = received.firstIndex(of: UInt8(ascii: "\n")) {
            var line = received[..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            return Substring(String(decoding: line, as: UTF8.self))
        }
        return received.isEmpty ? nil : Substring(String(decoding: received, as: UTF8.self))
    }

    /// Reads and discards whatever has already arrived, without waiting, until `deadline`.
    package mutating func drainAvailable(until deadline: Deadline) {
        _ = input.run(until: deadline, limit: Self.drainLimit, keep: false, waits: false)
    }

    /// Writes the whole answer, then half-closes and lingers until the client closes. Returns false when the
    /// client was gone before the answer was out. Ends by the later of `deadline` and now, plus the linger.
    @discardableResult
    package mutating func answer(_ bytes: [UInt8], until deadline: Deadline) -> Bool {
        drainAvailable(until: deadline)
        let fd = input.fd
        var written = 0
        while written < bytes.count {
            let sent = bytes.withUnsafeBytes {
                fd.send(UnsafeRawBufferPointer(rebasing: $0[written...]), flags: Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT))
            }
            switch sent {
            case .success(0):
                return false  // not for a stream socket and a non-empty buffer (send(2)); never spin on it
            case .success(let count):
                written += count
            case .failure(let error):
                // EPIPE, ECONNRESET: the client is gone (SIGPIPE is ignored, and MSG_NOSIGNAL besides).
                guard error.isWouldBlock, !deadline.hasPassed, Readiness.wait(fd, for: .writable, until: deadline) == .ready
                else { return false }
            }
        }
        _ = fd.shutdownWriting()
        // Reads and discards until EOF, reset, the drain limit, or the linger deadline.
        _ = input.run(until: Deadline.after(nanoseconds: Budget.linger), limit: Self.drainLimit, keep: false)
        return true
    }
}
