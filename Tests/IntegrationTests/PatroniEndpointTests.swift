import Foundation
import Testing
import TestSupport

/// Patroni's endpoints, `/status` and `/metrics`, served as HAProxy reaches the checker (a systemd-style
/// socket, one process per connection), against real PostgreSQL in every node state. The checker connects
/// as `checker_monitor` (LOGIN and pg_monitor, the role README recommends) with the other node as `--peer`.
@Suite(.serialized) struct PatroniEndpointTests {
    /// One request as HAProxy's `option httpchk` sends it (HTTP/1.0, no headers). An answer that is not
    /// whole and well-formed comes back as status -1 with the problem as its body.
    static func ask(_ port: UInt16, _ method: String = "GET", _ path: String) -> HTTPAnswer {
        let bytes = RawClient.exchange(port: port, request: "\(method) \(path) HTTP/1.0\r\n\r\n", timeout: .seconds(5)).bytes
        switch HTTPAnswer.parse(bytes, bodyless: method == "HEAD" || method == "OPTIONS") {
        case .success(let answer): return answer
        case .failure(let problem): return HTTPAnswer(status: -1, headers: [:], body: "\(problem)")
        }
    }

    static let checkPaths = ["/", "/primary", "/master", "/read-write", "/leader", "/standby-leader", "/replica", "/read-only",
                             "/health", "/liveness", "/readiness", "/sync", "/async", "/read-only-sync"]

