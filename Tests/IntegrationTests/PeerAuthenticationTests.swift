import Foundation
import Testing
import TestSupport

/// A peer is believed only when it is authenticated and belongs to this cluster.
/// The fakes (`FakePostgres`) lie about everything and ask for passwords; the shipped binary runs against
/// a real primary from `PostgresLab` with `--peer` lines in the shipped shapes.
@Suite struct PeerAuthenticationTests {
    private func word(_ run: CheckerRun) -> String { run.output.trimmingCharacters(in: .newlines) }

    private func check(_ lab: PostgresLab, peers: [String], extra: [String] = [], environment: [String: String] = [:]) throws -> CheckerRun {
        try Checker.run(["--format", "text", "--conninfo", lab.conninfo(.first, user: "checker")]
            + peers.flatMap { ["--peer", $0] } + extra, environment: environment)
    }

    /// "primary on timeline FFFFFFFF", asking for nothing: with verify-full against the lab's CA (the fake
    /// has no TLS, or a certificate of its own), with channel_binding=require, and with a line that says
    /// neither (channel binding is added), the real primary still passes, even with --min-peers 0.
    @Test func aFakePrimaryOnANewerTimelineChangesNothing() throws {
        let lab = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        let plain = try FakePostgres.start(.ok)
        defer { plain.stop() }
        let tls = try FakePostgres.start(.ok, tls: true)
        defer { tls.stop() }
        let verifyFull = "sslmode=verify-full sslrootcert=\(lab.rootCertificate)"
        let lines = [
            plain.conninfo(verifyFull), tls.conninfo(verifyFull),
            plain.conninfo("channel_binding=require"), tls.conninfo("channel_binding=require"),
            plain.conninfo(), tls.conninfo(), tls.conninfo("sslmode=require channel_binding=prefer"),
        ]
        for line in lines {
            let run = try check(lab, peers: [line])
            #expect(word(run) == "production", "\(line)")
            #expect(run.status == 0, "\(line)")
        }
        // Both fakes were asked (the checker did reach them), and neither was ever sent the query.
        #expect(plain.events.contains("startup checker"))
        #expect(tls.events.contains("tls") && tls.events.contains("startup checker"))
        #expect(!(plain.events + tls.events).contains("query"))
    }

    /// A clear-text or MD5 password request gets no password, PGPASSFILE holding one for the fake's
    /// address notwithstanding. psql with libpq's defaults does send it: the fake can tell.
    @Test(arguments: [FakePostgres.Mode.cleartext, .md5])
    func passwordRequestsGetNoPassword(_ mode: FakePostgres.Mode) throws {
        let lab = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        let plain = try FakePostgres.start(mode)
        defer { plain.stop() }
        let tls = try FakePostgres.start(mode, tls: true)
        defer { tls.stop() }
        let passFile = plain.directory + "/pgpass"
        try "127.0.0.1:*:*:checker:secret-for-the-peers\n".write(toFile: passFile, atomically: true, encoding: .utf8)
        chmod(passFile, 0o600)
        for fake in [plain, tls] {
            for extra in ["", "channel_binding=require", "sslmode=verify-full sslrootcert=\(lab.rootCertificate)"] {
                let run = try check(lab, peers: [fake.conninfo(extra)], extra: ["--min-peers", "1"],
                                    environment: ["PGPASSFILE": passFile])
                #expect(word(run) == "no-quorum", "\(mode) \(extra)")
            }
        }
        // The request was reached (startup sent without TLS verification), and answered by nothing.
        #expect(plain.events.contains("startup checker") && tls.events.contains("startup checker"))
        #expect(!plain.events.contains("password"), "\(plain.events)")
        #expect(!tls.events.contains("password"), "\(tls.events)")
        // The control: libpq's defaults hand the password over.
        _ = try Command.run(lab.binDir + "/psql", ["-X", "-At", "-c", "SELECT 1", plain.conninfo()],
                            environment: Command.environment(adding: ["PGPASSFILE": passFile], removingPrefixes: ["PG"]),
                            timeout: .seconds(10))
        #expect(plain.events.contains("password"), "\(plain.events)")
    }

