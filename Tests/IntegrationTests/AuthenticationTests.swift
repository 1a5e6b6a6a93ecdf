import Foundation
import Testing
import TestSupport

/// The tests that bind /dev/log to read what the checker logs, one at a time.
@Suite(.serialized) struct SyslogOwners {}

/// Who the checker runs as and how it logs in.
extension SyslogOwners { @Suite struct AuthenticationTests {
    /// Refused logins answer auth-failed, and a password never shows up in the answer or in syslog.
    @Test func passwordAuthentication() throws {
        let lab = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        let password = "s3cret-\(UInt32.random(in: 0...UInt32.max))"
        try lab.sql(.first, "CREATE ROLE pw LOGIN PASSWORD '\(password)'")
        try Self.prependAuthenticationRule("local all pw scram-sha-256", lab: lab)

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func passfile(_ name: String, _ secret: String) throws -> String {
            let path = directory + "/" + name
            try "*:*:*:pw:\(secret)\n".write(toFile: path, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            return path
        }
        let conninfo = lab.conninfo(.first, user: "pw")
        try Wait.until(timeout: .seconds(10), "the new rule is in force") {
            try Checker.run(["--format", "text", "--conninfo", conninfo], environment: ["PGPASSFILE": "/nonexistent"]).output == "auth-failed\n"
        }
        let syslog = try SyslogCapture.start()
        defer { syslog.stop() }
        let wrong = try Checker.traced(["--conninfo", conninfo], environment: ["PGPASSFILE": try passfile("wrong", "wrong-\(password)")])
        #expect(wrong.output.hasSuffix("\r\n\r\nauth-failed\n"))
        #expect(wrong.status == 2)
        let right = try Checker.traced(["--conninfo", conninfo], environment: ["PGPASSFILE": try passfile("right", password)])
        #expect(right.output.hasSuffix("\r\n\r\nprimary\n"))
        for run in [wrong, right] {
            #expect(!run.output.contains(password) && !run.stderr.contains(password))
        }
        let logged = syslog.messages(pid: wrong.pid)
        #expect(logged.count == 1, "\(logged)")
        #expect(logged.first?.contains("unavailable: auth-failed") == true, "\(logged)")
        #expect(!logged.joined().contains(password))
        #expect(syslog.messages(pid: right.pid).isEmpty)
    }

    /// The deployed shape: an unprivileged OS user, peer authentication over the Unix socket, a role with
    /// LOGIN only for role checks and pg_monitor for lag checks. Healthy checks log nothing.
    @Test func unprivilegedUserWithPeerAuthentication() throws {
        for user in ["checker", "checker_monitor"] { try OSUser.ensure(user) }
        let lab = try PostgresLab.start(standby: true, monitorRole: true, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        try Self.prependAuthenticationRule("local all checker,checker_monitor peer", lab: lab)
        try Wait.until(timeout: .seconds(10), "peer authentication in force") {
            try Checker.text(lab, .first, user: "checker").word == "auth-failed"  // root is not "checker"
        }
        let syslog = try SyslogCapture.start()
        defer { syslog.stop() }
        func check(_ user: String, _ node: Node, _ spec: String) throws -> TracedRun {
            // No user in the conninfo: libpq takes the OS user's name, as in the shipped units.
            try Checker.traced(["--format", "text", "--check", spec, "--conninfo", "host=\(lab.socketDir) port=\(lab.port(node))"],
                               asUser: user)
        }
        let healthy = [try check("checker", .first, "role"), try check("checker", .second, "role"),
                       try check("checker_monitor", .second, "replica?lag=16MB&replication_state=streaming")]
        #expect(healthy.map(\.output) == ["production\n", "standby\n", "standby\n"])
        #expect(healthy.map(\.status) == [0, 0, 0])
        let noMonitor = try check("checker", .second, "replica?lag=16MB")
        #expect(noMonitor.output == "insufficient-privilege\n")
        for run in healthy { #expect(syslog.messages(pid: run.pid).isEmpty) }
        #expect(syslog.messages(pid: noMonitor.pid).first?.contains("unavailable: insufficient-privilege") == true)
    }

    static func prependAuthenticationRule(_ rule: String, lab: PostgresLab) throws {
        let hba = lab.dataDir(.first) + "/pg_hba.conf"
        let rules = try String(contentsOfFile: hba, encoding: .utf8)
        try (rule + "\n" + rules).write(toFile: hba, atomically: false, encoding: .utf8)
        try lab.sql(.first, "SELECT pg_reload_conf()")
        if let standbyData = lab.standbyDataDir {
            let standbyHBA = standbyData + "/pg_hba.conf"
            let standbyRules = try String(contentsOfFile: standbyHBA, encoding: .utf8)
            try (rule + "\n" + standbyRules).write(toFile: standbyHBA, atomically: false, encoding: .utf8)
            try lab.sql(.second, "SELECT pg_reload_conf()")
        }
    }
}

}

/// System users for tests that run the checker unprivileged.
enum OSUser {
    static func ensure(_ name: String) throws {
        if getpwnam(name) != nil { return }
        let result = try Command.run("/usr/sbin/useradd", ["--system", "--no-create-home", "--home-dir", "/nonexistent",
                                                           "--shell", "/usr/sbin/nologin", name], timeout: .seconds(30))
        // Another test may have created it meanwhile (exit 9: already exists).
        guard result.status == 0 || result.status == 9 else {
            throw CommandError.failed(command: "useradd \(name)", status: result.status, stdout: result.stdout, stderr: result.stderr)
        }
    }
}
