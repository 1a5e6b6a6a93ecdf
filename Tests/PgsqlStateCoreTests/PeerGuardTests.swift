import PgsqlStateCore
import Testing

@Suite struct PeerGuardTests {
    private let passedPrimary = Verdict(check: .primary, state: .primary, outcome: .passed)
    static let cluster = "7345218465437208217"

    private func peer(_ name: String, recovery: Bool, readOnly: Bool = false, timeline: UInt32) -> PeerAnswer {
        PeerAnswer(name: name, outcome: .answered(PeerFacts(inRecovery: recovery, readOnly: readOnly || recovery, timeline: timeline,
                                                                systemIdentifier: Self.cluster)))
    }

    private func down(_ name: String, _ reason: Reason = .unreachable, trust: PeerSecurity.Trust? = nil) -> PeerAnswer {
        PeerAnswer(name: name, outcome: .unanswered(reason), trust: trust)
    }

    private func decide(_ peers: [PeerAnswer], local: UInt32? = 2, minPeers: Int = 0) -> PeerGuard.Decision {
        PeerGuard.decide(passedPrimary, localTimeline: local, peers: peers, minPeers: minPeers)
    }

    @Test func onlyAPassingPrimaryAsksThePeers() {
        #expect(PeerGuard.applies(to: passedPrimary, peerCount: 1))
        #expect(!PeerGuard.applies(to: passedPrimary, peerCount: 0))
        #expect(PeerGuard.applies(to: Verdict(check: .role, state: .primary, outcome: .passed), peerCount: 2))
        #expect(!PeerGuard.applies(to: Verdict(check: .role, state: .standby, outcome: .passed), peerCount: 2))
        #expect(!PeerGuard.applies(to: Verdict(check: .standby, state: .primary, outcome: .wrongRole), peerCount: 2))
        #expect(!PeerGuard.applies(to: Verdict(check: .primary, state: .unavailable(.readOnly), outcome: .unavailable), peerCount: 2))
    }

    @Test func peersOnTheSameOrOlderTimelinesConfirmThePrimary() {
        let decision = decide([peer("a:5432", recovery: true, timeline: 2), peer("b:5432", recovery: false, timeline: 1)])
        #expect(decision.verdict == passedPrimary)
        #expect(decision.logLine == nil)
    }

    @Test func aNewerTimelineSupersedesWhicheverRoleHoldsIt() {
        for newer in [peer("b:5432", recovery: false, timeline: 3), peer("b:5432", recovery: true, timeline: 3)] {
            let decision = decide([peer("a:5432", recovery: true, timeline: 2), newer])
            #expect(decision.verdict == Verdict(check: .primary, state: .unavailable(.superseded), outcome: .wrongRole))
            #expect(decision.verdict.exitStatus == .wrongRole)
            #expect(decision.isIncident)
            #expect(decision.logLine?.contains("b:5432 is on timeline 3, this primary on 2") == true)
        }
    }

