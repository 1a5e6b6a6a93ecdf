import PgsqlStateCore
import Testing

private typealias Tag = PgsqlStateCore.Tag

/// `/status` (JSON) and `/metrics` (Prometheus text), by value.
@Suite struct ReportRenderingTests {
    static let primaryDetails = ServerDetails(serverVersion: 160004, systemIdentifier: "7268616322854375442", location: 67395656,
                                              pendingRestart: false)
    static let primary = NodeFacts.answered(ServerFacts(inRecovery: false, readOnly: false, timeline: 2, details: primaryDetails))
    static let standby = NodeFacts.answered(ServerFacts(
        inRecovery: true, readOnly: true,
        recovery: RecoveryFacts(replayPaused: true, receiver: .present(status: "streaming", lagBytes: 4096, receivedLagBytes: 0)),
        details: ServerDetails(serverVersion: 160004, systemIdentifier: "7268616322854375442", receivedLocation: 100,
                               replayedLocation: 90, replayedTimestamp: nil, microsecondsSinceLastMessage: 250_000,
                               pendingRestart: true, standbyTimeline: 2)))

    @Test func jsonStringsAreEscapedPerRFC8259() {
        #expect(JSONText.string("a\"b\\c") == "\"a\\\"b\\\\c\"")
        #expect(JSONText.string("\n\r\t\u{08}\u{0C}") == "\"\\n\\r\\t\\b\\f\"")
        #expect(JSONText.string("\u{00}\u{1F}") == "\"\\u0000\\u001f\"")
        #expect(JSONText.string("é/€\u{7F}") == "\"é/€\u{7F}\"")
        #expect(JSONText.seconds(nanoseconds: 1_234_567) == "0.001234")
        #expect(JSONText.seconds(nanoseconds: 12_000_000_000) == "12.000000")
    }

