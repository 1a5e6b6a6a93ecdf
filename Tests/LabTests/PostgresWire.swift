import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A minimal PostgreSQL client (protocol 3.0, trust or clear-text password authentication, one simple query)
/// for probing HAProxy's listeners many times a second without starting a process per probe. Startup,
/// password (when given), query and terminate are sent at once; the answer is read until the server (or
/// HAProxy) closes the connection. A password is for `scripts/pg-cluster`'s `lab_probe` role only
/// (loopback, `hostnossl … password`): the server reads it right after asking for it.
enum PostgresWire {
    enum Outcome: Sendable, Equatable {
        /// The first row of the result (text format; nil = NULL).
        case row([String?])
        /// An ErrorResponse: SQLSTATE and message.
        case error(code: String, message: String)
        /// No answer: refused, closed without a message (HAProxy gave up on its server), or the deadline.
        case failed(String)
    }

    static func query(host: String = "127.0.0.1", port: Int, _ sql: String, user: String = "postgres",
                      password: String? = nil, database: String = "postgres", timeout: Duration = .seconds(5)) -> Outcome {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { return .failed("socket: errno \(errno)") }
        defer { close(fd) }
        let seconds = Double(timeout.components.seconds) + Double(timeout.components.attoseconds) / 1e18
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - seconds.rounded(.down)) * 1e6))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr(host)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard connected == 0 else { return .failed("connect: errno \(errno)") }

        var request = startupMessage(user: user, database: database)
        if let password { request += message("p", Array(password.utf8) + [0]) }
        request += message("Q", Array(sql.utf8) + [0])
        request += message("X", [])
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count else { return .failed("send: errno \(errno)") }

        let deadline = ContinuousClock.now + timeout
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 16384)
        while ContinuousClock.now < deadline {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n > 0 { answer += buffer[0..<n]; continue }
            if n == 0 { break }
            if errno == EINTR { continue }
            if errno == EAGAIN || errno == EWOULDBLOCK { return .failed("timeout") }
            // ECONNRESET after a complete answer is still an answer.
            break
        }
        return parse(answer)
    }

    private static func startupMessage(user: String, database: String) -> [UInt8] {
        var body = bigEndian(UInt32(196_608))  // protocol 3.0
        for (key, value) in [("user", user), ("database", database), ("application_name", "lab-probe")] {
            body += Array(key.utf8) + [0] + Array(value.utf8) + [0]
        }
        body.append(0)
        return bigEndian(UInt32(body.count + 4)) + body
    }

    private static func message(_ type: Character, _ body: [UInt8]) -> [UInt8] {
        [type.asciiValue!] + bigEndian(UInt32(body.count + 4)) + body
    }

    private static func bigEndian(_ value: UInt32) -> [UInt8] {
        [UInt8(value >> 24), UInt8(value >> 16 & 0xff), UInt8(value >> 8 & 0xff), UInt8(value & 0xff)]
    }

    private static func int32(_ bytes: ArraySlice<UInt8>, at index: Int) -> Int {
        let b = Array(bytes[index..<index + 4])
        return Int(Int32(bitPattern: UInt32(b[0]) << 24 | UInt32(b[1]) << 16 | UInt32(b[2]) << 8 | UInt32(b[3])))
    }

    /// The first DataRow or ErrorResponse among the server's messages.
    static func parse(_ bytes: [UInt8]) -> Outcome {
        var index = 0
        while index + 5 <= bytes.count {
            let type = bytes[index]
            let length = int32(bytes[...], at: index + 1)
            guard length >= 4, index + 1 + length <= bytes.count else { break }
            let body = bytes[(index + 5)..<(index + 1 + length)]
            switch type {
            case UInt8(ascii: "E"):
                var fields: [UInt8: String] = [:]
                var i = body.startIndex
                while i < body.endIndex, body[i] != 0 {
                    let code = body[i]
                    let end = body[(i + 1)...].firstIndex(of: 0) ?? body.endIndex
                    fields[code] = String(decoding: body[(i + 1)..<end], as: UTF8.self)
                    i = end + 1
                }
                return .error(code: fields[UInt8(ascii: "C")] ?? "?????", message: fields[UInt8(ascii: "M")] ?? "")
            case UInt8(ascii: "D"):
                let count = Int(body[body.startIndex]) << 8 | Int(body[body.startIndex + 1])
                var values: [String?] = []
                var i = body.startIndex + 2
                for _ in 0..<count {
                    let n = int32(body, at: i)
                    i += 4
                    if n < 0 { values.append(nil); continue }
                    values.append(String(decoding: body[i..<(i + n)], as: UTF8.self))
                    i += n
                }
                return .row(values)
            default:
                break
            }
            index += 1 + length
        }
        return .failed(bytes.isEmpty ? "closed without an answer" : "no row or error in \(bytes.count) bytes")
    }
}
