import Foundation
import Testing
import TestSupport

/// Real Patroni 4.1.5 and pgsql-state on the same two PostgreSQL 15 nodes, asked the same requests (every
/// Patroni path × GET/HEAD/OPTIONS × query parameters) in several cluster states: the status codes must be
/// equal but for README's deliberate differences (`PatroniDeliberateDifference`). pgsql-state runs as
/// README's migration section says: `check = primary`, the other node as `--peer`, Patroni's tags as `--tag`.
@Suite(.serialized) struct PatroniDifferentialTests {
    static let paths = PatroniDeliberateDifference.patroniPaths
    /// node1 is tagged dc=a, node2 dc=b (scripts/patroni-cluster).
    static let queries = ["", "?lag=1MB", "?lag=64MB", "?replication_state=streaming", "?mode=write", "?mode=apply",
                          "?tag_dc=a", "?tag_dc=b", "?lag=64MB&tag_dc=b"]
    static let methods = ["GET", "HEAD", "OPTIONS"]
    /// Asked with GET only: what Patroni lets through and pgsql-state refuses.
    static let extras = [("/no-such-check", "")] + PatroniDeliberateDifference.refusedQueries.map { ("/replica", $0) }

    struct Tally {
        var compared = 0
        var deliberate: [String: Int] = [:]
        var unexplained: [String] = []
    }

    static func status(_ port: UInt16, _ method: String, _ target: String) -> Int {
        let text = RawClient.exchange(port: port, send: Array("\(method) \(target) HTTP/1.0\r\n\r\n".utf8), timeout: .seconds(10)).text
        let fields = text.prefix(while: { $0 != "\r" }).split(separator: " ")
        return fields.count > 1 ? Int(fields[1]) ?? -1 : -1
    }

