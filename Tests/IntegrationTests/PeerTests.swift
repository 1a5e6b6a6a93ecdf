import Foundation
import Testing
import TestSupport

/// `--peer`: a primary asks the other nodes before it passes. Every lab here is its own (promotions change
/// it), peers are reached over TCP as `checker` (LOGIN only, the least-privileged role README recommends).
@Suite struct PeerTests {
    private func peer(_ lab: PostgresLab, _ node: Node) -> [String] { ["--peer", lab.peerConninfo(node, user: "checker")] }

    private func text(_ lab: PostgresLab, _ node: Node, peers: [Node], extra: [String] = []) throws -> CheckerRun {
        try Checker.run(["--format", "text", "--conninfo", lab.conninfo(node, user: "checker")]
            + peers.flatMap { peer(lab, $0) } + extra)
    }

    private func word(_ run: CheckerRun) -> String { run.output.trimmingCharacters(in: .newlines) }

    @Test(arguments: PostgresVersions.binDirs)
    func failoverLeavesTheOldPrimarySupersededInEveryFormat(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: true, binDir: binDir)
        defer { lab.stop() }
        try lab.addStandby()
        // Healthy cluster: the primary passes, the standbys answer without asking anyone.
        let healthy = try text(lab, .first, peers: [.second, .third])
        #expect(word(healthy) == "production" && healthy.status == 0)
        #expect(word(try text(lab, .second, peers: [.first, .third])) == "standby")

