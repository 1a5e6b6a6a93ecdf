import PgsqlStateCore
import Testing

private typealias Tag = PgsqlStateCore.Tag

/// Patroni's check paths (docs/rest_api.rst) as a stateless checker answers them.
@Suite struct PatroniCheckTests {
    private let upstream = ServerAddress(host: "192.0.2.11", port: "5432")

    private func streaming(lag: UInt64 = 0, received: UInt64 = 0, from upstream: ServerAddress? = nil, paused: Bool = false) -> NodeFacts {
        SampleFacts.standby(paused: paused, receiver: .present(status: "streaming", lagBytes: lag, receivedLagBytes: received, upstream: upstream))
    }

    private func verdict(_ facts: NodeFacts, _ spec: String, tags: [Tag] = [], peers: [ServerAddress] = []) throws -> Verdict {
        let check = try CheckParser.parse(Substring(spec))
        return CheckPolicy.evaluate(facts, check: check, maintenance: false, context: CheckPolicy.Context(tags: tags, peers: peers))
    }

    @Test func livenessOnlyFailsWithoutAnAnswer() throws {
        #expect(try verdict(SampleFacts.primary, "liveness").outcome == .passed)
        #expect(try verdict(SampleFacts.standby(paused: true), "liveness").outcome == .passed)
        for reason in [Reason.starting, .shuttingDown, .tooManyConnections, .authFailed, .error] {
            #expect(try verdict(.unanswered(reason), "liveness") == Verdict(check: .liveness, state: .unavailable(reason), outcome: .passed))
        }
        #expect(try verdict(.unanswered(.unreachable), "liveness").outcome == .unavailable)
        #expect(try verdict(.unanswered(.timeout), "liveness").outcome == .unavailable)
    }

    @Test func readinessWantsAStreamingStandbyWithinLag() throws {
        #expect(try verdict(SampleFacts.primary, "readiness").outcome == .passed)
        #expect(try verdict(streaming(), "readiness").outcome == .passed)
        #expect(try verdict(SampleFacts.standby(receiver: .absent), "readiness").state == .unavailable(.notStreaming))
        #expect(try verdict(SampleFacts.standby(receiver: .present(status: "waiting", lagBytes: nil)), "readiness").state == .unavailable(.notStreaming))
        #expect(try verdict(streaming(lag: 2048, received: 0), "readiness?lag=1kB").state == .unavailable(.lagging))
        // mode=write measures to the received position, and a paused replay still receives.
        #expect(try verdict(streaming(lag: 2048, received: 0), "readiness?lag=1kB&mode=write").outcome == .passed)
        #expect(try verdict(streaming(lag: 2048, received: 2048), "readiness?lag=1kB&mode=write").state == .unavailable(.lagging))
        #expect(try verdict(streaming(paused: true), "readiness?mode=write").outcome == .passed)
        // Lag alone decides, as in Patroni's _readiness: a paused replay passes within the limit.
        #expect(try verdict(streaming(paused: true), "readiness").outcome == .passed)
        #expect(try verdict(streaming(lag: 2 << 20, paused: true), "readiness").state == .unavailable(.lagging))
        // Without lag=, Patroni's default maximum_lag_on_failover (1 MB).
        #expect(try verdict(streaming(lag: 1 << 20), "readiness").outcome == .passed)
        #expect(try verdict(streaming(lag: (1 << 20) + 1), "readiness").state == .unavailable(.lagging))
        #expect(try verdict(streaming(lag: 2 << 20), "readiness?lag=4MB").outcome == .passed)
        #expect(try verdict(SampleFacts.fencedPrimary, "readiness").state == .unavailable(.readOnly))
    }

