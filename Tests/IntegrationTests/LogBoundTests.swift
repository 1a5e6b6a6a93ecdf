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
            Thread.sleep(forTimeInterval: 0.3)  // anything beyond the budget would have arrived by now
            #expect(syslog.messages(containing: "rejected request").count == Int(LogBudget.Kind.rejectedRequest.limit))

            // Someone holds the lock: nothing waits for it.
            let lock = open(runtime + "/log-budget", O_RDWR)
            try #require(lock >= 0)
            defer { close(lock) }
            try #require(flock(lock, LOCK_EX) == 0)
            let before = syslog.messages(containing: "rejected request").count
            for _ in 0..<5 {
                let result = RawClient.exchange(port: server.port, send: Array("\u{0}".utf8), timeout: .seconds(5))
                #expect(result.text.hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
                #expect(result.elapsed < .milliseconds(300))
            }
            Thread.sleep(forTimeInterval: 0.3)
            #expect(syslog.messages(containing: "rejected request").count == before)
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
    }
}
