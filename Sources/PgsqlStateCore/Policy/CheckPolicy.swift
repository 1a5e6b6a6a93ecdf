/// Turns facts into a verdict for one check. Pure: the whole decision is tested by value.
package enum CheckPolicy {
    /// What the operator configured that a check compares with: the node's tags (`--tag`) and the other
    /// nodes of the cluster (`--peer`, as addresses).
    package struct Context: Equatable, Sendable {
        package var tags: [Tag]
        package var peers: [ServerAddress]

        package init(tags: [Tag] = [], peers: [ServerAddress] = []) {
            self.tags = tags
            self.peers = peers
        }
    }

    package static func evaluate(_ facts: NodeFacts, check: Check, maintenance: Bool, context: Context = Context()) -> Verdict {
        if maintenance {
            return Verdict(check: check.kind, state: .unavailable(.maintenance), outcome: .unavailable)
        }
        var state = nodeState(facts, check: check)
        // Patroni checks tags on /health whenever PostgreSQL runs, a paused standby included.
        let answered = if case .answered = facts { true } else { false }
        if state == .primary || state == .standby || (check.kind == .health && answered), let reason = tagReason(check: check, state: state, tags: context.tags) {
            state = .unavailable(reason)
        }
        if state == .standby, [.sync, .async, .readOnlySync].contains(check.kind) {
            state = .unavailable(.syncStateUnknown)
        }
        var leadsStandbys = false
        if state == .standby, check.kind == .leader || check.kind == .standbyLeader {
            switch standbyLeadership(facts, peers: context.peers) {
            case .leader: leadsStandbys = true
            case .follower: break
            case .unknown(let reason): state = .unavailable(reason)
            }
        }
        return Verdict(check: check.kind, state: state,
                       outcome: outcome(state, facts: facts, kind: check.kind, leadsStandbys: leadsStandbys))
    }

    /// primary = not in recovery and not read-only; standby = in recovery, replay running and within the
    /// check's limits; anything else is unavailable with its reason.
    package static func nodeState(_ facts: NodeFacts, check: Check) -> NodeState {
        guard case .answered(let server) = facts else {
            if case .unanswered(let reason) = facts { return .unavailable(reason) }
            return .unavailable(.error)
        }
        guard server.inRecovery else {
            return server.readOnly ? .unavailable(.readOnly) : .primary
        }
        guard let recovery = server.recovery else { return .unavailable(.error) }
        // Readiness is lag alone, as Patroni computes it (patroni/api.py `_readiness`): a paused replay
        // passes while it is within `lag=` (replayed, or received with `mode=write`).
        if recovery.replayPaused, check.kind != .readiness {
            return .unavailable(.replayPaused)
        }
        guard check.needsWalReceiver else { return .standby }
        switch recovery.receiver {
        case .hidden:
            return .unavailable(.insufficientPrivilege)
        case .absent:
            return .unavailable(.notStreaming)
        case .present(let status, let replayLag, let receivedLag, _):
            if check.requireStreaming, status != "streaming" { return .unavailable(.notStreaming) }
            if let limit = check.maxLagBytes {
                // Without a reported WAL end the lag is unknown: no stream, no measure.
                guard let lagBytes = check.lagMode == .write ? receivedLag : replayLag else { return .unavailable(.notStreaming) }
                if lagBytes > limit { return .unavailable(.lagging) }
            }
            return .standby
        }
    }

    /// Patroni's tags: every `tag_KEY=VALUE` asked must be configured with that value, and a standby tagged
    /// `noloadbalance=true` leaves the read pools (docs/rest_api.rst, docs/yaml_configuration.rst).
    static func tagReason(check: Check, state: NodeState, tags: [Tag]) -> Reason? {
        guard check.kind.appliesTags else { return nil }
        for wanted in check.requiredTags where Tag.value(of: wanted.key, in: tags) != wanted.value {
            return .tagMismatch
        }
        // An array, not a Set: hashing collections pull libm into the Embedded executable.
        let readPools: [CheckKind] = [.role, .standby, .readOnly, .async]
        if state == .standby, readPools.contains(check.kind), Tag.value(of: "noloadbalance", in: tags) == "true" {
            return .noLoadBalance
        }
        return nil
    }

    enum Leadership: Equatable { case leader, follower, unknown(Reason) }

    /// A standby leads a standby cluster when it streams from a server that is none of the `--peer` nodes
    /// (and, asked next, no peer is a primary: `StandbyLeaderGuard`). Without peers, or without seeing the
    /// upstream, that cannot be told: fail closed.
    static func standbyLeadership(_ facts: NodeFacts, peers: [ServerAddress]) -> Leadership {
        guard case .answered(let server) = facts, let recovery = server.recovery else { return .unknown(.error) }
        guard !peers.isEmpty else { return .unknown(.noPeers) }
        switch recovery.receiver {
        case .hidden: return .unknown(.insufficientPrivilege)
        case .absent, .present(_, _, _, nil): return .unknown(.notStreaming)
        case .present(_, _, _, let upstream?):
            return peers.contains(where: { $0.matches(upstream) }) ? .follower : .leader
        }
    }

    private static func outcome(_ state: NodeState, facts: NodeFacts, kind: CheckKind, leadsStandbys: Bool) -> Verdict.Outcome {
        switch (kind, state) {
        case (.health, .unavailable(.tagMismatch)):
            return .unavailable
        case (.health, _):
            // Health asks only whether PostgreSQL answers (and, asked, for its tags).
            if case .answered = facts { return .passed }
            return .unavailable
        case (.liveness, _):
            // Alive is a postmaster that speaks the protocol, even to refuse (starting, shutting down,
            // full, wrong password): only no answer at all fails.
            if case .unanswered(let reason) = facts, reason == .unreachable || reason == .timeout { return .unavailable }
            return .passed
        case (_, .unavailable):
            return .unavailable
        case (.leader, .primary), (.standbyLeader, .standby), (.leader, .standby):
            return leadsStandbys || state == .primary ? .passed : .wrongRole
        case (.role, _), (.readOnly, _), (.readiness, _), (.readOnlySync, .primary), (.primary, .primary), (.standby, .standby):
            return .passed
        case (.primary, .standby), (.standby, .primary), (.standbyLeader, .primary), (.sync, .primary), (.async, .primary),
             (.sync, .standby), (.async, .standby), (.readOnlySync, .standby):
            return .wrongRole
        }
    }
}
