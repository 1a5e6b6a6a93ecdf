import Foundation
import Testing
import TestSupport

/// Each check is a backend and takes a connection slot. When ordinary slots are all taken the check must
/// say so; since PostgreSQL 16 a check role granted pg_use_reserved_connections still gets in.
@Suite struct ConnectionSlotTests {
    @Test(arguments: PostgresVersions.binDirs)
    func fullServer(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: false, binDir: binDir)
        defer { lab.stop() }
        let major = (Int(try lab.sql(.first, "SHOW server_version_num")) ?? 0) / 10000
        let reserved = major >= 16 ? 2 : 0
        try lab.sql(.first, "ALTER SYSTEM SET max_connections = 8")
        try lab.sql(.first, "ALTER SYSTEM SET superuser_reserved_connections = 1")
        if major >= 16 {
            try lab.sql(.first, "ALTER SYSTEM SET reserved_connections = \(reserved)")
            try lab.sql(.first, "CREATE ROLE checker_reserved LOGIN")
            try lab.sql(.first, "GRANT pg_use_reserved_connections TO checker_reserved")
        }
        try lab.sql(.first, "CREATE ROLE app LOGIN")
        try lab.stopNode(.first, mode: .fast)
        try lab.startNode(.first)

        let ordinary = 8 - 1 - reserved
        let postmaster = try lab.postmasterPID(.first)
        var sessions: [BackgroundCommand] = []
        defer { sessions.forEach { $0.stop() } }
        // One at a time, counted from process titles: a polling connection would itself take the slot
        // the next session needs.
        for count in 1...ordinary {
            sessions.append(try BackgroundCommand.start(lab.binDir + "/psql", [
                "-X", "-h", lab.socketDir, "-p", String(lab.primaryPort), "-U", "app", "-d", "postgres", "-c", "SELECT pg_sleep(120)",
            ]))
            try Wait.until(timeout: .seconds(10), "session \(count) of \(ordinary) connected") {
                Self.backends(of: "app", postmaster: postmaster) == count
            }
        }
        #expect(try Checker.text(lab, .first, user: "checker") == ("too-many-connections", 2))
        let http = try Checker.run(["--conninfo", lab.conninfo(.first, user: "checker")])
        #expect(http.output.hasSuffix("\r\n\r\ntoo-many-connections\n"))
        if major >= 16 {
            #expect(try Checker.text(lab, .first, user: "checker_reserved") == ("production", 0))
        }
    }

    /// Backends of `user` under this postmaster, from their process titles
    /// ("postgres: primary: app postgres [local] SELECT"): other labs run in parallel.
    static func backends(of user: String, postmaster: pid_t) -> Int {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { entry in
            guard entry.allSatisfy(\.isNumber),
                  let data = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                  let stat = FileManager.default.contents(atPath: "/proc/\(entry)/stat") else { return false }
            // stat: "PID (comm) STATE PPID ..."; comm may hold spaces, so split after its closing parenthesis.
            let fields = String(decoding: stat, as: UTF8.self).split(separator: ")").last?.split(separator: " ") ?? []
            guard fields.count > 1, pid_t(fields[1]) == postmaster else { return false }
            let title = String(decoding: data, as: UTF8.self)
            return title.hasPrefix("postgres: ") && title.contains(" \(user) postgres [local]")
        }.count
    }
}
