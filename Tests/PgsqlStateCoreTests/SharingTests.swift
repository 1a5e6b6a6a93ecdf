import PgsqlStateCore
import Testing

/// `--share-facts` by value: the keys, the entry's bytes, the window rule, the records' fields and what the
/// plan asks for.
@Suite struct SharingTests {
    private let window = Sharing(key: "probe-0123456789abcdef", nanoseconds: 200_000_000)

    @Test func keysNameWhatWasAskedAndNoSecret() throws {
        let first = try #require(Sharing.probe(conninfo: "password=secret", useReportedParameters: true, query: .check, nanoseconds: 1))
        #expect(!first.key.contains("secret"))
        #expect(first.key.hasPrefix("probe-") && first.key.utf8.count == 6 + 16)
        #expect(Sharing.probe(conninfo: "password=secret", useReportedParameters: true, query: .check, nanoseconds: 1) == first)
        #expect(Sharing.probe(conninfo: "password=other", useReportedParameters: true, query: .check, nanoseconds: 1)?.key != first.key)
        #expect(Sharing.probe(conninfo: "password=secret", useReportedParameters: false, query: .check, nanoseconds: 1)?.key != first.key)
        #expect(Sharing.probe(conninfo: "password=secret", useReportedParameters: false, query: .report, nanoseconds: 1)?.key
            != Sharing.probe(conninfo: "password=secret", useReportedParameters: false, query: .peers, nanoseconds: 1)?.key)
        #expect(Sharing.probe(conninfo: nil, useReportedParameters: true, query: .check, nanoseconds: 0) == nil)
        // Another libpq environment (a unit's drop-in setting PGHOST) is another question.
        let here = Sharing.environment { ["PGHOST": "/run/postgresql", "LANG": "C"][$0] }
        #expect(here == ["PGHOST=/run/postgresql"])
        #expect(Sharing.probe(conninfo: "password=secret", useReportedParameters: true, query: .check, environment: here, nanoseconds: 1)?.key
            != first.key)
        #expect(Sharing.peers(SamplePeer.peers(["host=10.0.0.2"]), environment: here, nanoseconds: 1)
            != Sharing.peers(SamplePeer.peers(["host=10.0.0.2"]), nanoseconds: 1))
        // Lengths are hashed too: moving a byte from one part to the next is another question.
        #expect(Sharing.hash(["ab", "c"]) != Sharing.hash(["a", "bc"]))
        #expect(Sharing.hash([]) == "cbf29ce484222325")
        let peers = SamplePeer.peers(["host=10.0.0.2", "host=10.0.0.3"])
        #expect(Sharing.peers(peers, nanoseconds: 1)?.key.hasPrefix("peers-") == true)
        #expect(Sharing.peers(peers, nanoseconds: 1) != Sharing.peers(peers.reversed(), nanoseconds: 1))
        #expect(Sharing.peers(peers, nanoseconds: 0) == nil)
    }

    @Test func anEntryReadsBackAsWrittenAndNothingElseReads() throws {
        let entry = SharedEntry(key: window.key, takenAt: 42, fields: ["a", nil, "", "x\ny:1:-", "é"])
        #expect(SharedEntry(bytes: entry.bytes) == entry)
        var bytes = entry.bytes
        #expect(SharedEntry(bytes: Array(bytes.dropLast())) == nil)
        bytes.append(0)
        #expect(SharedEntry(bytes: bytes) == nil)
        #expect(SharedEntry(bytes: []) == nil)
        #expect(SharedEntry(bytes: Array("pgsql-state-shared 2 k 1 0\n".utf8)) == nil)
        #expect(SharedEntry(bytes: Array("pgsql-state-shared 1 k 1 1\n99999999999999999999:".utf8)) == nil)
        #expect(SharedEntry(bytes: Array("pgsql-state-shared 1 k 1 0\n".utf8)) == SharedEntry(key: "k", takenAt: 1, fields: []))
        #expect(SharedEntry(bytes: [UInt8](repeating: 45, count: SharedEntry.maximumBytes + 1)) == nil)
    }

    /// Every answer comes from a probe started at most the window before its check started.
    @Test func anEntryAnswersOnlyChecksStartedWithinTheWindowOfItsProbe() {
        let entry = SharedEntry(key: window.key, takenAt: 1_000_000_000, fields: [])
        #expect(entry.age(for: window, runStart: 1_000_000_000, now: 1_050_000_000) == 50_000_000)
        #expect(entry.age(for: window, runStart: 1_200_000_000, now: 1_300_000_000) == 300_000_000)
        #expect(entry.age(for: window, runStart: 1_200_000_001, now: 1_200_000_001) == nil)
        // A check started before the probe that it waited for.
        #expect(entry.age(for: window, runStart: 900_000_000, now: 1_010_000_000) == 10_000_000)
        #expect(entry.age(for: window, runStart: 1_000_000_000, now: 999_999_999) == nil)
        #expect(entry.age(for: Sharing(key: "probe-other", nanoseconds: window.nanoseconds), runStart: 1_000_000_000, now: 1_000_000_000) == nil)
    }

    @Test(arguments: [
        ProbeRecord.failed(.unreachable, diagnostic: "connection refused"),
        .failed(.shuttingDown, diagnostic: ""),
        .reported(readOnly: false),
        .reported(readOnly: true),
        .queried(.rows(count: 1, first: ["t", nil, "0/3000000"]), .check),
        .queried(.rows(count: 0, first: []), .peers),
        .queried(.error(sqlState: "55000", message: "recovery is not in progress"), .report),
        .queried(.error(sqlState: nil, message: ""), .check),
        .queried(.none, .check),
    ])
    func aProbeRecordReadsBackAsWritten(_ record: ProbeRecord) throws {
        let entry = SharedEntry(key: "k", takenAt: 1, fields: record.fields)
        #expect(ProbeRecord(fields: try #require(SharedEntry(bytes: entry.bytes)).fields) == record)
    }

    @Test func recordsThatDoNotReadAreNoRecord() {
        #expect(ProbeRecord(fields: []) == nil)
        #expect(ProbeRecord(fields: [nil]) == nil)
        #expect(ProbeRecord(fields: ["failed", "no-such-reason", ""]) == nil)
        #expect(ProbeRecord(fields: ["reported", "yes"]) == nil)
        #expect(ProbeRecord(fields: ["queried", "check", "rows", "-1"]) == nil)
        #expect(ProbeRecord(fields: ["queried", "other", "none"]) == nil)
        #expect(ProbeRecord(fields: ["queried", "check", "error", nil]) == nil)
    }

    @Test func theReadingOfARecordIsTheProbes() {
        #expect(ProbeRecord.reported(readOnly: true).reading.facts == .answered(ServerFacts(inRecovery: false, readOnly: true)))
        #expect(ProbeRecord.failed(.timeout, diagnostic: "d").reading.facts == .unanswered(.timeout))
        #expect(ProbeRecord.queried(.error(sqlState: "55000", message: "m"), .check).reading.sqlState == "55000")
        #expect(ProbeRecord.sharedProbeTimedOut.reading.facts == .unanswered(.timeout))
    }

    @Test func peerReportsReadBackAsWritten() throws {
        let reports = [
            PeerAnswer(name: "10.0.0.2:5432", outcome: .answered(PeerFacts(inRecovery: true, readOnly: true, timeline: 3,
                                                                           systemIdentifier: "7300000000000000001")),
                       trust: .verifiedTLS),
            PeerAnswer(name: "[::1]:5433", outcome: .unanswered(.superseded), trust: nil),
            PeerAnswer(name: "/run/postgresql", outcome: .unanswered(.timeout), trust: .peerCredentialsAdded),
        ]
        let entry = SharedEntry(key: "k", takenAt: 1, fields: PeerAnswer.fields(reports))
        #expect(PeerAnswer.answers(fields: try #require(SharedEntry(bytes: entry.bytes)).fields) == reports)
        #expect(PeerAnswer.answers(fields: []) == [])
        #expect(PeerAnswer.answers(fields: ["a", nil]) == nil)
        #expect(PeerAnswer.answers(fields: ["a", "no-such-trust", "unanswered", "timeout"]) == nil)
        #expect(PeerAnswer.answers(fields: ["a", nil, "answered", "t", "t", "x", "1"]) == nil)
        #expect(PeerAnswer.unanswered(SamplePeer.peers(["host=10.0.0.2 port=5"]), .timeout)
            == [PeerAnswer(name: "10.0.0.2:5", outcome: .unanswered(.timeout), trust: .channelBindingAdded)])
    }

    @Test func aParsedLineReadsBackAsWritten() throws {
        let parsed = ParsedConninfo(libpqVersion: 150_020, line: [PeerSecurity.Parameter("host", "10.0.0.2"),
                                                                  PeerSecurity.Parameter("password", "a b'c")])
        let entry = SharedEntry(key: ParsedConninfo.key("host=10.0.0.2"), takenAt: 1, fields: parsed.fields)
        #expect(ParsedConninfo(fields: try #require(SharedEntry(bytes: entry.bytes)).fields) == parsed)
        #expect(ParsedConninfo(fields: ["0"]) == nil)
        #expect(ParsedConninfo(fields: ["150020", "host"]) == nil)
        #expect(ParsedConninfo(fields: ["150020", "host", nil]) == nil)
        #expect(ParsedConninfo(fields: ["150020"]) == ParsedConninfo(libpqVersion: 150_020, line: []))
        #expect(ParsedConninfo.key("a") != ParsedConninfo.key("b") && ParsedConninfo.key("a").hasPrefix("conninfo-"))
    }

    @Test func thePlanSharesProbesAndSurveysButNeverTheRepeatedProbe() throws {
        var options = Options()
        options.shareNanoseconds = 250_000_000
        options.check = Check(kind: .primary)
        options.peers = SamplePeer.peers(["host=10.0.0.2"])
        var plan = AnswerPlan(options: options, client: .command)
        let probe = try #require(Sharing.probe(conninfo: nil, useReportedParameters: false, query: .peers, nanoseconds: 250_000_000))
        #expect(plan.start() == .probe(useReportedParameters: false, query: .peers, sharing: probe))
        #expect(plan.next(.probed(.unanswered(.error), diagnostic: nil, sqlState: FactsQuery.promotionRaceState))
            == .probe(useReportedParameters: false, query: .peers, sharing: nil))
        let primary = ServerFacts(inRecovery: false, readOnly: false, timeline: 1, systemIdentifier: "1")
        #expect(plan.next(.probed(.answered(primary), diagnostic: nil))
            == .askPeers(options.peers, nanoseconds: 500_000_000, sharing: Sharing.peers(options.peers, nanoseconds: 250_000_000)))
    }

    /// A probe that could not be shared still answers, and says why once an hour (no runtime directory means
    /// no budget either: then nothing, rather than a line per check).
    @Test func aProbeThatCouldNotBeSharedIsLogged() throws {
        var options = Options()
        options.shareNanoseconds = 250_000_000
        var plan = AnswerPlan(options: options, client: .command)
        _ = plan.start()
        guard case .finish(let answer) = plan.next(.probed(.answered(ServerFacts(inRecovery: false, readOnly: false)), diagnostic: nil,
                                                           unshared: "/run/pgsql-state/probe-x.103: Permission denied")) else {
            Issue.record("no answer")
            return
        }
        #expect(answer.exitStatus == .passed)
        #expect(answer.logLines == [LogLine(.warning, "--share-facts: this check probed alone: /run/pgsql-state/probe-x.103: Permission denied",
                                            budget: .unshared)])
        #expect(LogBudget.Kind.unshared.limit == 1 && LogBudget.Kind.unshared.windowSeconds == 3600)
        #expect(!LogBudget.Kind.unshared.logsWhenUncounted)
    }

    @Test func statusAndMetricsSayTheFactsAge() {
        let primary = NodeFacts.answered(ServerFacts(inRecovery: false, readOnly: false))
        let shared = NodeReport(facts: primary, check: Check(kind: .role), maintenance: false, factsAgeNanoseconds: 120_000_000)
        #expect(StatusDocument.render(shared).contains("\"facts_age_seconds\": 0.120000}"))
        #expect(MetricsText.render(shared).contains("\npgsql_state_facts_age_seconds 0.120000\n"))
        let probed = NodeReport(facts: primary, check: Check(kind: .role), maintenance: false)
        #expect(!StatusDocument.render(probed).contains("facts_age"))
        #expect(!MetricsText.render(probed).contains("facts_age"))
    }

    @Test func theWindowIsAnOptionFromZeroToOneSecond() throws {
        func share(_ text: String) throws(UsageError) -> UInt64 {
            guard case .run(let options) = try OptionsParser.parse(["--share-facts", text]) else { return .max }
            return options.shareNanoseconds
        }
        #expect(try share("0.2") == 200_000_000)
        #expect(try share("0") == 0)
        #expect(try share("1") == 1_000_000_000)
        #expect(throws: UsageError("--share-facts must be a number of seconds from 0 (off) to 1, not '1.5'")) { try share("1.5") }
        #expect(throws: UsageError.self) { try share("-1") }
        guard case .run(let defaults) = try OptionsParser.parse([]) else { return }
        #expect(defaults.shareNanoseconds == 0)
    }
}