    @Test func aSecondWritablePrimaryOnTheSameTimelineIsASplitBrain() {
        let decision = decide([peer("b:5432", recovery: false, timeline: 2)])
        #expect(decision.verdict == Verdict(check: .primary, state: .unavailable(.splitBrain), outcome: .unavailable))
        #expect(decision.verdict.exitStatus == .unavailable)
        // A fenced (read-only) twin takes no writes: no split brain.
        #expect(decide([peer("b:5432", recovery: false, readOnly: true, timeline: 2)]).verdict == passedPrimary)
        // Superseded wins: a newer timeline orders everything.
        #expect(decide([peer("b:5432", recovery: false, timeline: 2), peer("c:5432", recovery: false, timeline: 4)]).verdict.state
            == .unavailable(.superseded))
    }

    @Test func peersThatDoNotAnswerProveNothingButAreNamed() {
        let decision = decide([down("a:5432"), down("b:5432", .timeout), peer("c:5432", recovery: true, timeline: 2)])
        #expect(decision.verdict == passedPrimary)
        #expect(!decision.isIncident)
        #expect(decision.logLine == "primary confirmed by 1 of 3 peers; peers ignored: a:5432 unreachable, b:5432 timeout")
        #expect(decide([down("a:5432"), down("b:5432")]).verdict == passedPrimary)
    }

    /// With PGPASSFILE unreadable every peer asks for a password this node cannot send: ignoring them would
    /// pass a stale primary. This node's own fault fails the check, whatever the peer's trust.
    @Test func noPasswordToSendFailsThePrimary() {
        let decision = decide([down("a:5432", .noPassword, trust: .channelBindingAdded), down("b:5432")])
        #expect(decision.verdict == Verdict(check: .primary, state: .unavailable(.authFailed), outcome: .unavailable))
        #expect(decision.isIncident)
        #expect(decision.logLine == "unavailable: auth-failed (a:5432 refused this node's credentials or got none); peers ignored: a:5432 no-password, b:5432 unreachable")
        // Superseded still wins: a peer that answered with a newer timeline orders everything.
        #expect(decide([down("a:5432", .noPassword), peer("b:5432", recovery: true, timeline: 3)]).verdict.state == .unavailable(.superseded))
    }

    /// A refusal (SQLSTATE 28P01) is believed only from a server that proved who it is before it spoke:
    /// over channel binding it comes before SCRAM proves anything, so a fake on the address could send it.
    @Test func aRefusalCountsOnlyFromAProvenServer() {
        for trust in [PeerSecurity.Trust.verifiedTLS, .peerCredentials, .peerCredentialsAdded] {
            #expect(decide([down("a:5432", .authFailed, trust: trust)]).verdict.state == .unavailable(.authFailed), "\(trust)")
        }
        for trust in [PeerSecurity.Trust.channelBound, .channelBindingAdded, nil] {
            let decision = decide([down("a:5432", .authFailed, trust: trust)])
            #expect(decision.verdict == passedPrimary, "\(String(describing: trust))")
            #expect(decision.logLine == "primary confirmed by 0 of 1 peers; peers ignored: a:5432 auth-failed")
        }
    }

    @Test func minPeersCountsOnlyAnsweringPeers() {
        let peers = [down("a:5432"), peer("c:5432", recovery: true, timeline: 2)]
        #expect(decide(peers, minPeers: 1).verdict == passedPrimary)
        let short = decide(peers, minPeers: 2)
        #expect(short.verdict == Verdict(check: .primary, state: .unavailable(.noQuorum), outcome: .unavailable))
        #expect(short.logLine?.hasPrefix("unavailable: no-quorum (1 of 2 peers answered, --min-peers 2)") == true)
    }

    @Test func anUnknownOwnTimelineCannotBeCompared() {
        let decision = decide([peer("a:5432", recovery: true, timeline: 1)], local: nil)
        #expect(decision.verdict.state == .unavailable(.error))
        #expect(decision.verdict.outcome == .unavailable)
    }

    @Test func everyFormatSaysSuperseded() {
        let verdict = Verdict(check: .primary, state: .unavailable(.superseded), outcome: .wrongRole)
        #expect(AgentAnswer.line(verdict) == "down #superseded\n")
        #expect(TextAnswer.line(verdict) == "superseded\n")
        #expect(HTTPResponse(verdict: verdict, method: .get).status == 503)
        #expect(HTTPResponse(verdict: verdict, method: .get).word == "superseded")
        // The other role is still a quiet MAINT.
        #expect(AgentAnswer.line(Verdict(check: .primary, state: .standby, outcome: .wrongRole)) == "maint\n")
    }

    @Test func peerRowsAndTimelines() {
        let id = Self.cluster
        #expect(PeerQuery.facts(row: ["f", "f", "00000002000000000000000B", nil, id])
            == PeerFacts(inRecovery: false, readOnly: false, timeline: 2, systemIdentifier: id))
        #expect(PeerQuery.facts(row: ["t", "t", nil, "7", id]) == PeerFacts(inRecovery: true, readOnly: true, timeline: 7, systemIdentifier: id))
        #expect(PeerQuery.facts(row: ["t", "t", nil, nil, id]) == nil)
        #expect(PeerQuery.facts(row: ["t", "t", nil, "0", id]) == nil)
        #expect(PeerQuery.facts(row: ["f", "f", "0000000G000000000000000B", nil, id]) == nil)
        // A peer that does not say which cluster it belongs to is not believed (`error`, as an unreadable row).
        #expect(PeerQuery.facts(row: ["t", "t", nil, "7", nil]) == nil)
        #expect(PeerQuery.facts(row: ["t", "t", nil, "7", "12a"]) == nil)
        #expect(PeerQuery.facts(row: ["t", "t", nil, "7"]) == nil)
        #expect(Timeline.ofWalFileName("FFFFFFFF000000000000000B") == UInt32.max)
        #expect(Timeline.ofWalFileName("00000001") == nil)
        #expect(Timeline.ofInteger("12") == 12)
        #expect(Timeline.ofInteger("-1") == nil)
        #expect(Timeline.ofInteger("99999999999") == nil)
    }
}

