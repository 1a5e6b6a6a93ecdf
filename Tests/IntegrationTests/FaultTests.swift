import Foundation
import Testing
import TestSupport

/// Each fault on its own lab, on every PostgreSQL version under test: the defined answer and reason word,
/// within the deadline, never a hang.
@Suite struct FaultTests {
    @Test(arguments: PostgresVersions.binDirs)
    func stoppedServerIsUnreachable(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: false, binDir: binDir)
        defer { lab.stop() }
        try lab.stopNode(.first, mode: "fast")
        let run = try Checker.run(["--format", "text", "--conninfo", lab.conninfo(.first)])
        #expect(run.output == "unreachable\n")
        #expect(run.status == 2)
        #expect(run.elapsed < .milliseconds(500))
    }

    /// A stopped postmaster accepts the connection in the kernel and never answers: only our own deadline
    /// ends the check.
    @Test(arguments: PostgresVersions.binDirs)
    func hungServerTimesOutWithinTheDeadline(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: false, binDir: binDir)
        defer { lab.stop() }
        try lab.suspend(.first)
        defer { try? lab.resume(.first) }
        let run = try Checker.run(["--format", "text", "--timeout", "0.5", "--conninfo", lab.conninfo(.first)])
        #expect(run.output == "timeout\n")
        #expect(run.status == 2)
        #expect(run.elapsed >= .milliseconds(400))
        // The deadline plus 50 ms, plus process start under a loaded test run.
        #expect(run.elapsed < .milliseconds(650))
    }

    @Test(arguments: PostgresVersions.binDirs)
    func pausedReplayIsNotServed(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: true, binDir: binDir)
        defer { lab.stop() }
        _ = try lab.sql(.second, "SELECT pg_wal_replay_pause()")
        try Wait.until(timeout: .seconds(10), "replay paused") {
            try lab.sql(.second, "SELECT pg_is_wal_replay_paused()") == "t"
        }
        #expect(try Checker.text(lab, .second) == ("replay-paused", 2))
        #expect(try Checker.text(lab, .second, check: "read-only") == ("replay-paused", 2))
        #expect(try Checker.text(lab, .second, check: "health") == ("replay-paused", 0))
        _ = try lab.sql(.second, "SELECT pg_wal_replay_resume()")
        #expect(try Checker.text(lab, .second) == ("standby", 0))
    }

    /// A primary fenced with default_transaction_read_only is not in recovery, yet must not get writes.
    @Test(arguments: PostgresVersions.binDirs)
    func readOnlyPrimaryIsNotServed(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: false, binDir: binDir)
        defer { lab.stop() }
        _ = try lab.sql(.first, "ALTER SYSTEM SET default_transaction_read_only = on")
        _ = try lab.sql(.first, "SELECT pg_reload_conf()")
        try Wait.until(timeout: .seconds(10), "read-only visible to new sessions") {
            try lab.sql(.first, "SHOW default_transaction_read_only") == "on"
        }
        #expect(try Checker.text(lab, .first) == ("read-only", 2))
        #expect(try Checker.text(lab, .first, check: "primary") == ("read-only", 2))
        let http = try Checker.run(["--check", "primary", "--conninfo", lab.conninfo(.first)])
        #expect(http.output.hasPrefix("HTTP/1.1 503 "))
        #expect(http.output.hasSuffix("\r\n\r\nread-only\n"))
    }

    /// A standby whose primary is gone still replays what it has, but it no longer streams: checks that ask
    /// for streaming or a lag bound drop it, the plain role check keeps it.
    @Test(arguments: PostgresVersions.binDirs)
    func standbyWithoutItsPrimary(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: true, monitorRole: true, binDir: binDir)
        defer { lab.stop() }
        #expect(try Checker.text(lab, .second, check: "replica?replication_state=streaming") == ("standby", 0))
        try lab.stopNode(.first, mode: "fast")
        try Wait.until(timeout: .seconds(15), "standby notices the primary is gone") {
            try Checker.text(lab, .second, check: "replica?replication_state=streaming").word == "not-streaming"
        }
        #expect(try Checker.text(lab, .second, check: "replica?lag=16MB") .word == "not-streaming")
        #expect(try Checker.text(lab, .second) == ("standby", 0))
        let agent = try Checker.run(["--format", "agent", "--check", "replica?replication_state=streaming",
                                     "--conninfo", lab.conninfo(.second)])
        #expect(agent.output == "down #not-streaming\n")
    }

    /// Lag is measured on the standby alone: the primary's WAL end as last reported over the stream minus
    /// the local replay position. An apply delay holds replay back while WAL keeps arriving.
    @Test(arguments: PostgresVersions.binDirs)
    func laggingStandbyIsDrained(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: true, monitorRole: true, binDir: binDir)
        defer { lab.stop() }
        _ = try lab.sql(.second, "ALTER SYSTEM SET recovery_min_apply_delay = '1h'")
        _ = try lab.sql(.second, "SELECT pg_reload_conf()")
        try Wait.until(timeout: .seconds(10), "apply delay active") {
            try lab.sql(.second, "SHOW recovery_min_apply_delay") == "1h"
        }
        // Replay stops at the first delayed commit; everything after it piles up unreplayed.
        _ = try lab.sql(.first, "CREATE TABLE filler (g int, pad text)")
        _ = try lab.sql(.first, "INSERT INTO filler SELECT g, repeat('x', 200) FROM generate_series(1, 5000) g")
        try Wait.until(timeout: .seconds(15), "lag over 64kB") {
            try Checker.text(lab, .second, check: "replica?lag=64kB").word == "lagging"
        }
        #expect(try Checker.text(lab, .second, check: "replica?lag=64kB") == ("lagging", 2))
        #expect(try Checker.text(lab, .second, check: "replica?lag=1GB") == ("standby", 0))
        #expect(try Checker.text(lab, .second) == ("standby", 0))
        let agent = try Checker.run(["--format", "agent", "--check", "replica?lag=64kB", "--conninfo", lab.conninfo(.second)])
        #expect(agent.output == "drain\n")
        let http = try Checker.run(["--check", "replica", "--conninfo", lab.conninfo(.second)])
        #expect(http.output.hasPrefix("HTTP/1.1 200 OK\r\n"))
        let lagging = try Checker.run(["--conninfo", lab.conninfo(.second), "--check", "replica?lag=64kB"])
        #expect(lagging.output.hasPrefix("HTTP/1.1 503 "))
    }
}
