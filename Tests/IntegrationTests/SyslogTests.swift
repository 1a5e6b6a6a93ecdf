import Foundation
import PgsqlStateIO
import Testing
import TestSupport

extension SyslogOwners {
    /// Diagnostics must never cost the answer: a syslog daemon that does not read (its queue full) must
    /// not hold a check past its deadline.
    @Suite struct SyslogTests {
        @Test func stuckSyslogDoesNotDelayAnswers() throws {
            guard let stuck = try SyslogCapture.start(reading: false) else { return }  // a real syslog owns /dev/log
            defer { stuck.stop() }
            // Every one of these logs a failure; the queue (10 datagrams) fills after the first few.
            for _ in 0..<15 {
                let run = try Checker.run(["--format", "text", "--timeout", "0.3",
                                           "--conninfo", "host=/nonexistent/pgsql-state port=1"])
                #expect(run.output == "unreachable\n")
                #expect(run.elapsed < .milliseconds(300))
            }
        }

        @Test func lineFormat() {
            #expect(Syslog.format(priority: .warning, message: "unavailable: timeout (a\nb)", timestamp: "Nov 22 03:00:00", pid: 42)
                == "<28>Nov 22 03:00:00 pgsql-state[42]: unavailable: timeout (a b)")
        }
    }
}