    @Test func standbyLeaderStreamsFromOutsideThePeers() throws {
        let peers = [ServerAddress(host: "192.0.2.12", port: "5432")]
        #expect(try verdict(streaming(from: upstream), "standby-leader", peers: peers)
            == Verdict(check: .standbyLeader, state: .standby, outcome: .passed))
        #expect(try verdict(streaming(from: upstream), "leader", peers: peers).outcome == .passed)
        // Following a peer: an ordinary standby.
        let follower = streaming(from: ServerAddress(host: "192.0.2.12", port: "5432"))
        #expect(try verdict(follower, "standby-leader", peers: peers) == Verdict(check: .standbyLeader, state: .standby, outcome: .wrongRole))
        #expect(try verdict(follower, "leader", peers: peers).outcome == .wrongRole)
        // A peer without a port matches any port: ambiguity never makes a leader.
        #expect(try verdict(streaming(from: ServerAddress(host: "192.0.2.12", port: "5433")), "standby-leader",
                            peers: [ServerAddress(host: "192.0.2.12")]).outcome == .wrongRole)
        #expect(try verdict(SampleFacts.primary, "standby-leader", peers: peers) == Verdict(check: .standbyLeader, state: .primary, outcome: .wrongRole))
        #expect(try verdict(SampleFacts.primary, "leader", peers: peers).outcome == .passed)
        // Fail closed when the upstream cannot be told from the peers.
        #expect(try verdict(streaming(from: upstream), "standby-leader").state == .unavailable(.noPeers))
        #expect(try verdict(streaming(from: upstream), "leader").state == .unavailable(.noPeers))
        #expect(try verdict(SampleFacts.standby(receiver: .hidden), "standby-leader", peers: peers).state == .unavailable(.insufficientPrivilege))
        #expect(try verdict(SampleFacts.standby(receiver: .absent), "standby-leader", peers: peers).state == .unavailable(.notStreaming))
    }

    @Test func syncStateNeedsADCS() throws {
        for spec in ["sync", "synchronous", "quorum", "async", "asynchronous", "async?lag=1MB", "read-only-sync",
                     "read-only-synchronous", "read-only-quorum"] {
            #expect(try verdict(streaming(), spec).state == .unavailable(.syncStateUnknown))
        }
        #expect(try verdict(SampleFacts.primary, "sync") == Verdict(check: .sync, state: .primary, outcome: .wrongRole))
        #expect(try verdict(SampleFacts.primary, "async").outcome == .wrongRole)
        #expect(try verdict(SampleFacts.primary, "read-only-sync").outcome == .passed)
        #expect(try verdict(SampleFacts.primary, "read-only-quorum").outcome == .passed)
        #expect(try verdict(SampleFacts.primary, "quorum").outcome == .wrongRole)
        #expect(try verdict(.unanswered(.starting), "sync").state == .unavailable(.starting))
        let http = HTTPResponse(verdict: try verdict(streaming(), "sync"), method: .get)
        #expect(http.status == 501)
        #expect(AgentAnswer.line(try verdict(streaming(), "sync")) == "down #sync-state-unknown\n")
        #expect(TextAnswer.line(try verdict(streaming(), "sync")) == "sync-state-unknown\n")
    }

    @Test func tags() throws {
        let tags = [Tag(key: "dc", value: "east"), Tag(key: "nofailover", value: "true")]
        #expect(try verdict(streaming(), "replica?tag_dc=east", tags: tags).outcome == .passed)
        #expect(try verdict(streaming(), "replica?tag_dc=east&tag_nofailover=true", tags: tags).outcome == .passed)
        #expect(try verdict(streaming(), "replica?tag_dc=west", tags: tags).state == .unavailable(.tagMismatch))
        #expect(try verdict(streaming(), "replica?tag_rack=1", tags: tags).state == .unavailable(.tagMismatch))
        #expect(try verdict(SampleFacts.primary, "read-only?tag_dc=west", tags: tags).state == .unavailable(.tagMismatch))
        // Ignored on the leader checks, as Patroni does.
        #expect(try verdict(SampleFacts.primary, "primary?tag_dc=west", tags: tags).outcome == .passed)
        // And on /liveness and /readiness; applied on /health, a paused standby's too (Patroni: whenever it runs).
        #expect(try verdict(streaming(), "readiness?tag_dc=west", tags: tags).outcome == .passed)
        #expect(try verdict(streaming(), "liveness?tag_dc=west", tags: tags).outcome == .passed)
        #expect(try verdict(SampleFacts.primary, "health?tag_dc=west", tags: tags)
            == Verdict(check: .health, state: .unavailable(.tagMismatch), outcome: .unavailable))
        #expect(try verdict(streaming(paused: true), "health?tag_dc=west", tags: tags).outcome == .unavailable)
        #expect(try verdict(streaming(paused: true), "health?tag_dc=east", tags: tags).outcome == .passed)
        #expect(try verdict(.unanswered(.starting), "health?tag_dc=east", tags: tags).outcome == .unavailable)
        // nofailover has no effect on checks (Patroni: it only keeps a node out of the leader race).
        #expect(try verdict(streaming(), "replica", tags: tags).outcome == .passed)
        // The last value given for a key counts.
        #expect(try verdict(streaming(), "replica?tag_dc=west", tags: tags + [Tag(key: "dc", value: "west")]).outcome == .passed)
    }

    @Test func noloadbalanceLeavesTheReadPools() throws {
        let tags = [Tag(key: "noloadbalance", value: "true")]
        for spec in ["replica", "read-only", "role"] {
            #expect(try verdict(streaming(), spec, tags: tags).state == .unavailable(.noLoadBalance))
        }
        #expect(try verdict(SampleFacts.primary, "read-only", tags: tags).outcome == .passed)
        #expect(try verdict(streaming(), "health", tags: tags).outcome == .passed)
        #expect(try verdict(streaming(), "readiness", tags: tags).outcome == .passed)
        #expect(try verdict(streaming(), "replica", tags: [Tag(key: "noloadbalance", value: "false")]).outcome == .passed)
        #expect(AgentAnswer.line(try verdict(streaming(), "replica", tags: tags)) == "down #noloadbalance\n")
    }

    @Test func tagOptionsAndConfig() throws {
        guard case .run(let options) = try OptionsParser.parse(["--tag", "nofailover=true", "--tag=dc=east"]) else {
            Issue.record("not a run"); return
        }
        #expect(options.tags == [Tag(key: "nofailover", value: "true"), Tag(key: "dc", value: "east")])
        let fromFile = try OptionsParser.parse(["--config", "/c"]) { (_: String) throws(UsageError) -> String in "tag = noloadbalance=true\n" }
        guard case .run(let configured) = fromFile else { Issue.record("not a run"); return }
        #expect(configured.tags == [Tag(key: "noloadbalance", value: "true")])
        for bad in ["x", "=1", "a b=1", "a=b&c", "a=\"q\""] {
            #expect(throws: UsageError.self, "--tag \(bad)") { try OptionsParser.parse(["--tag", bad]) }
        }
    }
}

