import Foundation
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A scripted TCP server on 127.0.0.1 for checking the load tests' own judgement (a harness that cannot
/// see a lost answer would report 0 resets whatever the checker does). It serves `connections`
/// connections one after the other, each with `behaviour(fd, index)` on its own thread, then stops
/// listening; bounded by `timeout`.
final class FakeServer: Sendable {
    let port: UInt16
    private let done = DispatchGroup()

    init(connections: Int, timeout: Duration = .seconds(20),
         behaviour: @escaping @Sendable (_ fd: Int32, _ index: Int) -> Void) throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard listener >= 0 else { throw ShippedLab.Failure(description: "socket: errno \(errno)") }
        var yes: Int32 = 1
        setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0
            }
        }
        guard bound, listen(listener, 128) == 0 else {
            close(listener)
            throw ShippedLab.Failure(description: "bind/listen: errno \(errno)")
        }
        port = UInt16(bigEndian: address.sin_port)
        let deadline = ContinuousClock.now + timeout
        let done = done
        done.enter()
        Thread {
            defer {
                close(listener)
                done.leave()
            }
            for index in 0..<connections {
                var entry = pollfd(fd: listener, events: Int16(POLLIN), revents: 0)
                let wait = Int32(max((deadline - ContinuousClock.now).inMilliseconds, 0))
                guard poll(&entry, 1, wait) > 0 else { return }
                let fd = accept(listener, nil, nil)
                guard fd >= 0 else { return }
                done.enter()
                Thread {
                    behaviour(fd, index)
                    close(fd)
                    done.leave()
                }.start()
            }
        }.start()
    }

    /// Waits until every connection has been served (or the timeout ended the server).
    func wait(timeout: Duration = .seconds(30)) -> Bool {
        done.wait(timeout: .now() + timeout.dispatchInterval) == .success
    }

    // MARK: behaviours

    static let answer = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nprimary\n".utf8)

    /// Reads whatever the peer sent (the request arrives with the connection; 50 ms is plenty on loopback).
    static func readRequest(_ fd: Int32) {
        var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, 1000) > 0 else { return }
        var buffer = [UInt8](repeating: 0, count: 4096)
        _ = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
    }

    static func write(_ fd: Int32, _ bytes: [UInt8]) {
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// Reads until the peer's EOF (at most 2 s).
    static func lingerUntilEOF(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 4096)
        let deadline = ContinuousClock.now + .seconds(2)
        while ContinuousClock.now < deadline {
            var entry = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&entry, 1, 100) >= 0 else { return }
            if entry.revents == 0 { continue }
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
            if count <= 0 && !(count < 0 && (errno == EAGAIN || errno == EINTR)) { return }
        }
    }
}
