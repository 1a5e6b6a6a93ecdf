import Foundation
import Testing
import TestSupport

/// States PostgreSQL passes through on its own: starting, shutting down, promotion. SQLSTATE 57P03 is an
/// expected state with its own word, not an error.
@Suite struct ServerLifecycleTests {
    /// A standby restored from a backup without its WAL can never become consistent: it answers 57P03
    /// ("not yet accepting connections") for as long as it runs, which holds the starting state still.
    @Test(arguments: PostgresVersions.binDirs)
    func startingServer(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: false, binDir: binDir)
        defer { lab.stop() }
        let starting = try StartingServer(from: lab)
        defer { starting.stop() }
        let port = starting.port
        let conninfo = "host=\(lab.socketDir) port=\(port) user=postgres"
        try Wait.until(timeout: .seconds(20), "the server listens and refuses with 57P03") {
            try Checker.run(["--format", "text", "--conninfo", conninfo]).output == "starting\n"
        }
        let http = try Checker.run(["--conninfo", conninfo])
        #expect(http.output.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(http.output.hasSuffix("\r\n\r\nstarting\n"))
        #expect(http.status == 2)
    }

    /// A smart shutdown waits for open sessions and refuses new ones with 57P03 meanwhile.
    @Test(arguments: PostgresVersions.binDirs)
    func shuttingDownServer(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: false, binDir: binDir)
        defer { lab.stop() }
        let session = try BackgroundCommand.start(lab.binDir + "/psql", ["-X", "-h", lab.socketDir, "-p", String(lab.primaryPort),
                                                                        "-U", "checker", "-d", "postgres", "-c", "SELECT pg_sleep(120)"])
        defer { session.stop() }
        try Wait.until(timeout: .seconds(10), "the session holds the server open") {
            try lab.sql(.first, "SELECT count(*) FROM pg_stat_activity WHERE usename = 'checker'") == "1"
        }
        try lab.pgCtl(.first, ["stop", "-m", "smart", "-W"])
        try Wait.until(timeout: .seconds(10), "new connections are refused") {
            try Checker.text(lab, .first).word == "shutting-down"
        }
        #expect(try Checker.text(lab, .first, check: "health") == ("shutting-down", 2))
    }

    /// Checks running while a standby is promoted see a standby, then a primary: never an error.
    @Test(arguments: PostgresVersions.binDirs)
    func promotionDuringChecks(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: true, binDir: binDir)
        defer { lab.stop() }
        let answers = Locked<[String]>([])
        let done = Locked(false)
        let checking = Thread {
            while !done.value {
                if let word = try? Checker.text(lab, .second).word { answers.withLock { $0.append(word) } }
            }
        }
        checking.start()
        try Wait.until(timeout: .seconds(10), "a check before the promotion") { !answers.value.isEmpty }
        try lab.promote(.second)
        try Wait.until(timeout: .seconds(20), "checks see the promoted primary") {
            answers.value.last == "production"
        }
        done.set(true)
        let seen = answers.value
        #expect(seen.count >= 2)
        #expect(Set(seen).isSubset(of: ["standby", "production"]), "\(seen)")
        #expect(seen.first == "standby")
        // Once a primary, always a primary: no flapping back.
        if let firstPrimary = seen.firstIndex(of: "production") {
            #expect(seen[firstPrimary...].allSatisfy { $0 == "production" }, "\(seen)")
        }
    }

    @Test func missingSocketDirectoryIsUnreachable() throws {
        let run = try Checker.run(["--format", "text", "--conninfo", "host=/nonexistent/pgsql-state port=5432 user=postgres"])
        #expect(run.output == "unreachable\n")
        #expect(run.status == 2)
    }
}