    /// Every path answers GET with the expected status and word; HEAD with the same status and length but
    /// no body; OPTIONS with the same status and no content. Reports answer 200 with a document.
    static func expect(_ port: UInt16, _ expected: [String: (Int, String)], _ state: String,
                       sourceLocation: SourceLocation = #_sourceLocation) {
        for path in checkPaths {
            guard let (status, word) = expected[path] else {
                Issue.record("\(state): no expectation for \(path)", sourceLocation: sourceLocation)
                continue
            }
            let get = ask(port, "GET", path)
            #expect(get.status == status && get.body == word + "\n", "\(state) GET \(path): \(get.status) \(get.body)",
                    sourceLocation: sourceLocation)
            let head = ask(port, "HEAD", path)
            #expect(head.status == status && head.body.isEmpty && head.headers["Content-Length"] == String(word.utf8.count + 1),
                    "\(state) HEAD \(path): \(head)", sourceLocation: sourceLocation)
            let options = ask(port, "OPTIONS", path)
            #expect(options.status == status && options.body.isEmpty && options.headers["Content-Length"] == "0",
                    "\(state) OPTIONS \(path): \(options)", sourceLocation: sourceLocation)
        }
        for path in ["/status", "/patroni", "/metrics"] {
            #expect(ask(port, "GET", path).status == 200, "\(state) GET \(path)", sourceLocation: sourceLocation)
            let options = ask(port, "OPTIONS", path)
            #expect(options.status == 200 && options.body.isEmpty, "\(state) OPTIONS \(path)", sourceLocation: sourceLocation)
        }
    }

    /// Every check path with the same answer: an unavailable node, except where liveness and health differ.
    static func all(_ status: Int, _ word: String) -> [String: (Int, String)] {
        Dictionary(uniqueKeysWithValues: checkPaths.map { ($0, (status, word)) })
    }

    static func status(_ port: UInt16) throws -> [String: Any] {
        let reply = ask(port, "GET", "/status")
        #expect(reply.headers["Content-Type"] == "application/json")
        let object = try JSONSerialization.jsonObject(with: Data(reply.body.utf8))
        return try #require(object as? [String: Any], "\(reply.body)")
    }

    static func metrics(_ port: UInt16) -> [String: Double] {
        let reply = ask(port, "GET", "/metrics")
        #expect(reply.headers["Content-Type"] == "text/plain; version=0.0.4; charset=utf-8")
        #expect(ExpositionFormat.conforms(reply.body), "\(reply.body)")
        return ExpositionFormat.samples(reply.body)
    }

    @Test(arguments: PostgresVersions.binDirs)
    func everyEndpointInEveryNodeState(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: true, monitorRole: true, binDir: binDir)
        defer { lab.stop() }
        try lab.waitForStreaming()
        var servers: [Node: SocketActivated] = [:]
        for (node, other) in [(Node.first, Node.second), (.second, .first)] {
            servers[node] = try SocketActivated.start(CheckerBinary.path, [
                "--conninfo", lab.conninfo(node, user: "checker_monitor"), "--peer", lab.conninfo(other, user: "checker"),
                "--tag", "dc=lab",
            ])
        }
        defer { servers.values.forEach { $0.stop() } }
        let primary = servers[.first]!.port, standby = servers[.second]!.port

        // Healthy primary and streaming standby.
        var onPrimary = Self.all(200, "primary")
        for path in ["/standby-leader", "/replica", "/sync", "/async"] { onPrimary[path] = (503, "primary") }
        Self.expect(primary, onPrimary, "primary")
        var onStandby = Self.all(503, "standby")
        onStandby["/"] = (206, "standby")
        for path in ["/replica", "/read-only", "/health", "/liveness", "/readiness"] { onStandby[path] = (200, "standby") }
        for path in ["/sync", "/async", "/read-only-sync"] { onStandby[path] = (501, "sync-state-unknown") }
        Self.expect(standby, onStandby, "streaming standby")
        #expect(Self.ask(standby, "GET", "/replica?tag_dc=lab").status == 200)
        #expect(Self.ask(standby, "GET", "/replica?tag_dc=elsewhere").body == "tag-mismatch\n")
        #expect(Self.ask(primary, "GET", "/primary?tag_dc=elsewhere").status == 200)

        let primaryStatus = try Self.status(primary)
        #expect(primaryStatus["state"] as? String == "running")
        let started = try lab.sql(.first, "SELECT to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')")
        #expect(primaryStatus["postmaster_start_time"] as? String == started)
        #expect(primaryStatus["role"] as? String == "primary")
        #expect(primaryStatus["timeline"] as? Int == 1)
        let version = try #require(Int(try lab.sql(.first, "SHOW server_version_num")))
        #expect(primaryStatus["server_version"] as? Int == version)
        let identifier = try lab.sql(.first, "SELECT system_identifier FROM pg_control_system()")
        #expect(primaryStatus["database_system_identifier"] as? String == identifier)
        let location = try #require((primaryStatus["xlog"] as? [String: Any])?["location"] as? Int)
        #expect(location > 0)
        #expect((primaryStatus["tags"] as? [String: String]) == ["dc": "lab"])
        // The standby as the primary's WAL sender shows it (pg_monitor sees every column).
        let senders = try #require(primaryStatus["replication"] as? [[String: Any]], "\(primaryStatus)")
        #expect(senders.count == 1)
        #expect(senders.first?["application_name"] as? String == "standby")
        #expect(senders.first?["state"] as? String == "streaming")
        #expect(senders.first?["sync_state"] as? String == "async")
        #expect(senders.first?["usename"] as? String == "postgres")
        #expect(primaryStatus["cluster_unlocked"] == nil && primaryStatus["patroni"] == nil && primaryStatus["dcs_last_seen"] == nil)
        #expect((primaryStatus["pgsql_state"] as? [String: Any])?["reason"] is NSNull)
        #expect(try Self.status(primary).keys.sorted() == (try JSONSerialization.jsonObject(with: Data(Self.ask(primary, "GET", "/patroni").body.utf8))
            as? [String: Any])?.keys.sorted())

        let standbyStatus = try Self.status(standby)
        #expect(standbyStatus["role"] as? String == "replica")
        #expect(standbyStatus["replication_state"] as? String == "streaming")
        #expect(standbyStatus["database_system_identifier"] as? String == identifier)
        #expect(standbyStatus["timeline"] as? Int == 1)
        let xlog = try #require(standbyStatus["xlog"] as? [String: Any])
        #expect(xlog["paused"] as? Bool == false)
        #expect((xlog["received_location"] as? Int ?? 0) > 0 && (xlog["replayed_location"] as? Int ?? 0) > 0)
        #expect(xlog.keys.contains("replayed_timestamp"))

        let primaryMetrics = Self.metrics(primary)
        #expect(primaryMetrics["pgsql_state_up"] == 1)
        #expect(primaryMetrics["pgsql_state_role{role=\"primary\"}"] == 1)
        #expect(primaryMetrics["pgsql_state_timeline"] == 1)
        #expect(primaryMetrics["pgsql_state_wal_senders"] == 1)
        #expect((primaryMetrics["pgsql_state_check_duration_seconds"] ?? -1) > 0)
        let standbyMetrics = Self.metrics(standby)
        #expect(standbyMetrics["pgsql_state_role{role=\"standby\"}"] == 1)
        #expect(standbyMetrics["pgsql_state_streaming"] == 1)
        #expect(standbyMetrics["pgsql_state_replay_paused"] == 0)
        #expect(standbyMetrics["pgsql_state_lag_bytes"] != nil)
        #expect(standbyMetrics["pgsql_state_last_message_age_seconds"] != nil)

        // Lagging standby: replay held back by recovery_min_apply_delay, while WAL keeps arriving.
        try lab.sql(.second, "ALTER SYSTEM SET recovery_min_apply_delay = '1h'")
        try lab.sql(.second, "SELECT pg_reload_conf()")
        try Wait.until(timeout: .seconds(10), "the delay is in effect") { try lab.sql(.second, "SHOW recovery_min_apply_delay") == "1h" }
        // The delay holds replay at the first commit record; the WAL after it is received but not replayed.
        try lab.sql(.first, "CREATE TABLE lag_marker (i int)")
        try lab.sql(.first, "CREATE TABLE lag_filler AS SELECT g, repeat('x', 100) AS pad FROM generate_series(1, 20000) AS g")
        try Wait.until(timeout: .seconds(20), "the standby received the WAL but did not replay it") {
            Self.ask(standby, "GET", "/readiness?lag=64kB&mode=write").status == 200
                && Self.ask(standby, "GET", "/readiness?lag=64kB").body == "lagging\n"
        }
        #expect(Self.ask(standby, "GET", "/replica?lag=64kB").body == "lagging\n")
        #expect(Self.ask(standby, "GET", "/replica").status == 200)
        #expect(Self.ask(standby, "HEAD", "/replica?lag=64kB").status == 503)
        #expect(((try Self.status(standby)["pgsql_state"] as? [String: Any])?["lag"] as? Int ?? 0) > 65536)
        #expect((Self.metrics(standby)["pgsql_state_lag_bytes"] ?? 0) > 65536)
        try lab.sql(.second, "ALTER SYSTEM RESET recovery_min_apply_delay")
        try lab.sql(.second, "SELECT pg_reload_conf()")
        try Wait.until(timeout: .seconds(20), "the standby catches up") { Self.ask(standby, "GET", "/readiness?lag=64kB").status == 200 }

        // Paused replay: not a standby to read from, still receiving.
        try lab.sql(.second, "SELECT pg_wal_replay_pause()")
        var paused = Self.all(503, "replay-paused")
        for path in ["/health", "/liveness"] { paused[path] = (200, "replay-paused") }
        // Readiness is lag alone, as Patroni's: nothing was written since the pause.
        paused["/readiness"] = (200, "standby")
        Self.expect(standby, paused, "paused standby")
        #expect(Self.ask(standby, "GET", "/readiness?mode=write").status == 200)
        #expect(((try Self.status(standby))["xlog"] as? [String: Any])?["paused"] as? Bool == true)
        #expect(Self.metrics(standby)["pgsql_state_replay_paused"] == 1)
        try lab.sql(.second, "SELECT pg_wal_replay_resume()")

        // Read-only primary.
        try lab.sql(.first, "ALTER SYSTEM SET default_transaction_read_only = on")
        try lab.sql(.first, "SELECT pg_reload_conf()")
        try Wait.until(timeout: .seconds(10), "the primary is fenced") { Self.ask(primary, "GET", "/primary").body == "read-only\n" }
        var fenced = Self.all(503, "read-only")
        for path in ["/health", "/liveness"] { fenced[path] = (200, "read-only") }
        Self.expect(primary, fenced, "read-only primary")
        let fencedStatus = try Self.status(primary)
        #expect(fencedStatus["role"] as? String == "primary")
        #expect((fencedStatus["pgsql_state"] as? [String: Any])?["reason"] as? String == "read-only")
        #expect(Self.metrics(primary)["pgsql_state_read_only"] == 1)
        try lab.sql(.first, "ALTER SYSTEM RESET default_transaction_read_only")
        try lab.sql(.first, "SELECT pg_reload_conf()")

        // Standby not streaming: no WAL receiver (primary_conninfo emptied; reloadable since PostgreSQL 13).
        let upstream = try lab.sql(.second, "SHOW primary_conninfo")
        try lab.sql(.second, "ALTER SYSTEM SET primary_conninfo = ''")
        try lab.sql(.second, "SELECT pg_reload_conf()")
        try Wait.until(timeout: .seconds(20), "the WAL receiver stops") {
            try lab.sql(.second, "SELECT count(*) FROM pg_stat_wal_receiver") == "0"
        }
        var notStreaming = onStandby
        for path in ["/readiness", "/standby-leader"] { notStreaming[path] = (503, "not-streaming") }
        notStreaming["/leader"] = (503, "not-streaming")
        Self.expect(standby, notStreaming, "standby not streaming")
        #expect(Self.ask(standby, "GET", "/replica?replication_state=streaming").body == "not-streaming\n")
        #expect((try Self.status(standby))["replication_state"] as? String == "in archive recovery")
        #expect(Self.metrics(standby)["pgsql_state_streaming"] == 0)
        try lab.sql(.second, "ALTER SYSTEM SET primary_conninfo = '\(upstream.replacingOccurrences(of: "'", with: "''"))'")
        try lab.sql(.second, "SELECT pg_reload_conf()")
        try Wait.until(timeout: .seconds(20), "streaming again") { Self.ask(standby, "GET", "/readiness").status == 200 }

        // Stopped: the documents still answer, with the state.
        try lab.stopNode(.second)
        Self.expect(standby, Self.all(503, "unreachable"), "stopped")
        let stopped = try Self.status(standby)
        #expect(stopped["state"] as? String == "stopped")
        #expect(stopped["role"] == nil && stopped["xlog"] == nil)
        #expect(Self.metrics(standby)["pgsql_state_up"] == 0)
    }

    /// A standby that can never become consistent refuses with 57P03 for as long as it runs: alive, not
    /// healthy (`StartingServer`).
    @Test(arguments: PostgresVersions.binDirs)
    func startingServer(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: false, binDir: binDir)
        defer { lab.stop() }
        let postgres = try StartingServer(from: lab)
        defer { postgres.stop() }
        let server = try SocketActivated.start(CheckerBinary.path,
                                               ["--conninfo", "host=\(lab.socketDir) port=\(postgres.port) user=postgres"])
        defer { server.stop() }
        try Wait.until(timeout: .seconds(20), "the server listens and refuses with 57P03") {
            Self.ask(server.port, "GET", "/health").body == "starting\n"
        }
        var starting = Self.all(503, "starting")
        starting["/liveness"] = (200, "starting")
        Self.expect(server.port, starting, "starting")
        #expect((try Self.status(server.port))["state"] as? String == "starting")
        #expect(Self.metrics(server.port)["pgsql_state_up"] == 0)
    }

    /// A standby cluster's leader streams from outside the cluster, and its peers are standbys: here the
    /// standby with only the third node (another standby) as peer. The upstream's address alone is not
    /// trusted: the same primary named by TCP address instead of its socket is still found out, because it
    /// answers as a primary.
    @Test(arguments: PostgresVersions.binDirs)
    func standbyLeader(_ binDir: String) throws {
        let lab = try PostgresLab.start(standby: true, monitorRole: true, binDir: binDir)
        defer { lab.stop() }
        try lab.addStandby()
        try lab.waitForStreaming()
        func serve(_ peers: [String]) throws -> SocketActivated {
            try SocketActivated.start(CheckerBinary.path, ["--conninfo", lab.conninfo(.second, user: "checker_monitor")]
                + peers.flatMap { ["--peer", $0] })
        }
        let leader = try serve([lab.peerConninfo(.third, user: "checker")])
        defer { leader.stop() }
        #expect(Self.ask(leader.port, "GET", "/standby-leader").status == 200)
        #expect(Self.ask(leader.port, "GET", "/leader").status == 200)
        #expect(Self.ask(leader.port, "OPTIONS", "/standby_leader").status == 200)
        #expect(Self.ask(leader.port, "GET", "/primary").body == "standby\n")

        for peers in [[lab.peerConninfo(.first, user: "checker")], [lab.conninfo(.first, user: "checker")],
                      [lab.peerConninfo(.third, user: "checker"), lab.peerConninfo(.first, user: "checker")]] {
            let follower = try serve(peers)
            defer { follower.stop() }
            let reply = Self.ask(follower.port, "GET", "/standby-leader")
            #expect(reply.status == 503 && reply.body == "standby\n", "\(peers): \(reply)")
            #expect(Self.ask(follower.port, "GET", "/leader").status == 503)
        }

        let alone = try serve(["host=127.0.0.1 port=\(FreePort.tcp()) user=checker"])
        defer { alone.stop() }
        #expect(Self.ask(alone.port, "GET", "/standby-leader").body == "no-quorum\n")
    }

    /// The same names in the text and agent formats (command mode here; agent-send lines go through the
    /// same parser).
    @Test func textAndAgentTakeTheSameChecks() throws {
        let lab = try PostgresLab.start(standby: true, monitorRole: true)
        defer { lab.stop() }
        try lab.waitForStreaming()
        func run(_ format: String, _ node: Node, _ check: String, _ extra: [String] = []) throws -> (String, Int32) {
            let result = try Checker.run(["--format", format, "--check", check, "--conninfo", lab.conninfo(node, user: "checker_monitor")] + extra)
            return (result.output, result.status)
        }
        #expect(try run("agent", .second, "readiness?lag=16MB&mode=write") == ("up ready\n", 0))
        #expect(try run("agent", .second, "liveness") == ("up ready\n", 0))
        #expect(try run("agent", .second, "sync") == ("down #sync-state-unknown\n", 2))
        #expect(try run("agent", .first, "sync") == ("maint\n", 1))
        #expect(try run("agent", .second, "replica?tag_dc=east", ["--tag", "dc=west"]) == ("down #tag-mismatch\n", 2))
        #expect(try run("agent", .second, "replica", ["--tag", "noloadbalance=true"]) == ("down #noloadbalance\n", 2))
        #expect(try run("text", .first, "read-only-sync") == ("production\n", 0))
        #expect(try run("text", .second, "standby-leader") == ("no-peers\n", 2))
        #expect(try run("text", .second, "readiness") == ("standby\n", 0))
        #expect(try run("text", .first, "leader") == ("production\n", 0))
    }

    /// LOGIN only: the documents still parse; what the role may not read is left out, never invented.
    @Test func leastPrivilegedRoleStillGetsADocument() throws {
        let lab = try PostgresLab.start(standby: true)
        defer { lab.stop() }
        try lab.waitForStreaming()
        let server = try SocketActivated.start(CheckerBinary.path, ["--conninfo", lab.conninfo(.second, user: "checker")])
        defer { server.stop() }
        let status = try Self.status(server.port)
        #expect(status["role"] as? String == "replica")
        #expect(status["replication_state"] == nil)
        #expect(status["timeline"] as? Int == 1)
        #expect(status["database_system_identifier"] is String)
        #expect(Self.metrics(server.port)["pgsql_state_lag_bytes"] == nil)
        #expect(Self.ask(server.port, "GET", "/readiness").body == "insufficient-privilege\n")
    }
}

