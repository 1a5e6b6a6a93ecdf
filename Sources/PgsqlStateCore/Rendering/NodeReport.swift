/// What `/status` and `/metrics` say about the node, decided once from the report query's facts so that
/// both documents agree. Only what PostgreSQL told us: no DCS field is ever made up.
package struct NodeReport: Equatable, Sendable {
    package var facts: NodeFacts
    /// The verdict of the configured `--check` on these facts: its reason when the node is unavailable.
    package var verdict: Verdict
    package var maintenance: Bool
    package var tags: [Tag]
    /// How long connecting and querying took, as the executable measured it.
    package var probeNanoseconds: UInt64?
    /// How old the facts were when answered from another check's probe (`--share-facts`); nil when this
    /// answer's own probe took them.
    package var factsAgeNanoseconds: UInt64?

    package init(facts: NodeFacts, check: Check, maintenance: Bool, context: CheckPolicy.Context = CheckPolicy.Context(),
                probeNanoseconds: UInt64? = nil, factsAgeNanoseconds: UInt64? = nil) {
        self.facts = facts
        verdict = CheckPolicy.evaluate(facts, check: check, maintenance: maintenance, context: context)
        self.maintenance = maintenance
        tags = context.tags
        self.probeNanoseconds = probeNanoseconds
        self.factsAgeNanoseconds = factsAgeNanoseconds
    }

    package var server: ServerFacts? {
        if case .answered(let server) = facts { return server }
        return nil
    }

    /// Patroni's `state` where the meaning is the same: a server that answers is `running`; one refusing
    /// with 57P03 is `starting` or `stopping`; nothing listening is `stopped`. Anything else (timeout,
    /// authentication, too many connections) tells nothing about the server's state: `unknown`.
    package var state: String {
        switch facts {
        case .answered: "running"
        case .unanswered(.starting): "starting"
        case .unanswered(.shuttingDown): "stopping"
        case .unanswered(.unreachable): "stopped"
        case .unanswered: "unknown"
        }
    }

    /// The PostgreSQL role with Patroni's words (`primary`, `replica`); nil when the server did not answer.
    package var role: String? {
        guard let server else { return nil }
        return server.inRecovery ? "replica" : "primary"
    }

    package var timeline: UInt32? {
        guard let server else { return nil }
        return server.inRecovery ? server.details?.standbyTimeline : server.timeline
    }

    package var receiverStatus: String? {
        guard case .present(let status, _, _, _)? = server?.recovery?.receiver else { return nil }
        return status
    }

    /// Patroni's `replication_state` for a replica: the WAL receiver's status, or `in archive recovery`
    /// without a receiver. nil on a primary and when the role may not read the receiver.
    package var replicationState: String? {
        guard let recovery = server?.recovery else { return nil }
        switch recovery.receiver {
        case .absent: return "in archive recovery"
        case .hidden: return nil
        case .present(let status, _, _, _): return status
        }
    }

    package var lagBytes: UInt64? {
        guard case .present(_, let lag, _, _)? = server?.recovery?.receiver else { return nil }
        return lag
    }

    package var receivedLagBytes: UInt64? {
        guard case .present(_, _, let lag, _)? = server?.recovery?.receiver else { return nil }
        return lag
    }

    /// The reason word when the configured check would fail, nil when it passes or the node is of the
    /// other role.
    package var reason: String? {
        if case .unavailable(let reason) = verdict.state { return reason.word }
        return nil
    }
}
