import Foundation
import Testing
import TestSupport

/// The deployed shape on a real socket: `systemd-socket-activate --accept --inetd` runs one checker per
/// connection with the socket on stdin and stdout, exactly as the shipped systemd unit does.
@Suite(.serialized) struct WireTests {
    private static func serve(_ arguments: [String], lab: PostgresLab, node: Node = .first,
                              wrapper: String? = nil) throws -> SocketActivated {
        var command = [CheckerBinary.path] + arguments + ["--conninfo", lab.conninfo(node)]
        if let wrapper {
            // A shell in front only to rearrange file descriptors, then it execs the checker.
            command = ["/bin/sh", "-c", "exec \"$0\" \"$@\" " + wrapper] + command
        }
        return try SocketActivated.start(command[0], Array(command.dropFirst()))
    }

    private static func request(_ text: String) -> [UInt8] { Array(text.utf8) }

    @Test func httpAnswerIsCompleteAndEndsWithFin() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve([], lab: lab)
        defer { server.stop() }
        let result = RawClient.exchange(port: server.port, send: Self.request("GET / HTTP/1.0\r\n\r\n"), timeout: .seconds(5))
        #expect(result.text == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nprimary\n")
        #expect(result.endedWith == .eof)
        // HAProxy's bare `option httpchk`: the status, no content.
        let options = RawClient.exchange(port: server.port, send: Self.request("OPTIONS / HTTP/1.0\r\n\r\n"), timeout: .seconds(5))
        #expect(options.text == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nAllow: GET, HEAD, OPTIONS\r\nConnection: close\r\n\r\n")
        #expect(options.endedWith == .eof)
    }

    /// The RST bug of the shell scripts: a client that reads late must still get every byte.
    @Test func lateReaderGetsTheWholeAnswerEveryTime() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve([], lab: lab, node: .second)
        defer { server.stop() }
        for _ in 0..<10 {
            let result = RawClient.exchange(port: server.port,
                                            send: Self.request("GET /replica HTTP/1.1\r\nconnection: close\r\n\r\n"),
                                            delayBeforeRead: .milliseconds(200), timeout: .seconds(5))
            #expect(result.endedWith == .eof)
            #expect(result.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
            #expect(result.text.hasSuffix("\r\n\r\nstandby\n"))
        }
    }

    /// Bytes after the head (a body, pipelined junk) are drained before the answer: no RST either.
    @Test func extraInputIsDrainedNotReset() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve([], lab: lab)
        defer { server.stop() }
        let body = String(repeating: "z", count: 100_000)
        let result = RawClient.exchange(port: server.port,
                                        send: Self.request("GET /primary HTTP/1.1\r\nContent-Length: 100000\r\n\r\n" + body),
                                        delayBeforeRead: .milliseconds(200), timeout: .seconds(5))
        #expect(result.endedWith == .eof)
        #expect(result.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
    }

    @Test func textFormatAnswersWithoutARequest() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve(["--format", "text"], lab: lab)
        defer { server.stop() }
        let result = RawClient.exchange(port: server.port, send: [], timeout: .seconds(5))
        #expect(result.text == "production\n")
        #expect(result.endedWith == .eof)
        #expect(result.elapsed < .milliseconds(500))
    }

    /// With no request within half the timeout the HTTP format answers the default check.
    @Test func httpWithoutRequestAnswersTheDefaultCheck() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve(["--timeout", "0.4"], lab: lab, node: .second)
        defer { server.stop() }
        let result = RawClient.exchange(port: server.port, send: [], timeout: .seconds(5))
        #expect(result.text.hasPrefix("HTTP/1.1 206 Partial Content\r\n"))
        #expect(result.elapsed >= .milliseconds(200))
        #expect(result.elapsed < .milliseconds(450))
    }

    @Test func agentReadsTheAgentSendLine() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve(["--format", "agent"], lab: lab, node: .second)
        defer { server.stop() }
        #expect(RawClient.exchange(port: server.port, send: Self.request("primary\n"), timeout: .seconds(5)).text == "maint\n")
        #expect(RawClient.exchange(port: server.port, send: Self.request("replica\r\n"), timeout: .seconds(5)).text == "up ready\n")
        #expect(RawClient.exchange(port: server.port, send: [], timeout: .seconds(5)).text == "up ready\n")
        #expect(RawClient.exchange(port: server.port, send: Self.request("slave\n"), timeout: .seconds(5)).text == "down #bad-request\n")
    }

    /// A late agent-send line still selects its own check: "primary" sent 200 ms after connecting, to a
    /// standby, is "maint", never the default check's "up ready".
    @Test func lateAgentSendLineGetsItsOwnAnswer() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve(["--format", "agent"], lab: lab, node: .second)
        defer { server.stop() }
        for (line, expected) in [("primary\n", "maint\n"), ("replica\n", "up ready\n")] {
            let start = ContinuousClock.now
            let connection = try RawConnection(port: server.port, timeout: .seconds(5))
            defer { connection.close() }
            Thread.sleep(forTimeInterval: 0.2)
            _ = connection.send(Self.request(line), until: .now + .seconds(5))
            var answer: [UInt8] = []
            #expect(connection.readToEnd(until: .now + .seconds(5), into: &answer) == .eof)
            #expect(String(decoding: answer, as: UTF8.self) == expected, "\(line.debugDescription)")
            #expect(ContinuousClock.now - start < .milliseconds(1500))
        }
    }

    /// No line at all: the shipped agent units' --check primary, so a standby stays out of a read-write pool,
    /// answered once half of --timeout has passed without a line.
    @Test func noAgentSendLineGetsTheShippedFailSafeCheck() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let unit = try String(contentsOfFile: Repository.path("systemd/pgsql-state-agent@.service"), encoding: .utf8)
        let execStart = try #require(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") })
        // The unit's arguments but --config (the installed file, peers only), which this machine lacks.
        var arguments = execStart.split(separator: " ").dropFirst().map(String.init)
        if let config = arguments.firstIndex(of: "--config") { arguments.removeSubrange(config...(config + 1)) }
        arguments += ["--timeout", "0.6"]
        #expect(arguments.contains("primary"), "\(execStart)")
        let standby = try Self.serve(arguments, lab: lab, node: .second)
        defer { standby.stop() }
        let result = RawClient.exchange(port: standby.port, send: [], timeout: .seconds(5))
        #expect(result.text == "maint\n")
        #expect(result.elapsed >= .milliseconds(300))
        #expect(result.elapsed < .milliseconds(700))
        let primary = try Self.serve(arguments, lab: lab, node: .first)
        defer { primary.stop() }
        #expect(RawClient.exchange(port: primary.port, send: [], timeout: .seconds(5)).text == "up ready\n")
    }

    /// A common hand-written unit: `StandardOutput=socket` alone leaves stdin on /dev/null and the socket on fd 1 only.
    @Test func socketOnStdoutOnly() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve([], lab: lab, wrapper: "</dev/null")
        defer { server.stop() }
        let result = RawClient.exchange(port: server.port, send: Self.request("GET /primary HTTP/1.0\r\n\r\n"),
                                        delayBeforeRead: .milliseconds(100), timeout: .seconds(5))
        #expect(result.text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        #expect(result.endedWith == .eof)
    }

    /// xinetd also puts the socket on stderr: a usage error must not leak its message to the client.
    @Test func nothingButTheAnswerReachesASocketOnStderr() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let misconfigured = try Self.serve(["--format", "yaml"], lab: lab, wrapper: "2>&1")
        defer { misconfigured.stop() }
        let result = RawClient.exchange(port: misconfigured.port, send: Self.request("GET / HTTP/1.0\r\n\r\n"), timeout: .seconds(5))
        #expect(result.bytes.isEmpty)
        #expect(result.endedWith == .eof)
        let healthy = try Self.serve(["--format", "text"], lab: lab, wrapper: "2>&1")
        defer { healthy.stop() }
        #expect(RawClient.exchange(port: healthy.port, send: [], timeout: .seconds(5)).text == "production\n")
    }

    @Test func hungServerAnswers503BeforeTheDeadline() throws {
        let lab = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        let server = try Self.serve(["--timeout", "0.5"], lab: lab)
        defer { server.stop() }
        try lab.suspend(.first)
        defer { try? lab.resume(.first) }
        let result = RawClient.exchange(port: server.port, send: Self.request("GET / HTTP/1.1\r\n\r\n"), timeout: .seconds(5))
        #expect(result.text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(result.text.hasSuffix("\r\n\r\ntimeout\n"))
        #expect(result.elapsed < .milliseconds(550))
        #expect(result.endedWith == .eof)
    }

    @Test(arguments: [
        ("GET /nope HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found\r\n"),
        ("POST / HTTP/1.1\r\n\r\n", "HTTP/1.1 405 Method Not Allowed\r\n"),
        ("GET /\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"),
        ("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "HTTP/1.1 505 HTTP Version Not Supported\r\n"),
        ("GET /replica?lag=lots HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"),
        ("\u{16}\u{3}\u{1}\u{0}\u{0}binary", "HTTP/1.1 400 Bad Request\r\n"),
        ("GET / HTTP/1.1\r\nX: unfinished", "HTTP/1.1 408 Request Timeout\r\n"),
        ("\u{0}\u{0}\u{0}\u{0}", "HTTP/1.1 400 Bad Request\r\n"),
        ("GET /\u{0}primary HTTP/1.1\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"),
        ("\r\r\r", "HTTP/1.1 400 Bad Request\r\n"),
        ("\n", "HTTP/1.1 408 Request Timeout\r\n"),
        ("GET /../primary HTTP/1.1\r\n\r\n", "HTTP/1.1 404 Not Found\r\n"),
        ("GET http://db1:23267/primary HTTP/1.1\r\n\r\n", "HTTP/1.1 200 OK\r\n"),
        ("GET /primary HTTP/1.1\rX: y\r\n\r\n", "HTTP/1.1 400 Bad Request\r\n"),
    ])
    func badRequestsGetBoundedAnswersWithoutEcho(_ request: String, _ statusLine: String) throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve(["--timeout", "0.5"], lab: lab)
        defer { server.stop() }
        let result = RawClient.exchange(port: server.port, send: Self.request(request), timeout: .seconds(5))
        #expect(result.text.hasPrefix(statusLine))
        #expect(result.endedWith == .eof)
        #expect(result.elapsed < .milliseconds(600))
        for echo in ["nope", "lots", "binary", "unfinished", "POST", "PRI"] {
            #expect(!result.text.contains(echo))
        }
    }

    /// One byte a second: the head is not complete by half the timeout, so 408, without waiting for it.
    @Test func slowlorisGetsATimelyAnswer() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve(["--timeout", "0.5"], lab: lab)
        defer { server.stop() }
        let result = RawClient.slowSend(port: server.port, bytes: Self.request("GET /primary HTTP/1.1\r\nHost: x\r\n\r\n"),
                                        chunkSize: 1, interval: .seconds(1), timeout: .seconds(5))
        #expect(result.text.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"))
        #expect((result.firstByteAfter ?? .seconds(99)) < .milliseconds(600))
    }

    @Test func headErrorsCarryNoBody() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve([], lab: lab)
        defer { server.stop() }
        let result = RawClient.exchange(port: server.port, send: Self.request("HEAD /nope HTTP/1.1\r\n\r\n"), timeout: .seconds(5))
        #expect(result.text == "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\n")
        #expect(result.endedWith == .eof)
    }

    /// The whole process on a real TCP socket: a client that sends a full-size head of empty lines ending in CR
    /// (the input the parser once called incomplete) and then never stops sending is gone by --timeout
    /// plus the 1 s linger, however it paces its bytes.
    @Test(arguments: [(65536, 0), (1024, 1), (1, 10)])
    func streamingPeerIsGoneByDeadlinePlusLinger(chunk: Int, pauseMilliseconds: Int) throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve(["--timeout", "0.5"], lab: lab)
        defer { server.stop() }
        let head = Array(("\n" + String(repeating: "\r\n", count: 4095) + "\r").utf8)
        let start = ContinuousClock.now
        let connection = try RawConnection(port: server.port, timeout: .seconds(5))
        defer { connection.close() }
        _ = fcntl(connection.fd, F_SETFL, fcntl(connection.fd, F_GETFL) | O_NONBLOCK)
        var pending = head[...]
        var received: [UInt8] = []
        var gone = false
        while !gone, ContinuousClock.now - start < .seconds(10) {
            if pending.isEmpty { pending = Array(repeating: UInt8(ascii: "\n"), count: chunk)[...] }
            let sent = pending.prefix(chunk).withUnsafeBytes { send(connection.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 { pending = pending.dropFirst(sent) } else if sent < 0, errno == EPIPE || errno == ECONNRESET { gone = true }
            var buffer = [UInt8](repeating: 0, count: 4096)
            let count = recv(connection.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT))
            if count > 0 { received += buffer[..<count] } else if count == 0 { gone = true } else if errno == ECONNRESET { gone = true }
            if pauseMilliseconds > 0 { usleep(UInt32(pauseMilliseconds) * 1000) }
        }
        let elapsed = ContinuousClock.now - start
        #expect(gone)
        #expect(elapsed < .milliseconds(1500 + 300), "\(elapsed)")
        // 431 once the 8 KiB arrived, 408 when they did not within half of --timeout (one byte per 10 ms).
        let answer = String(decoding: received, as: UTF8.self)
        #expect(answer.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n") || answer.hasPrefix("HTTP/1.1 408 Request Timeout\r\n"),
                "\(answer.debugDescription)")
    }

    @Test func oversizedHeadIsRefusedAndDrained() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let server = try Self.serve([], lab: lab)
        defer { server.stop() }
        let huge = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 1 << 20) + "\r\n\r\n"
        let result = RawClient.exchange(port: server.port, send: Self.request(huge), timeout: .seconds(5))
        #expect(result.text.hasPrefix("HTTP/1.1 431 Request Header Fields Too Large\r\n"))
        #expect(result.endedWith == .eof)
    }
}