    @Test func sameStatusCodesAsRealPatroniButTheDocumentedDifferences() throws {
        let started = ContinuousClock.now
        let binary = try CheckerBinary.require()
        let readme = try String(contentsOfFile: Repository.path("README.md"), encoding: .utf8)
        let undocumented = PatroniDeliberateDifference.all.map(\.name).filter { !readme.contains("| \($0) |") }
        #expect(undocumented.isEmpty, "README's table of deliberate differences has no row for \(undocumented)")
        let cluster = try PatroniCluster.start()
        defer { cluster.stop() }
        let (node1, node2) = (cluster.members[0], cluster.members[1])
        var ours: [String: SocketActivated] = [:]
        for (member, other, tag) in [(node1, node2, "dc=a"), (node2, node1, "dc=b")] {
            ours[member.name] = try SocketActivated.start(binary, [
                "--conninfo", cluster.conninfo(member), "--peer", cluster.conninfo(other), "--check", "primary", "--tag", tag,
            ])
        }
        defer { ours.values.forEach { $0.stop() } }
        let setUp = ContinuousClock.now - started

        var tally = Tally()
        func compare(_ state: String, primary: PatroniCluster.Member, paused: Bool = false) {
            var asked: [(request: PatroniDeliberateDifference.Case, patroni: UInt16, ours: UInt16)] = []
            for member in cluster.members {
                let role = member.name == primary.name ? "primary" : "replica"
                var requests: [(String, String, String)] = []
                for path in Self.paths { for query in Self.queries { for method in Self.methods { requests.append((method, path, query)) } } }
                requests += Self.extras.map { ("GET", $0.0, $0.1) }
                for (method, path, query) in requests {
                    asked.append((PatroniDeliberateDifference.Case(state: state, node: member.name, role: role,
                                                                   replayPaused: paused && role == "replica",
                                                                   method: method, path: path, query: query),
                                  member.apiPort, ours[member.name]!.port))
                }
            }
            // A few requests at a time: the state holds still while it is asked, and one checker process per
            // request leaves the cores idle between them.
            let statuses = Locked([(Int, Int)](repeating: (0, 0), count: asked.count))
            let workers = 4
            let requests = asked
            DispatchQueue.concurrentPerform(iterations: workers) { worker in
                for index in stride(from: worker, to: requests.count, by: workers) {
                    let (request, patroni, mine) = requests[index]
                    let target = request.path + request.query
                    let answer = (Self.status(patroni, request.method, target), Self.status(mine, request.method, target))
                    statuses.withLock { $0[index] = answer }
                }
            }
            for (index, (theirs, mine)) in statuses.value.enumerated() {
                let request = asked[index].request
                tally.compared += 1
                guard theirs != mine else { continue }
                if let rule = PatroniDeliberateDifference.all.first(where: { $0.matches(request, theirs, mine) }) {
                    tally.deliberate[rule.name, default: 0] += 1
                } else {
                    tally.unexplained.append("\(request): Patroni \(theirs), pgsql-state \(mine)")
                }
            }
        }
        /// Both sides agree on the roles before the matrix is asked.
        func settle(_ what: String, primary: PatroniCluster.Member, replica: PatroniCluster.Member, replicaQuery: String = "") throws {
            try Wait.until(timeout: .seconds(90), poll: .milliseconds(500), what) {
                Self.status(primary.apiPort, "GET", "/primary") == 200 && Self.status(ours[primary.name]!.port, "GET", "/primary") == 200
                    && Self.status(replica.apiPort, "GET", "/replica" + replicaQuery) == 200
                    && Self.status(ours[replica.name]!.port, "GET", "/replica" + replicaQuery) == 200
            }
        }

        try settle("node1 leads, node2 streams", primary: node1, replica: node2, replicaQuery: "?lag=1MB")
        compare("healthy", primary: node1)
        let healthy = ContinuousClock.now

        // Patroni resumes a paused replay on PostgreSQL 14+ (Postgresql.handle_parameter_change) unless
        // the cluster is in its maintenance mode.
        try cluster.patronictl(["pause", "--wait"])
        try cluster.sql(node2, "SELECT pg_wal_replay_pause()")
        try Wait.until(timeout: .seconds(30), poll: .milliseconds(200), "node2 paused") {
            try cluster.sql(node2, "SELECT pg_get_wal_replay_pause_state()") == "paused"
        }
        compare("replay paused", primary: node1, paused: true)

        // About 8 MB of WAL the paused standby receives but does not replay: over lag=1MB and Patroni's
        // default maximum_lag_on_failover (1 MB), under lag=64MB.
        try cluster.sql(node1, "CREATE TABLE differential_lag AS SELECT repeat('x', 1000) AS filler FROM generate_series(1, 8000)")
        let written = try cluster.sql(node1, "SELECT pg_current_wal_lsn()")
        try Wait.until(timeout: .seconds(60), poll: .milliseconds(500), "node2 lags in both views") {
            try cluster.sql(node2, "SELECT latest_end_lsn >= '\(written)'::pg_lsn FROM pg_stat_wal_receiver") == "t"
                && Self.status(node2.apiPort, "GET", "/readiness") == 503
        }
        compare("replay paused, 8 MB behind", primary: node1, paused: true)

        try cluster.sql(node2, "SELECT pg_wal_replay_resume()")
        try cluster.patronictl(["resume", "--wait"])
        try settle("node2 caught up", primary: node1, replica: node2, replicaQuery: "?lag=1MB")
        try cluster.patronictl(["switchover", "--leader", "node1", "--candidate", "node2", "--force"])
        try settle("node2 leads after the switchover, node1 streams", primary: node2, replica: node1, replicaQuery: "?lag=1MB")
        compare("after switchover", primary: node2)

        let deliberate = tally.deliberate.values.reduce(0, +)
        print("PatroniDifferentialTests: \(tally.compared) answers compared, \(deliberate + tally.unexplained.count) differ, "
              + "\(deliberate) deliberate (\(tally.deliberate.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value)" }.joined(separator: "; "))), "
              + "\(tally.unexplained.count) unexplained; set-up \(setUp), first state \(healthy - started - setUp), "
              + "total \(ContinuousClock.now - started)")
        #expect(tally.unexplained.isEmpty, "differences from Patroni not in README's table:\n\(tally.unexplained.joined(separator: "\n"))")
    }
}