@Suite struct StandbyLeaderGuardTests {
    private let leader = Verdict(check: .standbyLeader, state: .standby, outcome: .passed)
    private func peer(inRecovery: Bool, readOnly: Bool = false) -> PeerAnswer {
        PeerAnswer(name: "192.0.2.12:5432", outcome: .answered(PeerFacts(inRecovery: inRecovery, readOnly: readOnly, timeline: 1, systemIdentifier: "7345218465437208217")))
    }

    @Test func aPrimaryAmongThePeersMakesAFollower() {
        #expect(StandbyLeaderGuard.decide(leader, peers: [peer(inRecovery: true), peer(inRecovery: false)])
            == Verdict(check: .standbyLeader, state: .standby, outcome: .wrongRole))
        #expect(StandbyLeaderGuard.decide(leader, peers: [peer(inRecovery: false, readOnly: true)]).outcome == .wrongRole)
    }

    @Test func standbysOnlyConfirmTheLeader() {
        #expect(StandbyLeaderGuard.decide(leader, peers: [peer(inRecovery: true),
                                                          PeerAnswer(name: "x", outcome: .unanswered(.timeout))]) == leader)
    }

    @Test func noAnswerIsNoLeader() {
        #expect(StandbyLeaderGuard.decide(leader, peers: [PeerAnswer(name: "x", outcome: .unanswered(.unreachable))]).state
            == .unavailable(.noQuorum))
    }

    @Test func thePlanAsksThePeersOnlyForALeaderCandidate() throws {
        var options = Options()
        options.peers = SamplePeer.peers(["host=192.0.2.12"])
        let upstream = NodeFacts.answered(ServerFacts(inRecovery: true, readOnly: true, recovery: RecoveryFacts(
            replayPaused: false, receiver: .present(status: "streaming", lagBytes: 0, receivedLagBytes: 0,
                                                    upstream: ServerAddress(host: "198.51.100.1", port: "5432"))),
            systemIdentifier: "7345218465437208217"))
        var plan = AnswerPlan(options: options, client: .socket)
        _ = plan.start()
        _ = plan.next(.requestHead(.head(HTTPRequestHead(method: .get, target: "/standby-leader"))))
        #expect(plan.next(.probed(upstream, diagnostic: nil)) == .askPeers(options.peers, nanoseconds: 500_000_000))
        guard case .finish(let answer) = plan.next(.peersAnswered([peer(inRecovery: false)])) else { Issue.record("no answer"); return }
        #expect(String(decoding: answer.bytes ?? [], as: UTF8.self).hasSuffix("\r\n\r\nstandby\n"))
        #expect(answer.exitStatus == .wrongRole)
        // A primary of another cluster says nothing about this one: no peer answered, no leader.
        var stranger = AnswerPlan(options: options, client: .socket)
        _ = stranger.start()
        _ = stranger.next(.requestHead(.head(HTTPRequestHead(method: .get, target: "/standby-leader"))))
        _ = stranger.next(.probed(upstream, diagnostic: nil))
        let other = PeerAnswer(name: "192.0.2.12:5432", outcome: .answered(PeerFacts(inRecovery: false, readOnly: false, timeline: 1,
                                                                                      systemIdentifier: "1")))
        guard case .finish(let ignored) = stranger.next(.peersAnswered([other])) else { Issue.record("no answer"); return }
        #expect(String(decoding: ignored.bytes ?? [], as: UTF8.self).hasSuffix("\r\n\r\nno-quorum\n"))
        // A replica check never asks.
        var replica = AnswerPlan(options: options, client: .socket)
        _ = replica.start()
        _ = replica.next(.requestHead(.head(HTTPRequestHead(method: .get, target: "/replica"))))
        guard case .finish = replica.next(.probed(upstream, diagnostic: nil)) else { Issue.record("asked the peers"); return }
    }
}
