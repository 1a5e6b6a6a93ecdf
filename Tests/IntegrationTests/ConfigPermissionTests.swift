import Foundation
import Testing
import TestSupport

extension SyslogOwners {
    /// A config file that sets a password is used only while it is private (root's, not readable by others);
    /// otherwise the checker refuses it as a usage error, on stderr and in syslog, and closes the socket.
    @Suite struct ConfigPermissionTests {
        @Test func aPasswordInAWorldReadableConfigIsRefused() throws {
            let syslog = try SyslogCapture.start()
            defer { syslog.stop() }
            let directory = try LogBoundTests.runtimeDirectory()
            defer { try? FileManager.default.removeItem(atPath: directory) }
            let password = "s3cret-\(UInt32.random(in: 0...UInt32.max))"
            let path = directory + "/pgsql-state.conf"
            try "conninfo = host=/nonexistent/pgsql-state port=1 password=\(password)\ntimeout = 0.5\n"
                .write(toFile: path, atomically: false, encoding: .utf8)
            let arguments = ["--config", path, "--format", "text"]

            chmod(path, 0o644)
            let refused = try Checker.traced(arguments, environment: ["RUNTIME_DIRECTORY": directory])
            #expect(refused.status == 64)
            #expect(refused.output.isEmpty)
            #expect(refused.stderr.contains("\(path):1: a password in a file readable by everyone (mode 0644): refused"), "\(refused.stderr)")
            try Wait.until(timeout: .seconds(5), "the refusal in syslog") { !syslog.messages(pid: refused.pid).isEmpty }
            let lines = syslog.messages(pid: refused.pid)
            #expect(lines.count == 1 && lines.first?.hasPrefix("usage error: \(path):1: a password in a file readable") == true, "\(lines)")
            #expect(!(lines + [refused.stderr]).joined().contains(password))

            // On a socket: no answer, a clean close (HAProxy marks the node down), the same line in syslog.
            let server = try SocketActivated.start(CheckerBinary.path, arguments, environment: ["RUNTIME_DIRECTORY": directory])
            defer { server.stop() }
            let answer = RawClient.exchange(port: server.port, send: [], timeout: .seconds(5))
            #expect(answer.bytes.isEmpty, "\(answer)")
            try Wait.until(timeout: .seconds(5), "the socket run's refusal") {
                syslog.messages(containing: "usage error: \(path):1:").count == 2
            }

            // Owned by another user, even private: refused.
            chmod(path, 0o600)
            chown(path, 65534, 65534)
            let foreign = try Checker.traced(arguments, environment: ["RUNTIME_DIRECTORY": directory])
            #expect(foreign.status == 64)
            #expect(foreign.stderr.contains("owned by uid 65534, not root"), "\(foreign.stderr)")

            // The shipped shape, root:pgsql-state 0640: used.
            chown(path, 0, 0)
            chmod(path, 0o640)
            let used = try Checker.traced(arguments, environment: ["RUNTIME_DIRECTORY": directory])
            #expect(used.output == "unreachable\n")
            #expect(used.status == 2)
        }
    }
}
