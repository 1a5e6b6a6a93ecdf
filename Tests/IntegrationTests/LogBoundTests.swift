import Foundation
import PgsqlStateCore
import Testing
import TestSupport

extension SyslogOwners {
    /// Lines a peer can cause are bounded per host, and a password never reaches syslog.
    @Suite struct LogBoundTests {
        static func runtimeDirectory() throws -> String {
            let path = "/tmp/pgsql-state-runtime-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
            return path
        }

        /// 30 malformed requests, each its own checker process: at most the budget's 10 lines, every answer
        /// on time. With the budget locked by someone else: answered just as fast, nothing logged.
        @Test func malformedRequestsLogAtMostTheBudget() throws {
            let syslog = try SyslogCapture.start()
            defer { syslog.stop() }
            let runtime = try Self.runtimeDirectory()
            defer { try? FileManager.default.removeItem(atPath: runtime) }
            let marker = "flood-\(UInt32.random(in: 0...UInt32.max))"
            let server = try SocketActivated.start(CheckerBinary.path, ["--timeout", "0.5", "--conninfo", "application_name=\(marker)"],
                                                   environment: ["RUNTIME_DIRECTORY": runtime])
            defer { server.stop() }
            let count = 30
            for _ in 0..<count {
                let result = RawClient.exchange(port: server.port, send: Array("\u{0}\u{0}\u{0}".utf8), timeout: .seconds(5))
                #expect(result.text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
                #expect(result.elapsed < .milliseconds(300))
            }
            try Wait.until(timeout: .seconds(5), "the budget's lines arrive") {
                syslog.messages(containing: "rejected request").count >= LogBudget.Kind.rejectedRequest.limit
            }
            // Every check has exited, so every line it logged is queued: nothing more can come.
            try Wait.until(timeout: .seconds(10), "every check exits") { server.children == 0 }
            #expect(syslog.messages(containing: "rejected request").count == Int(LogBudget.Kind.rejectedRequest.limit))

            // Someone holds the lock on this kind's record: nothing waits for it.
            let lock = open(runtime + "/log-budget", O_RDWR)
            try #require(lock >= 0)
            defer { close(lock) }
            var range = flock(l_type: Int16(F_WRLCK), l_whence: Int16(SEEK_SET),
                              l_start: off_t(LogBudget.Kind.rejectedRequest.index * LogBudget.Record.size),
                              l_len: off_t(LogBudget.Record.size), l_pid: 0)
            try #require(fcntl(lock, F_SETLK, &range) == 0)
            let before = syslog.messages(containing: "rejected request").count
            for _ in 0..<5 {
                let result = RawClient.exchange(port: server.port, send: Array("\u{0}".utf8), timeout: .seconds(5))
                #expect(result.text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
                #expect(result.elapsed < .milliseconds(300))
            }
            try Wait.until(timeout: .seconds(10), "every check exits") { server.children == 0 }
            #expect(syslog.messages(containing: "rejected request").count == before)
        }

        /// A check the client chooses, failing on every connection, logs within its reason's budget (the
        /// first line at once); another reason meanwhile is still logged at once.
        @Test func repeatedFailingChecksLogWithinTheirReasonsBudget() throws {
            let syslog = try SyslogCapture.start()
            defer { syslog.stop() }
            let runtime = try Self.runtimeDirectory()
            defer { try? FileManager.default.removeItem(atPath: runtime) }
            let marker = "flood-\(UInt32.random(in: 0...UInt32.max))"
            let server = try SocketActivated.start(CheckerBinary.path, ["--timeout", "0.5", "--conninfo", "host=/nonexistent/\(marker) port=1"],
                                                   environment: ["RUNTIME_DIRECTORY": runtime])
            defer { server.stop() }
            let request = "GET /replica?tag_a=b HTTP/1.1\r\nHost: x\r\n\r\n"
            func ask() {
                let result = RawClient.exchange(port: server.port, request: request, timeout: .seconds(5))
                #expect(result.text.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"), "\(result)")
                #expect(result.elapsed < .milliseconds(300))
            }
            ask()
            try Wait.until(timeout: .seconds(5), "the first line, before any other request") { syslog.messages(containing: marker).count == 1 }
            for _ in 1..<30 { ask() }
            let limit = Int(LogBudget.Kind.unavailable(.unreachable).limit)
            try Wait.until(timeout: .seconds(5), "the budget's lines arrive") { syslog.messages(containing: marker).count >= limit }

            // Another incident (another reason) on the same host, while the first is being suppressed.
            let other = "/nonexistent/\(marker)/maintenance"
            let maintenance = try Checker.traced(["--format", "text", "--maintenance-file", other], environment: ["RUNTIME_DIRECTORY": runtime])
            #expect(maintenance.output == "maintenance\n")
            try Wait.until(timeout: .seconds(5), "the other reason's line") { !syslog.messages(pid: maintenance.pid).isEmpty }
            #expect(syslog.messages(containing: marker).count == limit + 1, "\(syslog.messages(containing: marker))")
            #expect(syslog.messages(containing: "unavailable: unreachable").filter { $0.contains(marker) }.count == limit)
        }