/// The Prometheus text format, checked line by line (prometheus.io/docs/instrumenting/exposition_formats).
enum ExpositionFormat {
    static func conforms(_ text: String) -> Bool {
        guard text.hasSuffix("\n") else { return false }
        var typed: Set<String> = [], helped: Set<String> = [], sampled: Set<String> = []
        let name = try! Regex("^[a-zA-Z_:][a-zA-Z0-9_:]*$")
        let sample = try! Regex(#"^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\\n]|\\.)*",?)*\})? (\S+)$"#)
        for line in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("# ") {
                let parts = line.split(separator: " ", maxSplits: 3)
                guard parts.count >= 3, (try? name.wholeMatch(in: String(parts[2]))) != nil else { return false }
                let metric = String(parts[2])
                guard !sampled.contains(metric) else { return false }
                if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(String(parts[3])),
                          typed.insert(metric).inserted else { return false }
                } else if parts[1] == "HELP" {
                    guard helped.insert(metric).inserted else { return false }
                }
                continue
            }
            guard let match = try? sample.wholeMatch(in: String(line)),
                  let metric = match.output[1].substring, let value = match.output[5].substring,
                  Double(value) != nil || ["NaN", "+Inf", "-Inf"].contains(value), typed.contains(String(metric)) else { return false }
            sampled.insert(String(metric))
        }
        return true
    }

    /// `series → value`, the series with its labels as written.
    static func samples(_ text: String) -> [String: Double] {
        var out: [String: Double] = [:]
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else { continue }
            out[String(line[..<space])] = value
        }
        return out
    }
}
