#if canImport(Glibc)
import Glibc
#endif
import PgsqlStateCore

/// The accepted connection. Its one rule: never close with unread input, or Linux answers with RST and
/// the peer may lose the answer it has not read yet. So: read the request, drain, write the whole answer
/// once, shutdown(SHUT_WR), then read until EOF or the linger ends.
///
/// Whatever a peer sends, and however it paces it, the connection ends by the answer deadline plus
/// `lingerNanoseconds`: every read goes through `readLoop`, which checks the deadline and the size bound
/// on every iteration, not only when recv(2) would block.
public struct ClientSocket: ~Copyable {
    public let fd: Int32
    /// Bytes received and not yet consumed by a parser; `readLoop` never keeps more than its limit.
    private var received: [UInt8] = []
    /// The peer reset or closed its side: nothing more will come.
    public private(set) var peerClosed = false
    public private(set) var peerReset = false

    /// How much a peer may send beyond the request before we stop caring and let the kernel reset it.
    public static let drainLimit = 4 << 20
    public static let lingerNanoseconds: UInt64 = 1_000_000_000
    /// The longest line `readLine` keeps (an agent-send line is a check spec, a few dozen bytes).
    public static let lineLimit = 1024

    public init(fd: Int32) { self.fd = fd }

    private static let dontWait = Int32(MSG_DONTWAIT)
    private static let noSignal = Int32(MSG_NOSIGNAL)
    private static let chunk = 16384

    /// The core's name for what reading a request came to.
    public typealias HeadOutcome = RequestOutcome

    /// Reads until a complete head, an invalid one, the size limit, or the deadline.
    public mutating func readHTTPHead(until deadline: Deadline) -> HeadOutcome {
        var result = HTTPRequestParser.Progress.incomplete
        let end = readLoop(until: deadline, limit: HTTPRequestParser.maxHeadLength, keep: true) { bytes in
            result = HTTPRequestParser.parse(bytes)
            return result != .incomplete
        }
        switch end {
        case .done:
            switch result {
            case .complete(let head): return .head(head)
            case .invalid(let error): return .error(error)
            case .incomplete: return .error(.badRequest)  // not reached: .done means decided
            }
        case .limit: return .error(.headerTooLarge)
        case .timedOut, .wouldBlock: return received.isEmpty ? .noRequest : .error(.requestTimeout)
        case .closed: return received.isEmpty ? .noRequest : .error(.badRequest)
        case .reset: return .peerGone
        }
    }

    /// The first line the peer sent (HAProxy's `agent-send`), waiting for it until `deadline`. nil when
    /// nothing came; what came without a line end when the peer stopped, the limit or the deadline came first.
    public mutating func readLine(until deadline: Deadline) -> Substring? {
        _ = readLoop(until: deadline, limit: Self.lineLimit, keep: true) { $0.contains(UInt8(ascii: "\n")) }
        if let end = received.firstIndex(of: UInt8(ascii: "\n")) {
            var line = received[..<end]
            if line.last == UInt8(ascii: "\r") { line = line.dropLast() }
            return Substring(String(decoding: line, as: UTF8.self))
        }
        return received.isEmpty ? nil : Substring(String(decoding: received, as: UTF8.self))
    }

    /// Reads and discards whatever has already arrived, without waiting, until `deadline`.
    public mutating func drainAvailable(until deadline: Deadline) {
        _ = readLoop(until: deadline, limit: Self.drainLimit, keep: false, waits: false)
    }

    /// Writes the whole answer, then half-closes and lingers until the peer closes. Returns false when the
    /// peer was gone before the answer was out. Ends by the later of `deadline` and now, plus the linger.
    @discardableResult
    public mutating func answer(_ bytes: [UInt8], until deadline: Deadline) -> Bool {
        drainAvailable(until: deadline)
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
            guard count < 0, errno == EAGAIN || errno == EWOULDBLOCK, !deadline.hasPassed,
                  Readiness.wait(fd, for: .writable, until: deadline) != .failed else { return false }
        }
        shutdown(fd, Int32(SHUT_WR))
        // Reads and discards until EOF, reset, the drain limit, or the linger deadline.
        _ = readLoop(until: Deadline.after(nanoseconds: Self.lingerNanoseconds), limit: Self.drainLimit, keep: false)
        return true
    }

    enum LoopEnd: Equatable { case done, limit, timedOut, wouldBlock, closed, reset }

    /// The one read loop. Every iteration checks, in this order: whether what was read is enough
    /// (`isDone`), the peer's end, the size bound (bytes kept, or bytes taken when discarding), and the
    /// deadline; only then does it read once, at most up to the bound. Once the deadline has passed, one
    /// last read without waiting takes what has already arrived, and the next iteration ends the loop.
    /// So a peer that streams without pause ends it at the deadline like one that sends nothing.
    private mutating func readLoop(until deadline: Deadline, limit: Int, keep: Bool, waits: Bool = true,
                                   isDone: (ArraySlice<UInt8>) -> Bool = { _ in false }) -> LoopEnd {
        var taken = 0
        var lastRead = false
        while true {
            if isDone(received[...]) { return .done }
            if peerReset { return .reset }
            if peerClosed { return .closed }
            let room = limit - (keep ? received.count : taken)
            if room <= 0 { return .limit }
            if lastRead { return .timedOut }
            if deadline.hasPassed { lastRead = true }
            guard let count = receive(atMost: min(room, Self.chunk), keep: keep) else {
                if lastRead { return .timedOut }
                guard waits else { return .wouldBlock }
                if Readiness.wait(fd, for: .readable, until: deadline) == .failed { return .timedOut }
                continue
            }
            taken += count
        }
    }

    /// One recv(2) without waiting, of at most `count` bytes, appended to `received` when `keep`.
    /// nil when nothing is available yet; 0 at EOF or reset (recorded in `peerClosed` / `peerReset`).
    private mutating func receive(atMost count: Int, keep: Bool) -> Int? {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let result = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Self.dontWait) }
            if result > 0 {
                if keep { received.append(contentsOf: buffer[..<result]) }
                return result
            }
            if result == 0 {
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
