#if canImport(Glibc)
import Glibc
#endif

/// How `RawClient` sends its bytes: `size` bytes at a time, `interval` apart (slowloris).
public struct SendChunks: Sendable, Hashable {
    public var size: Int
    public var interval: Duration

    public init(size: Int, interval: Duration) {
        precondition(size > 0, "chunk size must be positive")
        self.size = size
        self.interval = interval
    }
}

/// What a `RawClient` exchange saw.
public struct ExchangeResult: Sendable, CustomStringConvertible {
    public enum Ending: Sendable, Equatable, CustomStringConvertible {
        /// The server closed normally (FIN) and everything it sent was read.
        case eof
        /// ECONNRESET: the server's kernel answered with RST (typically: it closed with unread input).
        case reset
        /// The deadline passed first (or the connection could not be made within it).
        case timeout
        /// The connection was refused or failed (errno).
        case connectFailed(errno: Int32)
        /// Another read error (errno).
        case error(errno: Int32)

        public var description: String {
            switch self {
            case .eof: return "eof"
            case .reset: return "reset"
            case .timeout: return "timeout"
            case let .connectFailed(code): return "connectFailed(\(String(cString: strerror(code))))"
            case let .error(code): return "error(\(String(cString: strerror(code))))"
            }
        }
    }

    /// Everything received, in order.
    public let bytes: [UInt8]
    public let endedWith: Ending
    /// From the start of the connect to the end of the exchange.
    public let elapsed: Duration
    /// From the start of the connect to the first byte received (nil: nothing received).
    public let firstByteAfter: Duration?
    /// How many of the bytes to send actually went out.
    public let bytesSent: Int
    /// errno of a failed send (EPIPE, ECONNRESET, ETIMEDOUT), nil if all was sent.
    public let sendError: Int32?

    /// The bytes as UTF-8 (invalid sequences replaced).
    public var text: String { String(decoding: bytes, as: UTF8.self) }

    public var description: String {
        var text = "\(endedWith) after \(elapsed), \(bytes.count) bytes received"
        if let sendError { text += ", send failed: \(String(cString: strerror(sendError)))" }
        return text + ": \(String(reflecting: self.text))"
    }
}

/// Scripted TCP clients for socket-behaviour tests (checker answers, RST on unread input, slowloris).
public enum RawClient {
    /// Connects to 127.0.0.1:`port`, writes `send` (may be empty; in `sendChunks` pieces if given,
    /// reading whatever arrives meanwhile), optionally `shutdown(SHUT_WR)`s, waits `delayBeforeRead`
    /// without reading, then reads until EOF, ECONNRESET or the deadline. `timeout` bounds everything.
    public static func exchange(
        port: UInt16,
        send: [UInt8],
        delayBeforeRead: Duration = .zero,
        sendChunks: SendChunks? = nil,
        shutdownWriteAfterSend: Bool = false,
        timeout: Duration
    ) -> ExchangeResult {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeout
        var received: [UInt8] = []
        var firstByte: ContinuousClock.Instant?
        func result(_ ending: ExchangeResult.Ending, sent: Int = 0, sendError: Int32? = nil) -> ExchangeResult {
            ExchangeResult(
                bytes: received, endedWith: ending, elapsed: clock.now - start,
                firstByteAfter: firstByte.map { $0 - start }, bytesSent: sent, sendError: sendError
            )
        }

        let connection: RawConnection
        do {
            connection = try RawConnection(port: port, timeout: timeout)
        } catch {
            switch error {
            case .timeout: return result(.timeout)
            case let .connectFailed(code): return result(.connectFailed(errno: code))
            }
        }
        defer { connection.close() }

        // Send phase.
        var sent = 0
        var sendError: Int32?
        let chunkSize = sendChunks?.size ?? max(send.count, 1)
        var offset = 0
        while offset < send.count {
            if offset > 0, let interval = sendChunks?.interval {
                // Between chunks: read what the server says meanwhile; stop if it hangs up.
                let pauseEnd = min(clock.now + interval, deadline)
                while clock.now < pauseEnd {
                    let event = connection.receive(maxWait: pauseEnd - clock.now)
                    switch event {
                    case let .data(chunk):
                        if received.isEmpty { firstByte = clock.now }
                        received += chunk
                    case .timeout:
                        break
                    case .eof:
                        return result(.eof, sent: sent)
                    case .reset:
                        return result(.reset, sent: sent)
                    case let .error(code):
                        return result(.error(errno: code), sent: sent)
                    }
                }
                if clock.now >= deadline { return result(.timeout, sent: sent) }
            }
            let end = min(offset + chunkSize, send.count)
            let outcome = connection.send(Array(send[offset..<end]), until: deadline)
            sent += outcome.sent
            offset = end
            if let error = outcome.error {
                sendError = error
                break
            }
        }
        if shutdownWriteAfterSend { connection.shutdownWrite() }

        // The late reader: the answer (if any) waits in our receive buffer meanwhile.
        blockingSleep(min(delayBeforeRead, deadline - clock.now))

        let ending: ExchangeResult.Ending
        switch connection.readToEnd(until: deadline, into: &received, onFirstByte: { firstByte = clock.now }) {
        case .eof: ending = sendError == ECONNRESET ? .reset : .eof
        case .reset: ending = .reset
        case .timeout: ending = .timeout
        case let .error(code): ending = .error(errno: code)
        case .data: ending = .eof  // not returned by readToEnd
        }
        return result(ending, sent: sent, sendError: sendError)
    }

    /// `exchange` with a text request (UTF-8).
    public static func exchange(
        port: UInt16,
        request: String,
        delayBeforeRead: Duration = .zero,
        sendChunks: SendChunks? = nil,
        shutdownWriteAfterSend: Bool = false,
        timeout: Duration
    ) -> ExchangeResult {
        exchange(port: port, send: Array(request.utf8), delayBeforeRead: delayBeforeRead,
                 sendChunks: sendChunks, shutdownWriteAfterSend: shutdownWriteAfterSend, timeout: timeout)
    }

    /// Slowloris: sends `bytes` `chunkSize` bytes at a time, `interval` apart, reading whatever the
    /// server answers meanwhile; stops sending as soon as the server hangs up.
    public static func slowSend(
        port: UInt16,
        bytes: [UInt8],
        chunkSize: Int = 1,
        interval: Duration,
        timeout: Duration
    ) -> ExchangeResult {
        exchange(port: port, send: bytes, sendChunks: SendChunks(size: chunkSize, interval: interval),
                 timeout: timeout)
    }

    /// A client that connects and sends nothing, keeping the connection open while reading until
    /// the server closes or `timeout` passes (expect-only HAProxy checks, silent clients).
    public static func idle(port: UInt16, timeout: Duration) -> ExchangeResult {
        exchange(port: port, send: [], timeout: timeout)
    }
}
