/// Turns facts into a verdict for one check. Pure: the whole decision is tested by value.
public enum CheckPolicy {
    public static func evaluate(_ facts: NodeFacts, check: Check, maintenance: Bool) -> Verdict {
        if maintenance {
            return Verdict(check: check.kind, state: .unavailable(.maintenance), outcome: .unavailable)
        }
        let state = nodeState(facts, check: check)
        return Verdict(check: check.kind, state: state, outcome: outcome(state, facts: facts, kind: check.kind))
    }

    /// primary = not in recovery and not read-only; standby = in recovery, replay running and within the
    /// check's limits; anything else is unavailable with its reason.
    public static func nodeState(_ facts: NodeFacts, check: Check) -> NodeState {
        guard case .answered(let server) = facts else {
            if case .unanswered(let reason) = facts { return .unavailable(reason) }
            return .unavailable(.error)
        }
        guard server.inRecovery else {
            return server.readOnly ? .unavailable(.readOnly) : .primary
        }
        guard let recovery = server.recovery else { return .unavailable(.error) }
        if recovery.replayPaused { return .unavailable(.replayPaused) }
        guard check.needsWalReceiver else { return .standby }
        switch recovery.receiver {
        case .hidden:
            return .unavailable(.insufficientPrivilege)
        case .absent:
            return .unavailable(.notStreaming)
        case .present(let status, let lagBytes):
            if check.requireStreaming, status != "streaming" { return .unavailable(.notStreaming) }
            if let limit = check.maxLagBytes {
                // Without a reported WAL end the lag is unknown: no stream, no measure.
                guard let lagBytes else { return .unavailable(.notStreaming) }
                if lagBytes > limit { return .unavailable(.lagging) }
            }
            return .standby
        }
    }

    private static func outcome(_ state: NodeState, facts: NodeFacts, kind: CheckKind) -> Verdict.Outcome {
        switch (kind, state) {
        case (.health, _):
            // Health asks only whether PostgreSQL answers.
            if case .answered = facts { return .passed }
            return .unavailable
        case (_, .unavailable):
            return .unavailable
        case (.role, _), (.readOnly, _), (.primary, .primary), (.standby, .standby):
            return .passed
        case (.primary, .standby), (.standby, .primary):
            return .wrongRole
        }
    }
}
