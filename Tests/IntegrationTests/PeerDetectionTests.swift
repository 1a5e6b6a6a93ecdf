import Foundation
import Testing
import TestSupport

/// Only a connected TCP socket is HAProxy. Under systemd stdout and stderr are often the journal's Unix
/// stream socket: a checker run with such a stdout must not speak HTTP to it as if it were a peer, and
/// such a stderr must keep its messages.
@Suite struct PeerDetectionTests {
    static let unreachable = ["--conninfo", "host=/nonexistent/pgsql-state port=1", "--timeout", "0.5"]

    /// Runs the checker with one standard descriptor set to our end of a Unix stream socketpair; returns
    /// the exit status and what arrived on our end.
    static func run(_ arguments: [String], unixSocketOn descriptor: Int32, sendFirst: String = "") throws -> (status: Int32, received: String) {
        var pair: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0)
        let (ours, theirs) = (pair[0], pair[1])
        defer { close(ours) }
        if !sendFirst.isEmpty { _ = Array(sendFirst.utf8).withUnsafeBytes { send(ours, $0.baseAddress, $0.count, 0) } }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CheckerBinary.path)
        process.arguments = arguments
        let socketHandle = FileHandle(fileDescriptor: theirs, closeOnDealloc: false)
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = descriptor == 1 ? socketHandle : FileHandle.nullDevice
        process.standardError = descriptor == 2 ? socketHandle : FileHandle.nullDevice
        try process.run()
        close(theirs)
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        var reader = pollfd(fd: ours, events: Int16(POLLIN), revents: 0)
        let deadline = ContinuousClock.now + .seconds(10)
        while ContinuousClock.now < deadline, poll(&reader, 1, 100) >= 0 {
            let count = recv(ours, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { received += buffer[..<count] } else if count == 0 { break }
        }
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: received, as: UTF8.self))
    }

    /// A request waiting on the Unix socket is not read: command mode answers --check (here: unreachable),
    /// where a peer would have got 404 for /nope.
    @Test func unixStreamOnStdoutIsCommandMode() throws {
        let run = try Self.run(Self.unreachable, unixSocketOn: 1, sendFirst: "GET /nope HTTP/1.0\r\n\r\n")
        #expect(run.status == 2)
        #expect(run.received.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"), "\(run.received.debugDescription)")
        #expect(run.received.hasSuffix("\r\n\r\nunreachable\n"))
        let text = try Self.run(["--format", "text"] + Self.unreachable, unixSocketOn: 1)
        #expect(text.received == "unreachable\n")
    }

    /// The journal's stream on stderr keeps the usage error message (xinetd's TCP stderr is silenced:
    /// WireTests.nothingButTheAnswerReachesASocketOnStderr).
    @Test func unixStreamOnStderrKeepsMessages() throws {
        let run = try Self.run(["--format", "yaml"], unixSocketOn: 2)
        #expect(run.status == 64)
        #expect(run.received == "pgsql-state: --format must be http, text or agent, not 'yaml'\n")
    }
}
