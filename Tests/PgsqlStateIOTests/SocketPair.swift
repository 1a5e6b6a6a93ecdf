import Foundation
import PgsqlStateIO
import Testing

/// Two connected AF_UNIX stream sockets: `checker` plays the accepted connection, `client` plays HAProxy.
/// On Linux an AF_UNIX stream socket closed with unread input makes the other end's next read fail with
/// ECONNRESET (net/unix/af_unix.c, unix_release_sock), as a TCP socket sends RST: the rule ClientSocket keeps.
struct SocketPair: ~Copyable {
    let checker: Int32
    let client: Int32

    init() throws {
        var pair: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
        (checker, client) = (pair[0], pair[1])
    }

    deinit {
        close(checker)
        close(client)
    }

    /// Sends all of `bytes` from the client (blocking).
    func clientSends(_ bytes: [UInt8]) throws {
        var rest = bytes[...]
        while !rest.isEmpty {
            let sent = rest.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            try #require(sent > 0, "send: \(String(cString: strerror(errno)))")
            rest = rest.dropFirst(sent)
        }
    }

    func clientSends(_ text: String) throws { try clientSends(Array(text.utf8)) }

    /// What the client reads until EOF or an error, waiting at most `seconds` in all.
    func clientReadsToEnd(within seconds: Double = 5) -> (bytes: [UInt8], end: ClientEnd) {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        let stop = Date().addingTimeInterval(seconds)
        while Date() < stop {
            var entry = pollfd(fd: client, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 50) >= 0 else { return (bytes, .error(errno)) }
            let count = recv(client, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { bytes += buffer[..<count]; continue }
            if count == 0 { return (bytes, .eof) }
            if errno == EAGAIN || errno == EINTR { continue }
            return (bytes, .error(errno))
        }
        return (bytes, .stillOpen)
    }

    enum ClientEnd: Equatable { case eof, error(Int32), stillOpen }

    /// Bytes waiting unread on the checker's side.
    var checkerPending: Int {
        var count: Int32 = 0
        _ = ioctl(checker, UInt(FIONREAD), &count)
        return Int(count)
    }
}

/// Runs `body` on its own thread (the checker's side) and waits for it, bounded.
final class CheckerThread<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping @Sendable () -> Value) {
        Thread {
            let result = body()
            self.lock.withLock { self.value = result }
            self.done.signal()
        }.start()
    }

    /// Whether the checker's side has finished, without waiting.
    var isFinished: Bool { lock.withLock { value != nil } }

    func result(within seconds: Double = 10) throws -> Value {
        try #require(done.wait(timeout: .now() + seconds) == .success, "checker side still running after \(seconds) s")
        done.signal()
        return try #require(lock.withLock { value })
    }
}
