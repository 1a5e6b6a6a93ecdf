import Foundation
import Testing
import TestSupport

/// A primary and a standby, each with the checker (socket-activated, `--peer` naming the other node) and a
/// real HAProxy whose read-write listener uses `balance first` with pg1 (the node that will go stale)
/// listed first: the shape in which a stale primary would take every new write. Checks run every 300 ms
/// (rise 2, fall 2) to keep the test short; the shipped example checks every 1-2 s.
final class StalePrimaryLab: Sendable {
    let postgres: PostgresLab
    let checkers: [Node: SocketActivated]
    let haproxy: BackgroundCommand
    let writePort: Int
    let directory: String

    /// HAProxy marks a server DOWN after `fall` failed checks `inter` apart, each answered within the
    /// checker's deadline: the longest a stale node can keep taking writes once its checker says no.
    static let detectionBound: TimeInterval = 2 * 0.3 + 1.0 + 0.5

    init() throws {
        postgres = try PostgresLab.start(standby: true, binDir: ShippedLab.binDir)
        do {
            try postgres.sql(.first, "CREATE TABLE lab_writes (id bigserial PRIMARY KEY, via text, at timestamptz DEFAULT clock_timestamp())")
            try postgres.waitForStreaming()
            var checkers: [Node: SocketActivated] = [:]
            for (node, other) in [(Node.first, Node.second), (.second, .first)] {
                checkers[node] = try SocketActivated.start(CheckerBinary.require(), [
                    "--format", "http", "--timeout", "1", "--conninfo", postgres.conninfo(node, user: "checker"),
                    "--peer", postgres.tcpConninfo(other, user: "checker"),
                ])
            }
            self.checkers = checkers
            directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgsql-state-stale-\(getpid())-\(UInt32.random(in: 0...UInt32.max))").path
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            writePort = Int(FreePort.tcp())
            let config = """
                global
                    maxconn 200
                    stats socket \(directory)/admin.sock mode 600 level admin
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 30s
                    timeout server 30s
                    timeout check 2s
                    retries 0
                listen postgres-rw
                    bind 127.0.0.1:\(writePort)
                    balance first
                    option httpchk
                    http-check send meth GET uri /primary
                    http-check expect status 200
                    default-server inter 300ms fastinter 300ms downinter 300ms rise 2 fall 2 on-marked-down shutdown-sessions
                    server pg1 127.0.0.1:\(postgres.port(.first)) check port \(checkers[.first]!.port)
                    server pg2 127.0.0.1:\(postgres.port(.second)) check port \(checkers[.second]!.port)
                """
            // HAProxy refuses a file whose last line has no LF ("might have been truncated").
            try (config + "\n").write(toFile: directory + "/haproxy.cfg", atomically: true, encoding: .utf8)
            haproxy = try BackgroundCommand.start("/usr/sbin/haproxy", ["-f", directory + "/haproxy.cfg", "-db"])
            // HAProxy 2.6 takes every server for UP until its first checks: wait for the real view, or the
            // standby would get writes while it still counts as UP.
            try Wait.until(timeout: .seconds(10), poll: .milliseconds(100), "HAProxy sees pg1 UP and pg2 DOWN") {
                try serverStatus("pg1") == "UP" && serverStatus("pg2") == "DOWN"
            }
        } catch {
            postgres.stop()
            throw error
        }
    }

    /// A server's status in the read-write listener, from the Runtime API (`show stat`, CSV).
    func serverStatus(_ server: String) throws -> String {
        let output = try Command.run("/bin/sh", ["-c", "echo 'show stat' | socat - UNIX-CONNECT:\(directory)/admin.sock"],
                                     timeout: .seconds(5))
        for line in output.stdout.split(separator: "\n") {
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            if fields.count > 17, fields[0] == "postgres-rw", fields[1] == server { return String(fields[17]) }
        }
        return "unknown"
    }

