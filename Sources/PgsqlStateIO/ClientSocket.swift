#if canImport(Glibc)
import Glibc
#endif
import PgsqlStateCore

/// The accepted connection. Its one rule: never close with unread input, or Linux answers with RST and
/// the peer may lose the answer it has not read yet. So: read the request, drain, write the whole answer
/// once, shutdown(SHUT_WR), then read until EOF or the linger ends.
public struct ClientSocket: ~Copyable {
    public let fd: Int32
    /// Bytes received and not yet consumed by a parser, bounded by `HTTPRequestParser.maxHeadLength`.
    private var received: [UInt8] = []
    /// The peer reset or closed its side: nothing more will come.
    public private(set) var peerClosed = false
    public private(set) var peerReset = false

    /// How much a peer may send beyond the request before we stop caring and let the kernel reset it.
    public static let drainLimit = 4 << 20
    public static let lingerNanoseconds: UInt64 = 1_000_000_000

    public init(fd: Int32) { self.fd = fd }

    private static let dontWait = Int32(MSG_DONTWAIT)
    private static let noSignal = Int32(MSG_NOSIGNAL)

    public enum HeadOutcome: Equatable {
        /// Nothing arrived before the deadline, or the peer closed without sending: the default check.
        case noRequest
        case head(HTTPRequestHead)
        case error(HTTPError)
        case peerGone
    }

    /// Reads until a complete head, an invalid one, or the deadline.
    public mutating func readHTTPHead(until deadline: Deadline) -> HeadOutcome {
        while true {
            switch HTTPRequestParser.parse(received[...]) {
            case .complete(let head): return .head(head)
            case .invalid(let error): return .error(error)
            case .incomplete: break
            }
            if peerReset { return .peerGone }
            if peerClosed { return received.isEmpty ? .noRequest : .error(.badRequest) }
            guard readOnce(until: deadline, keep: HTTPRequestParser.maxHeadLength - received.count) else {
                return received.isEmpty ? .noRequest : .error(.requestTimeout)
            }
        }
    }

    /// The first line the peer sent (HAProxy's `agent-send`), waiting at most until `grace` for its first
    /// byte and until `deadline` for its end. nil when nothing came.
    public mutating func readLine(grace: Deadline, until deadline: Deadline) -> Substring? {
        let limit = 1024
        while true {
            if let end = received.firstIndex(of: UInt8(ascii: "\n")) {
                var line = received[..<end]
                if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
                return Substring(String(decoding: line, as: UTF8.self))
            }
            if peerClosed || peerReset || received.count >= limit { break }
            let wait = received.isEmpty ? grace : deadline
            guard readOnce(until: wait, keep: limit - received.count) else { break }
        }
        return received.isEmpty ? nil : Substring(String(decoding: received, as: UTF8.self))
    }

    /// Reads whatever has already arrived without waiting.
    public mutating func drainAvailable() {
        var drained = 0
        while !peerClosed, !peerReset, drained < Self.drainLimit {
            guard let count = receive(flags: Self.dontWait, keep: 0), count > 0 else { return }
            drained += count
        }
    }

    /// Writes the whole answer, then half-closes and lingers until the peer closes. Returns false when the
    /// peer was gone before the answer was out.
    @discardableResult
    public mutating func answer(_ bytes: [UInt8], until deadline: Deadline) -> Bool {
        drainAvailable()
        var written = 0
        while written < bytes.count {
            let count = bytes.withUnsafeBytes { buffer in
                send(fd, buffer.baseAddress! + written, buffer.count - written, Self.noSignal | Self.dontWait)
            }
            if count > 0 {
                written += count
                continue
            }
            if count < 0, errno == EINTR { continue }
            guard count < 0, errno == EAGAIN || errno == EWOULDBLOCK,
                  Readiness.wait(fd, for: .writable, until: deadline) == .ready else { return false }
        }
        shutdown(fd, Int32(SHUT_WR))
        linger()
        return true
    }

    /// Reads and discards until EOF, reset, the drain limit, or the linger deadline.
    private mutating func linger() {
        let deadline = Deadline.after(nanoseconds: Self.lingerNanoseconds)
        var drained = 0
        while !peerClosed, !peerReset, drained < Self.drainLimit {
            guard let count = receive(flags: Self.dontWait, keep: 0) else {
                guard Readiness.wait(fd, for: .readable, until: deadline) == .ready else { return }
                continue
            }
            drained += count
        }
    }

    /// Waits for input and reads once. false on timeout.
    private mutating func readOnce(until deadline: Deadline, keep: Int) -> Bool {
        while true {
            if receive(flags: Self.dontWait, keep: keep) != nil { return true }
            guard Readiness.wait(fd, for: .readable, until: deadline) == .ready else { return false }
        }
    }

    /// One recv(2). Keeps at most `keep` bytes in `received`, discards the rest. nil when nothing is
    /// available yet; 0 at EOF or reset (recorded in `peerClosed` / `peerReset`).
    private mutating func receive(flags: Int32, keep: Int) -> Int? {
        var buffer = [UInt8](repeating: 0, count: 16384)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, flags) }
            if count > 0 {
                received.append(contentsOf: buffer[..<min(count, max(keep, 0))])
                return count
            }
            if count == 0 {
                peerClosed = true
                return 0
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            default:
                // ECONNRESET and friends: the peer is gone; HAProxy resets its checks on purpose.
                peerReset = true
                return 0
            }
        }
    }
}