    @Test func primaryStatus() {
        let report = NodeReport(facts: Self.primary, check: .role, maintenance: false, probeNanoseconds: 1_500_000)
        #expect(StatusDocument.render(report) == """
            {"state": "running", "role": "primary", "server_version": 160004, "xlog": {"location": 67395656}, \
            "timeline": 2, "database_system_identifier": "7268616322854375442", "pgsql_state": {"version": "\(Version.string)", \
            "check": "role", "node": "primary", "reason": null, "read_only": false, "maintenance": false, \
            "check_duration_seconds": 0.001500}}

            """)
    }

    /// The peers' verdict, when they overturned the check's, is what both documents say.
    @Test func aSupersededPrimarysDocuments() {
        var report = NodeReport(facts: Self.primary, check: .role, maintenance: false)
        report.verdict = Verdict(check: .role, state: .unavailable(.superseded), outcome: .wrongRole)
        #expect(StatusDocument.render(report).contains("\"check\": \"role\", \"node\": \"superseded\", \"reason\": \"superseded\""))
        let metrics = MetricsText.render(report)
        #expect(metrics.contains("\npgsql_state_available 0\n"))
        #expect(metrics.contains("\npgsql_state_role{role=\"primary\"} 1\n"))
    }

    @Test func standbyStatus() {
        let tags = [Tag(key: "nofailover", value: "true"), Tag(key: "dc", value: "a"), Tag(key: "nofailover", value: "false")]
        let report = NodeReport(facts: Self.standby, check: .role, maintenance: true, context: CheckPolicy.Context(tags: tags))
        #expect(StatusDocument.render(report) == """
            {"state": "running", "role": "replica", "server_version": 160004, "xlog": {"received_location": 100, \
            "replayed_location": 90, "replayed_timestamp": null, "paused": true}, "timeline": 2, "replication_state": "streaming", \
            "pending_restart": true, "tags": {"nofailover": "false", "dc": "a"}, "database_system_identifier": "7268616322854375442", \
            "pgsql_state": {"version": "\(Version.string)", "check": "role", "node": "maintenance", "reason": "maintenance", \
            "lag": 4096, "received_lag": 0, "seconds_since_last_message": 0.250000, "read_only": true, "maintenance": true}}

            """)
    }

    @Test(arguments: [(Reason.starting, "starting"), (.shuttingDown, "stopping"), (.unreachable, "stopped"), (.timeout, "unknown"),
                      (.authFailed, "unknown")])
    func unansweredStatus(_ reason: Reason, _ state: String) {
        let report = NodeReport(facts: .unanswered(reason), check: .role, maintenance: false)
        #expect(StatusDocument.render(report) == """
            {"state": "\(state)", "pgsql_state": {"version": "\(Version.string)", "check": "role", "node": "\(reason.word)", \
            "reason": "\(reason.word)", "maintenance": false}}

            """)
    }

    @Test func replicationListAsPatroniWritesIt() {
        var details = Self.primaryDetails
        details.replication = [ReplicationConnection(usename: "rep\u{1}", applicationName: "pg2", clientAddress: "127.0.0.1",
                                                     state: "streaming", syncState: "async", syncPriority: 0),
                               ReplicationConnection(applicationName: "hidden")]
        let facts = NodeFacts.answered(ServerFacts(inRecovery: false, readOnly: false, timeline: 2, details: details))
        let report = NodeReport(facts: facts, check: .role, maintenance: false)
        #expect(StatusDocument.render(report).contains("""
            "replication": [{"usename": "rep\\u0001", "application_name": "pg2", "client_addr": "127.0.0.1", "state": "streaming", \
            "sync_state": "async", "sync_priority": 0}, {"usename": null, "application_name": "hidden", "client_addr": null, \
            "state": null, "sync_state": null, "sync_priority": null}]
            """))
        #expect(MetricsText.render(report).contains("pgsql_state_wal_senders 2\n"))
    }

    @Test func archiveRecoveryAndHiddenReceiver() {
        let archive = NodeFacts.answered(ServerFacts(inRecovery: true, readOnly: true, recovery: RecoveryFacts(replayPaused: false, receiver: .absent)))
        #expect(NodeReport(facts: archive, check: .role, maintenance: false).replicationState == "in archive recovery")
        let hidden = NodeFacts.answered(ServerFacts(inRecovery: true, readOnly: true, recovery: RecoveryFacts(replayPaused: false, receiver: .hidden)))
        #expect(NodeReport(facts: hidden, check: .role, maintenance: false).replicationState == nil)
    }

    @Test func primaryMetrics() {
        let report = NodeReport(facts: Self.primary, check: Check(kind: .primary), maintenance: false, probeNanoseconds: 2_000_000)
        let text = MetricsText.render(report)
        #expect(text == """
            # HELP pgsql_state_info Checker version; always 1.
            # TYPE pgsql_state_info gauge
            pgsql_state_info{version="\(Version.string)"} 1
            # HELP pgsql_state_up 1 if PostgreSQL answered the query, 0 otherwise.
            # TYPE pgsql_state_up gauge
            pgsql_state_up 1
            # HELP pgsql_state_role PostgreSQL role: 1 for the current one (primary: not in recovery).
            # TYPE pgsql_state_role gauge
            pgsql_state_role{role="primary"} 1
            pgsql_state_role{role="standby"} 0
            # HELP pgsql_state_read_only 1 if default_transaction_read_only is on.
            # TYPE pgsql_state_read_only gauge
            pgsql_state_read_only 0
            # HELP pgsql_state_available 1 if the configured check passes, 0 otherwise.
            # TYPE pgsql_state_available gauge
            pgsql_state_available 1
            # HELP pgsql_state_maintenance 1 if the maintenance file exists or cannot be checked.
            # TYPE pgsql_state_maintenance gauge
            pgsql_state_maintenance 0
            # HELP pgsql_state_timeline Timeline of the node.
            # TYPE pgsql_state_timeline gauge
            pgsql_state_timeline 2
            # HELP pgsql_state_server_version server_version_num of PostgreSQL.
            # TYPE pgsql_state_server_version gauge
            pgsql_state_server_version 160004
            # HELP pgsql_state_pending_restart 1 if a changed setting waits for a restart.
            # TYPE pgsql_state_pending_restart gauge
            pgsql_state_pending_restart 0
            # HELP pgsql_state_wal_senders Rows of pg_stat_replication: standbys and backups streaming from this node.
            # TYPE pgsql_state_wal_senders gauge
            pgsql_state_wal_senders 0
            # HELP pgsql_state_check_duration_seconds Seconds spent connecting to and querying PostgreSQL for this answer.
            # TYPE pgsql_state_check_duration_seconds gauge
            pgsql_state_check_duration_seconds 0.002000

            """)
        #expect(Self.conformsToExpositionFormat(text))
    }

    @Test func standbyAndDownMetricsConform() {
        let standby = MetricsText.render(NodeReport(facts: Self.standby, check: .role, maintenance: false))
        #expect(standby.contains("pgsql_state_replay_paused 1\n"))
        #expect(standby.contains("pgsql_state_lag_bytes 4096\n"))
        #expect(standby.contains("pgsql_state_last_message_age_seconds 0.250000\n"))
        #expect(standby.contains("pgsql_state_role{role=\"standby\"} 1\n"))
        #expect(Self.conformsToExpositionFormat(standby))
        let down = MetricsText.render(NodeReport(facts: .unanswered(.unreachable), check: .role, maintenance: false))
        #expect(down.contains("pgsql_state_up 0\n"))
        #expect(!down.contains("pgsql_state_role"))
        #expect(!down.contains("pgsql_state_timeline"))
        #expect(Self.conformsToExpositionFormat(down))
    }

    /// The text format's grammar (prometheus.io/docs/instrumenting/exposition_formats, "Text format
    /// details"): HELP and TYPE at most once per metric and before its samples, names matching
    /// [a-zA-Z_:][a-zA-Z0-9_:]*, samples `name{label="value",...} value`, values Go-parsable floats,
    /// lines ending with \n, no blank line. Also used by the integration tests on real answers.
    static func conformsToExpositionFormat(_ text: String) -> Bool {
        guard text.hasSuffix("\n") else { return false }
        var typed: Set<String> = []
        var helped: Set<String> = []
        var sampled: Set<String> = []
        func isName(_ name: Substring) -> Bool {
            guard let first = name.first, first.isLetter || first == "_" || first == ":" else { return false }
            return name.allSatisfy { ($0.isASCII && ($0.isLetter || $0.isNumber)) || $0 == "_" || $0 == ":" }
        }
        for line in text.dropLast().split(separator: "\n", omittingEmptySubsequences: false) {
            if line.isEmpty { return false }
            if line.hasPrefix("# ") {
                let parts = line.split(separator: " ", maxSplits: 3)
                guard parts.count >= 3, isName(parts[2]) else { return false }
                let name = String(parts[2])
                if sampled.contains(name) { return false }
                if parts[1] == "TYPE" {
                    guard parts.count == 4, ["counter", "gauge", "histogram", "summary", "untyped"].contains(String(parts[3])),
                          typed.insert(name).inserted else { return false }
                } else if parts[1] == "HELP" {
                    guard helped.insert(name).inserted else { return false }
                }
                continue
            }
            guard let space = line.lastIndex(of: " ") else { return false }
            var series = line[..<space]
            let value = line[line.index(after: space)...]
            guard Double(value) != nil || ["NaN", "+Inf", "-Inf"].contains(value) else { return false }
            if let brace = series.firstIndex(of: "{") {
                guard series.last == "}" else { return false }
                let labels = series[series.index(after: brace)..<series.index(before: series.endIndex)]
                for pair in labels.split(separator: ",") {
                    guard let equals = pair.firstIndex(of: "="), isName(pair[..<equals]) else { return false }
                    let quoted = pair[pair.index(after: equals)...]
                    guard quoted.count >= 2, quoted.first == "\"", quoted.last == "\"" else { return false }
                }
                series = series[..<brace]
            }
            guard isName(series), typed.contains(String(series)) else { return false }
            sampled.insert(String(series))
        }
        return true
    }
}
