import Foundation
import PgsqlStateIO
import Testing
import TestSupport

extension SyslogOwners {
    /// Diagnostics must never cost the answer: a syslog daemon that does not read (its queue full) must
    /// not hold a check past its deadline.
    @Suite struct SyslogTests {
        @Test func stuckSyslogDoesNotDelayAnswers() throws {
            let stuck = try SyslogCapture.start(reading: false)
            defer { stuck.stop() }
            // Every one of these logs a failure; the queue (10 datagrams) fills after the first few.
            for _ in 0..<15 {
                let run = try Checker.run(["--format", "text", "--timeout", "0.3",
                                           "--conninfo", "host=/nonexistent/pgsql-state port=1"])
                #expect(run.output == "unreachable\n")
                #expect(run.elapsed < .milliseconds(300))
            }
        }

        /// A check run from a shell or keepalived's vrrp_script logs the same lines as the same check on a
        /// socket (0.1.0 did; the answer plan's first command mode logged nothing).
        @Test func commandModeLogsWhatSocketModeLogs() throws {
            let syslog = try SyslogCapture.start()
            defer { syslog.stop() }
            let runtime = try LogBoundTests.runtimeDirectory()
            defer { try? FileManager.default.removeItem(atPath: runtime) }
            let marker = "pgsql-state-\(UInt32.random(in: 0...UInt32.max))"
            let arguments = ["--format", "text", "--timeout", "0.5", "--conninfo", "host=/nonexistent/\(marker) port=1"]

            let server = try SocketActivated.start(CheckerBinary.path, arguments, environment: ["RUNTIME_DIRECTORY": runtime])
            defer { server.stop() }
            #expect(RawClient.exchange(port: server.port, send: [], timeout: .seconds(5)).text == "unreachable\n")
            try Wait.until(timeout: .seconds(5), "the socket run's line") { !syslog.messages(containing: marker).isEmpty }
            let socketLines = syslog.messages(containing: marker)

            let command = try Checker.traced(arguments, environment: ["RUNTIME_DIRECTORY": runtime])
            #expect(command.output == "unreachable\n")
            #expect(command.status == 2)
            try Wait.until(timeout: .seconds(5), "the command run's line") { !syslog.messages(pid: command.pid).isEmpty }
            let commandLines = syslog.messages(pid: command.pid)
            #expect(socketLines.count == 1 && socketLines.first?.hasPrefix("unavailable: unreachable (") == true, "\(socketLines)")
            #expect(commandLines == socketLines)
        }

        /// Without a runtime directory to count in (before the next boot after `make install`, or a user who
        /// may not enter it, as keepalived's script user), why a check failed is still logged, every time;
        /// a rejected request is not.
        @Test func failuresAreLoggedWhereNoBudgetCanBeKept() throws {
            let syslog = try SyslogCapture.start()
            defer { syslog.stop() }
            let marker = "pgsql-state-\(UInt32.random(in: 0...UInt32.max))"
            for _ in 0..<12 {
                let run = try Checker.traced(["--format", "text", "--timeout", "0.5", "--conninfo", "host=/nonexistent/\(marker) port=1"],
                                             environment: ["RUNTIME_DIRECTORY": "/nonexistent/\(marker)"])
                #expect(run.output == "unreachable\n")
                try Wait.until(timeout: .seconds(5), "run \(run.pid)'s line") {
                    syslog.messages(pid: run.pid).contains { $0.hasPrefix("unavailable: unreachable (") }
                }
            }
        }

        /// A capture that cannot bind fails the test that asked for it, saying why; it never lets the
        /// test pass without looking (as a nil capture once did).
        @Test func captureThatCannotBindThrows() throws {
            let first = try SyslogCapture.start()
            defer { first.stop() }
            #expect(throws: SyslogCaptureError.self) { try SyslogCapture.start(waitingUpTo: .milliseconds(300)) }
        }

        @Test func lineFormat() {
            #expect(Syslog.format(priority: .warning, message: "unavailable: timeout (a\nb)", timestamp: "Nov 22 03:00:00", pid: 42)
                == "<28>Nov 22 03:00:00 pgsql-state[42]: unavailable: timeout (a b)")
        }
    }
}