    func down() {
        haproxy.stop()
        for checker in checkers.values { checker.stop() }
        postgres.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The checker's answer to `GET /primary` on a node.
    func primaryAnswer(_ node: Node) -> String {
        RawClient.exchange(port: checkers[node]!.port, request: "GET /primary HTTP/1.0\r\n\r\n", timeout: .seconds(5)).text
    }

    /// Rows a node took since its postmaster started (a restarted stale primary must take none).
    func writesSinceStart(_ node: Node) throws -> Int {
        Int(try postgres.sql(node, "SELECT count(*) FROM lab_writes WHERE at >= pg_postmaster_start_time()")) ?? -1
    }

    /// Writes through the read-write listener every 50 ms, once the first one has reached pg1.
    func startWriting() throws -> WriteProbes {
        let probes = WriteProbes([(name: "rw", port: writePort)], interval: 0.05, login: try postgres.probeLogin())
        probes.start()
        do {
            try waitForWrites(on: .first, probes, after: 0)
        } catch {
            probes.stop()
            throw error
        }
        return probes
    }

    func waitForWrites(on node: Node, _ probes: WriteProbes, after start: Double, timeout: Duration = .seconds(20)) throws {
        let port = Int(postgres.port(node))
        do {
            try Wait.until(timeout: timeout, poll: .milliseconds(100), "a write through HAProxy on \(node)") {
                probes.recorded.contains { $0.start > start && $0.port == port }
            }
        } catch {
            let last = probes.recorded.suffix(3).map { "\($0.outcome)" }.joined(separator: "; ")
            throw ShippedLab.Failure(description: "\(error); haproxy running: \(haproxy.isRunning); last writes: \(last); checkers: "
                + checkers.keys.map { "\($0) \(primaryAnswer($0).split(separator: "\n").last ?? "")" }.joined(separator: ", "))
        }
    }
}

extension LabTests {
    @Suite struct StalePrimary {
        /// The primary crashes, the standby is promoted, the old primary boots again as a primary on the old
        /// timeline (what Debian does at boot). It is first in `balance first`, yet takes no write.
        @Test func aRestartedOldPrimaryTakesNoWrites() throws {
            let lab = try StalePrimaryLab()
            defer { lab.down() }
            let oldPort = Int(lab.postgres.port(.first)), newPort = Int(lab.postgres.port(.second))
            let probes = try lab.startWriting()
            defer { probes.stop() }

            try lab.postgres.stopNode(.first, mode: .immediate)
            try lab.postgres.promote(.second)
            let promoted = Date().timeIntervalSince1970
            try lab.waitForWrites(on: .second, probes, after: promoted)
            try lab.postgres.startNode(.first)
            let restarted = Date().timeIntervalSince1970
            // Ten times HAProxy's rise (2 checks, 300 ms apart): ample time to bring a passing server back.
            Thread.sleep(forTimeInterval: 6)
            let records = probes.stop()

            let stale = records.filter { $0.start > restarted && $0.port == oldPort }
            #expect(stale.isEmpty, "\(stale.count) writes through HAProxy reached the restarted old primary")
            #expect(try lab.writesSinceStart(.first) == 0)
            let afterRestart = records.filter { $0.start > restarted }
            #expect(afterRestart.filter { $0.port == newPort }.count > 50, "read-write kept reaching the new primary")
            let crashed = records.filter { $0.reachedRecovery }
            #expect(crashed.isEmpty, "\(crashed.map { "\($0.start - promoted) \($0.outcome)" })")
            let answer = lab.primaryAnswer(.first)
            #expect(answer.hasPrefix("HTTP/1.1 503 ") && answer.hasSuffix("\r\n\r\nsuperseded\n"), "\(answer)")
            #expect(lab.primaryAnswer(.second).hasPrefix("HTTP/1.1 200 "))
            print("stale primary: \(afterRestart.count) writes in 6 s after the old primary's restart, \(stale.count) on it")
        }

        /// The standby is promoted while the old primary keeps running (a switchover that promotes before it
        /// stops, or a partition healed the wrong way). Its checker says `superseded` from its next check on;
        /// HAProxy needs `fall` failed checks to act on it, and no write reaches it after that bound.
        @Test func aPrimaryLeftRunningAfterAPromotionStopsTakingWrites() throws {
            let lab = try StalePrimaryLab()
            defer { lab.down() }
            let oldPort = Int(lab.postgres.port(.first)), newPort = Int(lab.postgres.port(.second))
            let probes = try lab.startWriting()
            defer { probes.stop() }

            try lab.postgres.promote(.second)
            let promoted = Date().timeIntervalSince1970
            try lab.waitForWrites(on: .second, probes, after: promoted)
            Thread.sleep(forTimeInterval: 4)
            let records = probes.stop()

            let late = records.filter { $0.start > promoted + StalePrimaryLab.detectionBound && $0.port == oldPort }
            #expect(late.isEmpty, "\(late.count) writes on the old primary more than \(StalePrimaryLab.detectionBound) s after the promotion")
            #expect(records.filter { $0.start > promoted + StalePrimaryLab.detectionBound }.allSatisfy { $0.port == newPort || $0.port == nil })
            let window = records.filter { $0.start > promoted && $0.port == oldPort }
            let lastOld = window.map { $0.end }.max().map { String(format: "%.2f s", $0 - promoted) } ?? "none"
            let firstNew = records.filter { $0.port == newPort }.map { $0.end }.min().map { String(format: "%.2f s", $0 - promoted) } ?? "none"
            #expect(lab.primaryAnswer(.first).hasSuffix("\r\n\r\nsuperseded\n"))
            print("promotion with the old primary left running: \(window.count) writes on it after the promotion, the last \(lastOld) after; first write on the new primary \(firstNew) after")
        }
    }
}