        /// libpq quotes a malformed URI, user info included, in its error: the line logged masks the password,
        /// and the warning that --conninfo carries one comes once, not once per run.
        @Test func malformedURIWithPasswordLogsNoPassword() throws {
            let syslog = try SyslogCapture.start()
            defer { syslog.stop() }
            let runtime = try Self.runtimeDirectory()
            defer { try? FileManager.default.removeItem(atPath: runtime) }
            let password = "s3cret-\(UInt32.random(in: 0...UInt32.max))"
            var pids: [pid_t] = []
            for conninfo in ["postgresql://checker:\(password)@[::1", "host=db password=\(password) foo=bar",
                             "postgresql://checker:\(password)@[::1"] {
                let run = try Checker.traced(["--format", "text", "--conninfo", conninfo], environment: ["RUNTIME_DIRECTORY": runtime])
                #expect(run.output == "error\n")
                #expect(!run.stderr.contains(password))
                pids.append(run.pid)
            }
            let lines = pids.flatMap { syslog.messages(pid: $0) }
            #expect(lines.filter { $0.contains("invalid --conninfo") }.count == 3, "\(lines)")
            #expect(lines.contains { $0.contains("postgresql://checker:***@[::1") }, "\(lines)")
            #expect(lines.filter { $0.contains("carries a password") }.count == 1, "\(lines)")
            #expect(!lines.joined(separator: "\n").contains(password), "\(lines)")
            // A mistyped option is logged verbatim by the usage-error path: masked too.
            let usage = try Checker.traced(["--conninfo", "x", "postgresql://admin:\(password)@db"])
            #expect(usage.status == 64)
            #expect(!usage.stderr.contains(password))
            let usageLines = syslog.messages(pid: usage.pid)
            #expect(usageLines.contains { $0.contains("postgresql://admin:***@db") }, "\(usageLines)")
            #expect(!usageLines.joined().contains(password))
        }

        /// Quotes, blanks, '@' and '%40' in a URI password: neither the password nor the piece libpq misreads
        /// as a host reaches syslog or stderr, from a probe's error, a mistyped option or a mistyped config key.
        @Test(arguments: ["se'cret", "se\"cret", "se cret", "se@cret", "se%40cret"])
        func awkwardPasswordsAreMaskedOnEveryPath(_ shape: String) throws {
            let syslog = try SyslogCapture.start()
            defer { syslog.stop() }
            let runtime = try Self.runtimeDirectory()
            defer { try? FileManager.default.removeItem(atPath: runtime) }
            let token = "\(UInt32.random(in: 0...UInt32.max))"
            let password = shape + token  // the part after the awkward character carries the token
            let hidden = "cret" + token
            // '@' is cut by libpq, which then quotes "cret…@localhost" as a host name; the others make it quote the URI.
            let host = shape.contains("@") ? "localhost:1" : "[::1]x"
            let probe = try Checker.traced(["--format", "text", "--timeout", "0.5", "--conninfo", "postgresql://checker:\(password)@\(host)/postgres"],
                                           environment: ["RUNTIME_DIRECTORY": runtime])
            #expect(probe.output == "error\n" || probe.output == "unreachable\n", "\(probe.output)")

            let configPath = runtime + "/pgsql-state.conf"
            try "peers = postgresql://admin:\(password)@db\n".write(toFile: configPath, atomically: false, encoding: .utf8)
            chmod(configPath, 0o600)  // private: the mistyped key is the error, not the file's mode
            let usages = [try Checker.traced(["--peers=postgresql://admin:\(password)@db"]), try Checker.traced(["--config", configPath])]
            for usage in usages {
                #expect(usage.status == 64)
                #expect(usage.stderr.contains("postgresql://admin:***@db"), "\(usage.stderr)")
                #expect(!usage.stderr.contains(hidden), "\(usage.stderr)")
            }
            #expect(!probe.stderr.contains(hidden))
            for run in [probe] + usages {
                try Wait.until(timeout: .seconds(5), "the run's line") { !syslog.messages(pid: run.pid).isEmpty }
                let lines = syslog.messages(pid: run.pid)
                #expect(!lines.joined(separator: "\n").contains(hidden), "\(lines)")
            }
            #expect(syslog.messages(pid: probe.pid).contains { $0.contains("***") }, "\(syslog.messages(pid: probe.pid))")
        }
    }
}
