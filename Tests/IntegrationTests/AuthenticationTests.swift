import Foundation
import Testing
import TestSupport

/// Refused logins answer auth-failed, and a password never shows up in the answer.
@Suite struct AuthenticationTests {
    @Test func passwordAuthentication() throws {
        let lab = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        let password = "s3cret-\(UInt32.random(in: 0...UInt32.max))"
        try lab.sql(.primary, "CREATE ROLE pw LOGIN PASSWORD '\(password)'")
        let hba = lab.dataDir(.primary) + "/pg_hba.conf"
        let rules = try String(contentsOfFile: hba, encoding: .utf8)
        try ("local all pw scram-sha-256\n" + rules).write(toFile: hba, atomically: false, encoding: .utf8)
        try lab.sql(.primary, "SELECT pg_reload_conf()")

        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        func passfile(_ secret: String) throws -> String {
            let path = directory + "/pgpass-\(secret.hashValue)"
            try "*:*:*:pw:\(secret)\n".write(toFile: path, atomically: false, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: path)
            return path
        }
        let conninfo = lab.conninfo(.primary, user: "pw")
        try Wait.until(timeout: .seconds(10), "the new rule is in force") {
            try Checker.run(["--format", "text", "--conninfo", conninfo], environment: ["PGPASSFILE": "/nonexistent"]).output == "auth-failed\n"
        }
        let wrong = try Checker.run(["--conninfo", conninfo], environment: ["PGPASSFILE": try passfile("wrong")])
        #expect(wrong.output.hasSuffix("\r\n\r\nauth-failed\n"))
        #expect(wrong.status == 2)
        let right = try Checker.run(["--conninfo", conninfo], environment: ["PGPASSFILE": try passfile(password)])
        #expect(right.output.hasSuffix("\r\n\r\nprimary\n"))
        for run in [wrong, right] {
            #expect(!run.output.contains(password) && !run.stderr.contains(password))
        }
    }
}