@Suite struct ConfigFileTests {
    @Test func linesBecomeOptionsInOrder() throws {
        let text = """
            # peers of this node
            peer = host=192.0.2.12 port=5432 user=pgsql-state

              peer=hostaddr=192.0.2.13\tport=5432
            min-peers = 1\r
            """
        #expect(try Config.arguments(text, path: "c") == [
            "--peer=host=192.0.2.12 port=5432 user=pgsql-state", "--peer=hostaddr=192.0.2.13\tport=5432", "--min-peers=1",
        ])
    }

    @Test func mistakesNameTheLine() {
        #expect(throws: UsageError("c:2: expected 'name = value'")) { try Config.arguments("\npeer host=x\n", path: "c") }
        #expect(throws: UsageError("c:1: 'config' is not an option a config file can set")) {
            try Config.arguments("config = /etc/other", path: "c")
        }
        #expect(throws: UsageError("c:1: '--peer' is not an option a config file can set")) {
            try Config.arguments("--peer = host=x", path: "c")
        }
    }

    @Test func theCommandLineReadsItInPlace() throws {
        let files = ["/etc/p.conf": "peer = host=192.0.2.12\nmin-peers = 1\ntimeout = 2\n"]
        func read(_ path: String) throws(UsageError) -> String {
            guard let text = files[path] else { throw UsageError("no \(path)") }
            return text
        }
        guard case .run(let options) = try? OptionsParser.parse(
            ["--config", "/etc/p.conf", "--timeout", "0.5", "--peer", "host=192.0.2.13"], readFile: read, readPeer: SamplePeer.read) else {
            Issue.record("config not read"); return
        }
        #expect(options.peers.map { $0.conninfo } == ["host=192.0.2.12", "host=192.0.2.13"])
        #expect(options.minPeers == 1)
        // Later arguments override the file.
        #expect(options.timeoutNanoseconds == 500_000_000)
        #expect(throws: UsageError("no /nowhere")) { try OptionsParser.parse(["--config", "/nowhere"], readFile: read) }
        #expect(throws: UsageError("--config may be given once")) {
            try OptionsParser.parse(["--config", "/etc/p.conf", "--config", "/etc/p.conf"], readFile: read, readPeer: SamplePeer.read)
        }
        #expect(throws: UsageError("--min-peers 2 is more than the 1 peers given")) {
            try OptionsParser.parse(["--peer", "host=192.0.2.12", "--min-peers", "2"], readPeer: SamplePeer.read)
        }
        #expect(throws: UsageError("--min-peers must be a whole number from 0 to the number of peers, not '-1'")) {
            try OptionsParser.parse(["--min-peers", "-1"])
        }
    }
}

// MARK: Cluster membership

extension PeerGuardTests {
    private func decideAsThePlanDoes(_ peers: [PeerAnswer], minPeers: Int = 0, local: String? = Self.cluster) -> PeerGuard.Decision {
        decide(ClusterMembership.only(peers, systemIdentifier: local), minPeers: minPeers)
    }

    private func stranger(_ name: String, recovery: Bool, timeline: UInt32) -> PeerAnswer {
        PeerAnswer(name: name, outcome: .answered(PeerFacts(inRecovery: recovery, readOnly: recovery, timeline: timeline,
                                                            systemIdentifier: "7345218465437208999")))
    }

    @Test func aPeerOfAnotherClusterOnANewerTimelineChangesNothing() {
        let decision = decideAsThePlanDoes([stranger("a:5432", recovery: false, timeline: UInt32.max)])
        #expect(decision.verdict == passedPrimary)
        #expect(decision.logLine == "primary confirmed by 0 of 1 peers; peers ignored: a:5432 other-cluster")
        #expect(decision.isIncident)
    }

    @Test func aPeerOfAnotherClusterIsNoSplitBrainAndNoQuorum() {
        #expect(decideAsThePlanDoes([stranger("a:5432", recovery: false, timeline: 2)]).verdict == passedPrimary)
        let lonely = decideAsThePlanDoes([stranger("a:5432", recovery: true, timeline: 2)], minPeers: 1)
        #expect(lonely.verdict.state == .unavailable(.noQuorum))
        #expect(lonely.logLine == "unavailable: no-quorum (0 of 1 peers answered, --min-peers 1); peers ignored: a:5432 other-cluster")
        // The same peer of this cluster counts.
        #expect(decideAsThePlanDoes([peer("a:5432", recovery: true, timeline: 2)], minPeers: 1).verdict == passedPrimary)
    }

    @Test func withoutItsOwnIdentifierAPrimaryBelievesNoPeer() {
        let decision = decideAsThePlanDoes([peer("a:5432", recovery: false, timeline: 9)], minPeers: 1, local: nil)
        #expect(decision.verdict.state == .unavailable(.noQuorum))
        #expect(ClusterMembership.only([down("b:5432")], systemIdentifier: nil) == [down("b:5432")])
    }
}