        try lab.promote(.second)
        let stale = try text(lab, .first, peers: [.second, .third])
        #expect(word(stale) == "superseded")
        #expect(stale.status == 1)
        let peers = [.second, .third].flatMap { peer(lab, $0) }
        let http = try Checker.run(["--check", "primary", "--conninfo", lab.conninfo(.first, user: "checker")] + peers)
        #expect(http.output.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(http.output.hasSuffix("\r\n\r\nsuperseded\n"))
        let agent = try Checker.run(["--format", "agent", "--check", "primary",
                                     "--conninfo", lab.conninfo(.first, user: "checker")] + peers)
        #expect(agent.output == "down #superseded\n")
        // The role check must not hand a stale primary to a read pool either.
        let role = try Checker.run(["--conninfo", lab.conninfo(.first, user: "checker")] + peers)
        #expect(role.output.hasPrefix("HTTP/1.1 503 "))
        // The new primary sees only older timelines: it passes.
        let fresh = try text(lab, .second, peers: [.first, .third])
        #expect(word(fresh) == "production" && fresh.status == 0)
        // A standby check never asks the peers, so it is not affected either way.
        #expect(word(try text(lab, .third, peers: [.first, .second])) == "standby")
    }

    @Test(arguments: PostgresVersions.binDirs)
    func twoStandbysPromotedAreASplitBrain(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: true, binDir: binDir)
        defer { lab.stop() }
        try lab.addStandby()
        try lab.promote(.second)
        try lab.promote(.third)
        for (node, peers) in [(Node.second, [Node.first, .third]), (.third, [.first, .second])] {
            let run = try text(lab, node, peers: peers)
            #expect(word(run) == "split-brain", "\(node)")
            #expect(run.status == 2, "\(node)")
        }
        #expect(word(try text(lab, .first, peers: [.second, .third])) == "superseded")
    }

    /// The new primary is out of reach, but a standby that already follows its timeline tells the stale
    /// primary all the same (its restartpoint's timeline is public; pg_monitor is not needed here).
    @Test(arguments: PostgresVersions.binDirs)
    func aStandbyOnANewerTimelineSupersedesEvenWithTheNewPrimaryGone(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: true, binDir: binDir)
        defer { lab.stop() }
        try lab.addStandby()
        try lab.promote(.third)
        try lab.reinitStandby(.second, from: .third)
        try lab.stopNode(.third, mode: .immediate)
        let stale = try text(lab, .first, peers: [.second, .third])
        #expect(word(stale) == "superseded")
        #expect(stale.status == 1)
    }

    @Test(arguments: PostgresVersions.binDirs)
    func peersThatProveNothingAreIgnoredWithinTheDeadline(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: true, binDir: binDir)
        defer { lab.stop() }
        try lab.addStandby()
        let refused = "host=127.0.0.1 port=\(FreePort.tcp()) user=checker"
        // A stopped peer (nothing listens) and a hung one (SIGSTOP: the TCP handshake completes, nothing answers).
        try lab.suspend(.third)
        defer { try? lab.resume(.third) }
        let run = try Checker.run(["--format", "text", "--timeout", "1", "--conninfo", lab.conninfo(.first, user: "checker"),
                                   "--peer", refused] + peer(lab, .second) + peer(lab, .third))
        #expect(word(run) == "production")
        #expect(run.status == 0)
        // Peers get half of the deadline: the hung one costs ~0.5 s, and the answer (process start-up
        // included) comes within the 1 s deadline.
        #expect(run.elapsed < .seconds(1), "\(run.elapsed)")
        // With a quorum the hung and the stopped peer count as missing.
        let quorum = try Checker.run(["--format", "text", "--timeout", "1", "--min-peers", "2",
                                      "--conninfo", lab.conninfo(.first, user: "checker"),
                                      "--peer", refused] + peer(lab, .second) + peer(lab, .third))
        #expect(word(quorum) == "no-quorum")
        #expect(quorum.status == 2)
        let one = try Checker.run(["--format", "text", "--timeout", "1", "--min-peers", "1",
                                   "--conninfo", lab.conninfo(.first, user: "checker"),
                                   "--peer", refused] + peer(lab, .second))
        #expect(word(one) == "production")
    }

    /// An address that answers nothing: the checker runs in a network namespace of its own whose only
    /// link is a veth pair with both ends inside it, so the peer's ARP and SYN go nowhere and nothing
    /// leaves the namespace.
    @Test func anUnreachablePeerAddressCostsHalfTheDeadline() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let script = """
            ip link set lo up && ip link add pgs0 type veth peer name pgs1 && ip addr add 192.0.2.1/24 dev pgs0 && \
            ip link set pgs0 up && ip link set pgs1 up && exec "$0" "$@"
            """
        let start = ContinuousClock.now
        let result = try Command.run("/usr/bin/unshare", ["--net", "/bin/sh", "-c", script, CheckerBinary.path,
                                                          "--format", "text", "--timeout", "1",
                                                          "--conninfo", lab.conninfo(.first, user: "checker"),
                                                          "--peer", "host=192.0.2.99 port=5432 user=checker"],
                                     timeout: .seconds(10))
        let elapsed = ContinuousClock.now - start
        #expect(result.stdout == "production\n", "\(result.stderr)")
        #expect(result.status == 0)
        #expect(elapsed >= .milliseconds(450) && elapsed < .seconds(1), "\(elapsed)")
    }

    @Test func badPeersAreUsageErrors() throws {
        for arguments in [["--peer", "host=db2.example port=5432"], ["--peer", "host=192.0.2.1,192.0.2.2"],
                          ["--peer", "postgresql://checker:secret@[::1"], ["--peer", "host=192.0.2.1", "--min-peers", "2"]] {
            let run = try Checker.run(["--format", "text"] + arguments)
            #expect(run.status == 64, "\(arguments)")
            #expect(run.output.isEmpty)
            #expect(!run.stderr.contains("secret"))
        }
    }

    @Test func peersComeFromTheConfigFile() throws {
        let lab = try PostgresLab.start(standby: true, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pgsql-state-config-\(getpid())").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let path = directory + "/pgsql-state.conf"
        try """
            # the other node
            peer = \(lab.peerConninfo(.second, user: "checker"))
            min-peers = 1
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let arguments = ["--config", path, "--format", "text", "--conninfo", lab.conninfo(.first, user: "checker")]
        #expect(word(try Checker.run(arguments)) == "production")
        try lab.promote(.second)
        let stale = try Checker.run(arguments)
        #expect(word(stale) == "superseded")
        // A missing or invalid file is a usage error, not a silently unguarded primary.
        #expect(try Checker.run(["--config", directory + "/missing.conf", "--format", "text"]).status == 64)
        try "peer host=192.0.2.1\n".write(toFile: path, atomically: true, encoding: .utf8)
        let invalid = try Checker.run(["--config", path, "--format", "text"])
        #expect(invalid.status == 64)
        #expect(invalid.stderr.contains("pgsql-state.conf:1"))
    }
}
