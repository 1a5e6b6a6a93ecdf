import Foundation
import Testing
import TestSupport

/// What the server sees of a check: its application_name, its database, and a clean goodbye.
@Suite struct ConnectionIdentityTests {
    @Test func checksIdentifyThemselvesAndLeaveNoTrace() throws {
        let lab = try PostgresLab.start(standby: true, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        // postgresql.auto.conf is a file, not WAL: each node gets its own settings.
        for node in [Node.first, .second] {
            try lab.sql(node, "ALTER SYSTEM SET log_line_prefix = 'app=%a db=%d '")
            try lab.sql(node, "ALTER SYSTEM SET log_disconnections = on")
            try lab.sql(node, "SELECT pg_reload_conf()")
        }
        try Wait.until(timeout: .seconds(10), "logging settings loaded") {
            try lab.sql(.second, "SHOW log_disconnections") == "on" && lab.sql(.first, "SHOW log_disconnections") == "on"
        }
        // No --conninfo database and no PGDATABASE: dbname=postgres, not the user's name.
        for node in [Node.first, .second] {
            let run = try Checker.run(["--format", "text"], environment: [
                "PGHOST": lab.socketDir, "PGPORT": String(lab.port(node)), "PGUSER": "checker",
            ])
            #expect(run.status == 0)
        }
        try Wait.until(timeout: .seconds(10), "both disconnections logged") {
            lab.logText(.first).contains("app=pgsql-state db=postgres LOG:  disconnection")
                && lab.logText(.second).contains("app=pgsql-state db=postgres LOG:  disconnection")
        }
        for node in [Node.first, .second] {
            let log = lab.logText(node)
            #expect(!log.contains("could not receive data from client"))
            #expect(!log.contains("unexpected EOF on client connection"))
            #expect(!log.contains("database \"checker\" does not exist"))
            #expect(!log.contains("FATAL"))
        }
    }
}