    /// A real PostgreSQL of another cluster (its own initdb), reached with a password of its own and
    /// channel binding: a primary on the same timeline would be a split brain, it is ignored instead; and it
    /// counts toward no quorum.
    @Test func aPeerOfAnotherClusterIsIgnored() throws {
        let lab = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        let other = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
        defer { other.stop() }
        #expect(try lab.sql(.first, "SELECT system_identifier FROM pg_control_system()")
            != other.sql(.first, "SELECT system_identifier FROM pg_control_system()"))
        for line in [other.tcpConninfo(.first, user: "checker") + " channel_binding=require",
                     other.verifiedConninfo(.first, user: "checker")] {
            let run = try check(lab, peers: [line])
            #expect(word(run) == "production", "\(line)")
            #expect(word(try check(lab, peers: [line], extra: ["--min-peers", "1"])) == "no-quorum", "\(line)")
        }
    }

    /// "I refuse your credentials" (SQLSTATE 28P01 at once, before any authentication exchange) is said by a
    /// server that proved nothing, over plain TCP or over TLS with a certificate of its own: it must weigh no
    /// more than its timeline would. With the lines verify-full cannot even reach the refusal. Guards the
    /// merge with "a peer that refuses this node's credentials fails a primary check" (main, 573e4a5): that
    /// rule may only count a refusal from a server that proved itself first (verify-full).
    @Test func aRefusalFromAnUnprovenPeerIsNoVerdict() throws {
        let lab = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        let plain = try FakePostgres.start(.refuse)
        defer { plain.stop() }
        let tls = try FakePostgres.start(.refuse, tls: true)
        defer { tls.stop() }
        for fake in [plain, tls] {
            for extra in ["", "channel_binding=require", "sslmode=verify-full sslrootcert=\(lab.rootCertificate)"] {
                let run = try check(lab, peers: [fake.conninfo(extra)])
                #expect(word(run) == "production", "\(fake.port) \(extra)")
            }
        }
        #expect(plain.events.contains("startup checker") && tls.events.contains("startup checker"))
    }

    /// "standby on the same timeline, same cluster" (the fake even knows the real system identifier): it
    /// never authenticates, so an isolated primary does not find its quorum there.
    @Test func aFakeStandbyDoesNotCountTowardMinPeers() throws {
        let lab = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
        defer { lab.stop() }
        let identifier = try lab.sql(.first, "SELECT system_identifier FROM pg_control_system()")
        let fake = try FakePostgres.start(.ok, tls: true, recovery: true, timeline: "00000001", systemIdentifier: identifier)
        defer { fake.stop() }
        for extra in ["", "channel_binding=require", "sslmode=verify-full sslrootcert=\(lab.rootCertificate)"] {
            let run = try check(lab, peers: [fake.conninfo(extra)], extra: ["--min-peers", "1"])
            #expect(word(run) == "no-quorum", "\(extra)")
            #expect(run.status == 2, "\(extra)")
        }
        #expect(fake.events.contains("startup checker"))
        #expect(!fake.events.contains("query"))
    }

    /// Real peers with the shipped settings: verify-full against the lab's CA, or channel binding, with
    /// scram-sha-256 in pg_hba (`hostssl`). They confirm a healthy primary and supersede a stale one. A
    /// server built without TLS (the PyPI builds of 16 and 18) is reached over its unix socket with
    /// `requirepeer` instead; a wrong `requirepeer` proves nothing.
    @Test(arguments: PostgresVersions.binDirs)
    func realPeersOverVerifiedTLSOrChannelBinding(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: true, binDir: binDir)
        defer { lab.stop() }
        let lines = lab.tls
            ? [lab.verifiedConninfo(.second, user: "checker"), lab.tcpConninfo(.second, user: "checker") + " channel_binding=require"]
            : [lab.peerConninfo(.second, user: "checker")]
        if !lab.tls {
            // Without TLS the forced channel binding fails over TCP, and another OS user is not the server.
            for line in [lab.tcpConninfo(.second, user: "checker"), lab.conninfo(.second, user: "checker") + " requirepeer=nobody"] {
                #expect(word(try check(lab, peers: [line], extra: ["--min-peers", "1"])) == "no-quorum", "\(line)")
            }
        }
        for line in lines {
            let run = try check(lab, peers: [line], extra: ["--min-peers", "1"])
            #expect(word(run) == "production", "\(line)")
        }
        try lab.promote(.second)
        for line in lines {
            let run = try check(lab, peers: [line], extra: ["--min-peers", "1"])
            #expect(word(run) == "superseded", "\(line)")
            #expect(run.status == 1)
        }
    }
}

extension SyslogOwners {
    /// What the operator sees: one warning for a line that is neither verified nor channel-bound, and a
    /// peer of another cluster named as ignored. Never the connection string.
    @Suite struct PeerAuthenticationLogTests {
        @Test func unverifiedLinesAndOtherClustersAreLogged() throws {
            let syslog = try SyslogCapture.start()
            defer { syslog.stop() }
            let runtime = "/tmp/pgsql-state-runtime-\(UUID().uuidString.prefix(8))"
            try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: false)
            defer { try? FileManager.default.removeItem(atPath: runtime) }
            let lab = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
            defer { lab.stop() }
            let other = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
            defer { other.stop() }
            let fake = try FakePostgres.start(.ok)
            defer { fake.stop() }
            // Served as on a host (socket-activated, HTTP), where every answer is logged.
            let server = try SocketActivated.start(CheckerBinary.path, [
                "--conninfo", lab.conninfo(.first, user: "checker"),
                "--peer", fake.conninfo("password=hunter2"), "--peer", other.verifiedConninfo(.first, user: "checker"),
            ], environment: ["RUNTIME_DIRECTORY": runtime])
            defer { server.stop() }
            for _ in 0..<3 {
                let reply = RawClient.exchange(port: server.port, request: "GET /primary HTTP/1.0\r\n\r\n", timeout: .seconds(5)).text
                #expect(reply.hasPrefix("HTTP/1.1 200 OK\r\n"), "\(reply)")
            }
            try Wait.until(timeout: .seconds(5), "the lines arrive") {
                syslog.messages(containing: "127.0.0.1:\(other.primaryPort) other-cluster").count >= 3
            }
            let warning = "peer 127.0.0.1:\(fake.port) is neither verify-full TLS nor channel-bound: channel_binding=require added"
            // Once per hour and host, however many runs.
            #expect(syslog.messages(containing: warning).count == 1, "\(syslog.messages(containing: "peer"))")
            // Other suites' checkers log too: only this test's peers count.
            let ignored = syslog.messages(containing: "127.0.0.1:\(other.primaryPort) other-cluster")
            #expect(ignored.count == 3, "\(ignored)")
            #expect(ignored.allSatisfy { $0.contains("primary confirmed by 0 of 2 peers; peers ignored:") }, "\(ignored)")
            #expect(!syslog.messages(containing: "hunter2").contains { _ in true })
        }
    }
}
