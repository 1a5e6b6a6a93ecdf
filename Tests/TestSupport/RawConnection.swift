#if canImport(Glibc)
import Glibc
#endif

/// One plain TCP connection to 127.0.0.1 over Glibc sockets (no Foundation networking), for tests
/// that need to control exactly when bytes are sent and read. Not thread-safe; closes on deinit.
public final class RawConnection {
    public let port: UInt16
    public private(set) var fd: Int32 = -1

    /// What one `receive` call saw.
    public enum Event: Sendable, Equatable {
        case data([UInt8])
        case eof
        case reset
        case timeout
        case error(errno: Int32)
    }

    /// Connects to 127.0.0.1:`port` within `timeout`.
    public init(port: UInt16, timeout: Duration) throws(RawSocketError) {
        self.port = port
        let deadline = ContinuousClock.now + timeout
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
                              | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard socketFD >= 0 else { throw .connectFailed(errno: errno) }
        fd = socketFD
        var address = sockaddr_in.loopback(port: port)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        if result == 0 { return }
        guard errno == EINPROGRESS || errno == EINTR else {
            let failure = errno
            close()
            throw .connectFailed(errno: failure)
        }
        guard waitFor(Int16(POLLOUT), until: deadline) else {
            close()
            throw .timeout
        }
        var socketError: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(socketFD, SOL_SOCKET, SO_ERROR, &socketError, &length)
        if socketError != 0 {
            close()
            throw .connectFailed(errno: socketError)
        }
    }

    deinit {
        close()
    }

    /// Sends all of `bytes` before `deadline` (never raises SIGPIPE). Returns how many bytes went out
    /// and the errno that stopped it (EPIPE, ECONNRESET...), or ETIMEDOUT at the deadline.
    @discardableResult
    public func send(_ bytes: [UInt8], until deadline: ContinuousClock.Instant) -> (sent: Int, error: Int32?) {
        var offset = 0
        while offset < bytes.count {
            let count = bytes.withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
            }
            if count > 0 {
                offset += count
                continue
            }
            if count < 0 && errno == EINTR { continue }
            if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK) {
                if !waitFor(Int16(POLLOUT), until: deadline) { return (offset, ETIMEDOUT) }
                continue
            }
            return (offset, count < 0 ? errno : EPIPE)
        }
        return (offset, nil)
    }

    /// Waits up to `maxWait` for something to read and reports it.
    public func receive(maxWait: Duration) -> Event {
        let deadline = ContinuousClock.now + maxWait
        while true {
            var buffer = [UInt8](repeating: 0, count: 65536)
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 { return .data(Array(buffer[0..<count])) }
            if count == 0 { return .eof }
            switch errno {
            case EINTR:
                continue
            case EAGAIN, EWOULDBLOCK:
                if !waitFor(Int16(POLLIN), until: deadline) { return .timeout }
            case ECONNRESET:
                return .reset
            case let other:
                return .error(errno: other)
            }
        }
    }

    /// Reads until EOF, reset, an error or `deadline`. `onFirstByte` runs when the first byte arrives.
    public func readToEnd(
        until deadline: ContinuousClock.Instant,
        into bytes: inout [UInt8],
        onFirstByte: () -> Void = {}
    ) -> Event {
        while true {
            let remaining = deadline - ContinuousClock.now
            let event = receive(maxWait: max(remaining, .zero))
            guard case let .data(chunk) = event else { return event }
            if bytes.isEmpty { onFirstByte() }
            bytes += chunk
        }
    }

    /// `shutdown(SHUT_WR)`: the peer sees EOF, we can still read.
    public func shutdownWrite() {
        if fd >= 0 { shutdown(fd, Int32(SHUT_WR)) }
    }

    /// Closes with an RST instead of a FIN (SO_LINGER 0), the way HAProxy ends its checks.
    public func resetAndClose() {
        guard fd >= 0 else { return }
        var option = linger(l_onoff: 1, l_linger: 0)
        setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size))
        close()
    }

    public func close() {
        guard fd >= 0 else { return }
        Glibc.close(fd)
        fd = -1
    }

    /// poll(2) for `events` until `deadline`; false on timeout. Error/hang-up conditions count as ready
    /// (the following call reports them).
    private func waitFor(_ events: Int16, until deadline: ContinuousClock.Instant) -> Bool {
        while true {
            let remaining = deadline - ContinuousClock.now
            if remaining <= .zero { return false }
            var entry = pollfd(fd: fd, events: events, revents: 0)
            let ready = poll(&entry, 1, remaining.pollMilliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return true }
        }
    }
}

/// Why a `RawConnection` could not be opened.
public enum RawSocketError: Error, Equatable, CustomStringConvertible {
    case connectFailed(errno: Int32)
    case timeout

    public var description: String {
        switch self {
        case let .connectFailed(code): return "connect failed: \(String(cString: strerror(code)))"
        case .timeout: return "connect timed out"
        }
    }
}
