import PgsqlStateCore
import Testing

@Suite struct FactsTests {
    @Test func reportedParametersSettleAPrimaryWithoutAQuery() {
        #expect(ReportedParameters.facts(inHotStandby: "off", defaultTransactionReadOnly: "off")
            == ServerFacts(inRecovery: false, readOnly: false))
        #expect(ReportedParameters.facts(inHotStandby: "off", defaultTransactionReadOnly: "on")
            == ServerFacts(inRecovery: false, readOnly: true))
    }

    @Test func standbysAndOldServersNeedTheQuery() {
        #expect(ReportedParameters.facts(inHotStandby: "on", defaultTransactionReadOnly: "off") == nil)
        #expect(ReportedParameters.facts(inHotStandby: nil, defaultTransactionReadOnly: "off") == nil)
        #expect(ReportedParameters.facts(inHotStandby: "off", defaultTransactionReadOnly: nil) == nil)
        #expect(ReportedParameters.facts(inHotStandby: "maybe", defaultTransactionReadOnly: "off") == nil)
    }

    @Test func aPrimarysTimelineComesFromItsWalFileName() {
        #expect(FactsQuery.facts(row: ["f", "f", nil, nil, nil, nil, "00000003000000000000000A", nil, nil, nil])
            == ServerFacts(inRecovery: false, readOnly: false, timeline: 3))
        #expect(FactsQuery.facts(row: ["f", "f", nil, nil, nil, nil, "garbage", nil, nil, nil])?.timeline == nil)
    }

    @Test func withPeersTheQueryAlsoReadsTheClustersIdentifier() {
        #expect(FactsQuery.sql(.peers).hasSuffix("(SELECT system_identifier FROM pg_control_system()) FROM (VALUES (1)) AS v LEFT JOIN pg_stat_wal_receiver AS r ON true"))
        #expect(FactsQuery.columnCount(.peers) == 11)
        #expect(FactsQuery.facts(row: ["f", "f", nil, nil, nil, nil, "00000003000000000000000A", nil, nil, nil, "7345218465437208217"])
            == ServerFacts(inRecovery: false, readOnly: false, timeline: 3, systemIdentifier: "7345218465437208217"))
        #expect(FactsQuery.facts(row: ["t", "t", "f", nil, nil, nil, nil, nil, nil, nil, "7345218465437208217"])?.systemIdentifier
            == "7345218465437208217")
        #expect(FactsQuery.facts(row: ["f", "f", nil, nil, nil, nil, nil, nil, nil, nil, "x1"])?.systemIdentifier == nil)
        // The check alone never reads it.
        #expect(FactsQuery.facts(row: ["f", "f", nil, nil, nil, nil, nil, nil, nil, nil])?.systemIdentifier == nil)
    }

    @Test func queryRows() {
        #expect(FactsQuery.facts(row: ["f", "f", nil, nil, nil, nil, nil, nil, nil, nil]) == ServerFacts(inRecovery: false, readOnly: false))
        #expect(FactsQuery.facts(row: ["f", "t", nil, nil, nil, nil, nil, nil, nil, nil]) == ServerFacts(inRecovery: false, readOnly: true))
        #expect(FactsQuery.facts(row: ["t", "f", "f", "1234", "streaming", "4096", nil, nil, nil, nil])
            == ServerFacts(inRecovery: true, readOnly: false,
                           recovery: RecoveryFacts(replayPaused: false, receiver: .present(status: "streaming", lagBytes: 4096))))
        #expect(FactsQuery.facts(row: ["t", "f", "t", nil, nil, nil, nil, nil, nil, nil])?.recovery
            == RecoveryFacts(replayPaused: true, receiver: .absent))
        #expect(FactsQuery.facts(row: ["t", "f", "f", "1234", nil, nil, nil, nil, nil, nil])?.recovery?.receiver == .hidden)
        // Replay a little past the last reported WAL end is no lag.
        #expect(FactsQuery.facts(row: ["t", "f", "f", "1234", "streaming", "-200", nil, nil, nil, nil])?.recovery?.receiver
            == .present(status: "streaming", lagBytes: 0))
        #expect(FactsQuery.facts(row: ["t", "f", "f", "1234", "streaming", nil, nil, nil, nil, nil])?.recovery?.receiver
            == .present(status: "streaming", lagBytes: nil))
        // The received lag and the upstream (columns 8-10).
        #expect(FactsQuery.facts(row: ["t", "f", "f", "1234", "streaming", "4096", nil, "0", "/run/postgresql", "5432"])?.recovery?.receiver
            == .present(status: "streaming", lagBytes: 4096, receivedLagBytes: 0,
                        upstream: ServerAddress(host: "/run/postgresql", port: "5432")))
    }

    @Test func ageOfTheLastMessage() {
        #expect(FactsQuery.microseconds("0.25") == 250_000)
        #expect(FactsQuery.microseconds("12") == 12_000_000)
        #expect(FactsQuery.microseconds("1.1234567") == 1_123_456)
        #expect(FactsQuery.microseconds("-0.5") == 0)
        #expect(FactsQuery.microseconds("1e3") == nil)
        #expect(FactsQuery.microseconds(".5") == nil)
        #expect(FactsQuery.microseconds("1.2.3") == nil)
    }

    @Test func replicationRows() {
        // usename "replicator", application_name "a\"b" (a quote), client_addr NULL, "streaming", "async", 0.
        let two = "7265706c696361746f72,612262,-,73747265616d696e67,6173796e63,0;-,-,-,-,-,-"
        #expect(ReplicationConnection.parse(two) == [
            ReplicationConnection(usename: "replicator", applicationName: "a\"b", clientAddress: nil, state: "streaming",
                                  syncState: "async", syncPriority: 0),
            ReplicationConnection(),
        ])
        #expect(ReplicationConnection.parse("zz,-,-,-,-,-;61,-,-,-,-,x;61,-") == [])
        #expect(ReplicationConnection.parse(Array(repeating: "-,-,-,-,-,1", count: 100).joined(separator: ";")).count == 64)
    }

    @Test func reportRowsAddDetails() {
        let primary: [String?] = ["f", "f", nil, nil, nil, nil, "00000002000000000000000A", nil, nil, nil,
                                  "160004", "7268616322854375442", "67395656", nil, nil, nil, nil, "t", nil, nil, nil]
        #expect(FactsQuery.facts(row: primary)?.details
            == ServerDetails(serverVersion: 160004, systemIdentifier: "7268616322854375442", location: 67395656, pendingRestart: true))
        let standby: [String?] = ["t", "f", "t", nil, nil, nil, nil, nil, nil, nil,
                                  "150014", "1", nil, "100", "90", "2026-12-02T06:20:49.123456Z", "0.25", "f", "3",
                                  "2026-12-01T00:00:00.000001Z", nil]
        #expect(FactsQuery.facts(row: standby)?.details
            == ServerDetails(serverVersion: 150014, systemIdentifier: "1", receivedLocation: 100, replayedLocation: 90,
                             replayedTimestamp: "2026-12-02T06:20:49.123456Z", microsecondsSinceLastMessage: 250_000,
                             pendingRestart: false, standbyTimeline: 3, postmasterStartTime: "2026-12-01T00:00:00.000001Z"))
        // Nothing but what to_char can produce reaches a document.
        var odd = standby
        odd[15] = "2026-12-02 \"x\""
        odd[11] = "12a"
        #expect(FactsQuery.facts(row: odd)?.details?.replayedTimestamp == nil)
        #expect(FactsQuery.facts(row: odd)?.details?.systemIdentifier == nil)
        #expect(FactsQuery.facts(row: Array(standby.dropLast())) == nil)
    }

    @Test func unreadableRows() {
        #expect(FactsQuery.facts(row: ["f", "f", nil, nil, nil, nil, nil, nil, nil]) == nil)
        #expect(FactsQuery.facts(row: ["x", "f", nil, nil, nil, nil, nil, nil, nil, nil]) == nil)
        #expect(FactsQuery.facts(row: ["t", "f", nil, nil, nil, nil, nil, nil, nil, nil]) == nil)
    }

    @Test func connectionDefaults() {
        func keys(_ conninfo: String?, names: Bool, env: [String: String] = [:]) -> [String] {
            ConnectionDefaults.parameters(conninfo: conninfo, conninfoNamesDatabase: names) { env[$0] }
                .map { "\($0.keyword)=\($0.value)" }
        }
        #expect(keys(nil, names: false) == ["dbname=postgres", "fallback_application_name=pgsql-state"])
        #expect(keys("port=5433", names: false) == ["dbname=port=5433", "dbname=postgres", "fallback_application_name=pgsql-state"])
        #expect(keys("dbname=app", names: true) == ["dbname=dbname=app", "fallback_application_name=pgsql-state"])
        #expect(keys(nil, names: false, env: ["PGDATABASE": "app"]) == ["fallback_application_name=pgsql-state"])
        #expect(keys(nil, names: false, env: ["PGSERVICE": "main"]) == ["fallback_application_name=pgsql-state"])
        #expect(keys(nil, names: false, env: ["PGDATABASE": ""]) == ["dbname=postgres", "fallback_application_name=pgsql-state"])
        #expect(ConnectionDefaults.isConnectionString("postgresql://u@h/db"))
        #expect(ConnectionDefaults.isConnectionString("host=x"))
        #expect(!ConnectionDefaults.isConnectionString("mydb"))
    }
}
