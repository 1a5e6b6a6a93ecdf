#if canImport(Glibc)
import Glibc
#endif
import TestSupport

/// `count` connections to 127.0.0.1:`port` opened as close together as one thread can (non-blocking
/// connects in a loop), the request sent on each as soon as it is connected, then everything read with
/// poll(2) until every connection has ended or the deadline passes.
struct Burst: Sendable {
    var port: UInt16
    var count = 500
    var request = Array("GET / HTTP/1.0\r\n\r\n".utf8)
    var timeout: Duration = .seconds(30)

    /// How one connection ended.
    enum Ending: Sendable, Equatable, Hashable, CustomStringConvertible {
        case eof
        case reset
        /// connect(2) failed (ECONNREFUSED...), synchronously or through SO_ERROR.
        case connectFailed(Int32)
        /// Another error while sending or reading.
        case error(Int32)
        /// Still open at the deadline.
        case timeout

        var description: String {
            switch self {
            case .eof: "eof"
            case .reset: "reset"
            case let .connectFailed(code): "connect failed (\(String(cString: strerror(code))))"
            case let .error(code): "error (\(String(cString: strerror(code))))"
            case .timeout: "timeout"
            }
        }
    }

    struct Connection: Sendable {
        var bytes: [UInt8] = []
        var ending: Ending?
        var requestSent = false
        /// From the first connect of the burst to this connection's end.
        var endedAfter: Duration?
    }

    /// How a connection is judged.
    enum Verdict: Sendable, Equatable, Hashable, CustomStringConvertible {
        /// A complete, well-formed HTTP answer, then EOF.
        case answered(status: Int, body: String)
        /// Closed (FIN or RST) or refused before any byte of an answer arrived.
        case refused
        /// Anything else: a partial answer, an answer cut by an RST, a malformed answer, a timeout.
        case broken(String)

        var description: String {
            switch self {
            case let .answered(status, body): "answered \(status) \(body.trimmingCharacters(in: ["\n"]))"
            case .refused: "refused cleanly"
            case let .broken(why): "BROKEN: \(why)"
            }
        }

        var isBroken: Bool { if case .broken = self { true } else { false } }
    }

    struct Report: Sendable {
        let connections: [Connection]
        /// How long the connect loop took (the burst's width).
        let connectLoop: Duration
        /// From the first connect to the end of the last connection.
        let duration: Duration

        var verdicts: [Verdict] { connections.map(Burst.judge) }

        var answered: Int { verdicts.filter { if case .answered = $0 { true } else { false } }.count }
        var refused: Int { verdicts.filter { $0 == .refused }.count }
        var broken: [Verdict] { verdicts.filter(\.isBroken) }

        /// "answered 200 primary" -> count, etc.
        var tally: [String: Int] {
            var tally: [String: Int] = [:]
            for (connection, verdict) in zip(connections, verdicts) {
                var key = verdict.description
                if verdict == .refused { key += " (\(connection.ending.map(\.description) ?? "?"))" }
                if case .broken = verdict { key = "broken" }
                tally[key, default: 0] += 1
            }
            return tally
        }

        var summary: String {
            tally.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        }
    }

    static func judge(_ connection: Connection) -> Verdict {
        guard let ending = connection.ending, ending != .timeout else {
            return .broken("no end within the deadline after \(connection.bytes.count) bytes")
        }
        if connection.bytes.isEmpty {
            switch ending {
            case .eof, .reset, .connectFailed: return .refused
            case .error, .timeout: return .broken("\(ending) before any byte")
            }
        }
        switch HTTPAnswer.parse(connection.bytes) {
        case let .success(answer):
            guard ending == .eof else { return .broken("complete answer, then \(ending)") }
            return .answered(status: answer.status, body: answer.body)
        case let .failure(problem):
            return .broken("\(problem), ended by \(ending)")
        }
    }

    func run() -> Report {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeout
        var connections = [Connection](repeating: Connection(), count: count)
        var fds = [Int32](repeating: -1, count: count)
        defer { for fd in fds where fd >= 0 { close(fd) } }

        func finish(_ index: Int, _ ending: Ending) {
            connections[index].ending = ending
            connections[index].endedAfter = clock.now - start
            close(fds[index])
            fds[index] = -1
        }

        // 1. Every connect, without waiting for any.
        for index in 0..<count {
            let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
                            | Int32(SOCK_CLOEXEC.rawValue), 0)
            guard fd >= 0 else {
                connections[index].ending = .error(errno)
                continue
            }
            fds[index] = fd
            var address = sockaddr_in.loopback(port: port)
            let result = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
            if result != 0 && errno != EINPROGRESS && errno != EINTR {
                finish(index, .connectFailed(errno))
            }
        }
        let connectLoop = clock.now - start

        // 2. Send on each as it connects, read everything until EOF / RST.
        var buffer = [UInt8](repeating: 0, count: 65536)
        while clock.now < deadline {
            var entries: [pollfd] = []
            var indices: [Int] = []
            for index in 0..<count where fds[index] >= 0 {
                let events = connections[index].requestSent ? Int16(POLLIN) : Int16(POLLOUT)
                entries.append(pollfd(fd: fds[index], events: events, revents: 0))
                indices.append(index)
            }
            if entries.isEmpty { break }
            let wait = Int32(min(max((deadline - clock.now).inMilliseconds, 1), 200))
            let ready = poll(&entries, nfds_t(entries.count), wait)
            if ready < 0 && errno != EINTR { break }
            guard ready > 0 else { continue }
            for (entry, index) in zip(entries, indices) where entry.revents != 0 {
                let fd = fds[index]
                if !connections[index].requestSent {
                    var socketError: Int32 = 0
                    var length = socklen_t(MemoryLayout<Int32>.size)
                    getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &length)
                    if socketError != 0 {
                        finish(index, socketError == ECONNRESET ? .reset : .connectFailed(socketError))
                        continue
                    }
                    let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if sent < 0 && errno != EAGAIN {
                        // Closed by the server before we could even ask: read whatever it said anyway.
                        let code = errno
                        let ending = drain(fd, into: &connections[index].bytes, buffer: &buffer)
                        finish(index, ending ?? (code == ECONNRESET || code == EPIPE ? .reset : .error(code)))
                        continue
                    }
                    // 18 bytes into an empty send buffer: all or nothing.
                    connections[index].requestSent = sent == request.count
                    continue
                }
                if let ending = drain(fd, into: &connections[index].bytes, buffer: &buffer) {
                    finish(index, ending)
                }
            }
        }
        for index in 0..<count where fds[index] >= 0 { finish(index, .timeout) }
        return Report(connections: connections, connectLoop: connectLoop, duration: clock.now - start)
    }

    /// Reads what is available. nil: the connection is still open.
    private func drain(_ fd: Int32, into bytes: inout [UInt8], buffer: inout [UInt8]) -> Ending? {
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count > 0 {
                bytes += buffer[0..<count]
                continue
            }
            if count == 0 { return .eof }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            case ECONNRESET: return .reset
            case let other: return .error(other)
            }
        }
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}
