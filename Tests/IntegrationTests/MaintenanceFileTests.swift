import Foundation
import Testing
import TestSupport

extension SyslogOwners {
    /// The maintenance file fails closed: only a missing file in a directory that is there keeps the node in
    /// its pools. Run as an unprivileged user (tests run as root, who may read any directory).
    @Suite struct MaintenanceFileTests {
        static let unreachable = ["--format", "text", "--conninfo", "host=/nonexistent/pgsql-state port=1", "--timeout", "0.5"]

        @Test func pathThatCannotBeCheckedIsMaintenance() throws {
            try OSUser.ensure("checker")
            let base = "/tmp/pgsql-state-maintenance-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: base, withIntermediateDirectories: false)
            defer { try? FileManager.default.removeItem(atPath: base) }
            chmod(base, 0o755)
            let locked = base + "/locked", open = base + "/open"
            for directory in [locked, open] { try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false) }
            chmod(locked, 0o700)  // root's: "checker" cannot search it (EACCES)
            chmod(open, 0o755)
            #expect(FileManager.default.createFile(atPath: locked + "/maintenance", contents: nil))
            let syslog = try SyslogCapture.start()
            defer { syslog.stop() }

            let cases: [(path: String, word: String, logged: String?)] = [
                (locked + "/maintenance", "maintenance\n", "cannot be checked (Permission denied)"),
                (base + "/missing/maintenance", "maintenance\n", "cannot be checked (No such file or directory)"),
                (open + "/maintenance", "unreachable\n", nil),
            ]
            for (path, word, logged) in cases {
                let run = try Checker.traced(Self.unreachable + ["--maintenance-file", path], asUser: "checker")
                #expect(run.output == word, "\(path)")
                #expect(run.status == 2)
                if let logged {
                    let lines = syslog.messages(pid: run.pid)
                    #expect(lines.contains { $0.contains("maintenance file \(path) \(logged)") }, "\(lines)")
                }
            }
            // A file that is there, in a directory the user can read.
            #expect(FileManager.default.createFile(atPath: open + "/maintenance", contents: nil))
            let present = try Checker.traced(Self.unreachable + ["--maintenance-file", open + "/maintenance"], asUser: "checker")
            #expect(present.output == "maintenance\n")
            #expect(syslog.messages(pid: present.pid).isEmpty)
        }
    }
}
