/// A check that only looks at its own node cannot see a second primary. Before a primary is passed, the
/// other nodes of the cluster are asked for their timeline: a failover always moves the new primary to a
/// higher timeline, so a peer on a higher one means this primary is stale, and a second writable primary
/// on the same one is a split brain that no timeline can order. Pure: tested by value.
package enum PeerGuard {
    package struct Decision: Equatable, Sendable {
        package var verdict: Verdict
        /// For syslog: why the verdict changed, and the peers that proved nothing. nil when all is well.
        package var logLine: String?
        /// Whether the line reports an incident (warning) rather than a peer that could not be asked (notice).
        package var isIncident: Bool
    }

    /// Only a verdict that would send writes (or reads of a primary) to this node needs the peers:
    /// standby checks and failures never contact them.
    package static func applies(to verdict: Verdict, peerCount: Int) -> Bool {
        // Liveness only asks whether the postmaster runs, stale or not.
        peerCount > 0 && verdict.state == .primary && verdict.outcome == .passed && verdict.check != .liveness
    }

    /// `localTimeline`: this primary's timeline, nil when it could not be read (then nothing can be
    /// compared, and the primary is not passed).
    package static func decide(_ verdict: Verdict, localTimeline: UInt32?, peers: [PeerAnswer], minPeers: Int) -> Decision {
        let ignored = peers.compactMap { peer -> String? in
            if case .unanswered(let reason) = peer.outcome { return "\(peer.name) \(reason.word)" }
            return nil
        }
        let ignoredText = ignored.isEmpty ? "" : "; peers ignored: " + ignored.joined(separator: ", ")
        guard let localTimeline else {
            return Decision(verdict: Verdict(check: verdict.check, state: .unavailable(.error), outcome: .unavailable),
                            logLine: "unavailable: error (own timeline unknown)" + ignoredText, isIncident: true)
        }
        var answered: [(name: String, facts: PeerFacts)] = []
        for peer in peers {
            if case .answered(let facts) = peer.outcome { answered.append((peer.name, facts)) }
        }
        if let newer = answered.filter({ $0.facts.timeline > localTimeline }).max(by: { $0.facts.timeline < $1.facts.timeline }) {
            let role = newer.facts.inRecovery ? "standby" : "primary"
            // A healthy node that is no longer the primary: the other role's exit status, as for a standby.
            return Decision(verdict: Verdict(check: verdict.check, state: .unavailable(.superseded), outcome: .wrongRole),
                            logLine: "unavailable: superseded (\(role) \(newer.name) is on timeline \(newer.facts.timeline), this primary on \(localTimeline))" + ignoredText,
                            isIncident: true)
        }
        let twins = answered.filter { $0.facts.isWritablePrimary && $0.facts.timeline == localTimeline }.map { $0.name }
        if !twins.isEmpty {
            return Decision(verdict: Verdict(check: verdict.check, state: .unavailable(.splitBrain), outcome: .unavailable),
                            logLine: "unavailable: split-brain (\(twins.joined(separator: ", ")) also primary on timeline \(localTimeline))" + ignoredText,
                            isIncident: true)
        }
        // A peer that turned this node's credentials away is up and may be the newer primary: unlike a peer
        // that is down, it cannot be ignored, or a stale primary whose password file is unreadable would pass
        // (every peer refuses alike when the fault is this node's own). Fail instead; but only on a refusal
        // that cannot be forged (`refusesCredentials`).
        let refusing = peers.filter(refusesCredentials).map { $0.name }
        if !refusing.isEmpty {
            return Decision(verdict: Verdict(check: verdict.check, state: .unavailable(.authFailed), outcome: .unavailable),
                            logLine: "unavailable: auth-failed (\(refusing.joined(separator: ", ")) refused this node's credentials or got none)"
                                + ignoredText,
                            isIncident: true)
        }
        if answered.count < minPeers {
            return Decision(verdict: Verdict(check: verdict.check, state: .unavailable(.noQuorum), outcome: .unavailable),
                            logLine: "unavailable: no-quorum (\(answered.count) of \(peers.count) peers answered, --min-peers \(minPeers))" + ignoredText,
                            isIncident: true)
        }
        // A peer of another cluster is a misconfiguration or an impostor: worth a warning, not a notice.
        let impostor = peers.contains { $0.outcome == .unanswered(.otherCluster) }
        return Decision(verdict: verdict, logLine: ignored.isEmpty ? nil : "primary confirmed by \(answered.count) of \(peers.count) peers" + ignoredText,
                        isIncident: impostor)
    }

    /// Whether a peer's failure says that this node's credentials are wrong or missing. "No password to
    /// send" is this node's own fact, whoever asked. A refusal (SQLSTATE 28000/28P01) is the server's word:
    /// believed only from a server that proved who it is before it could say anything, by its certificate
    /// (`sslmode=verify-full`) or by the kernel (`requirepeer` on a unix socket). Over channel binding the
    /// refusal comes before the SCRAM exchange that would prove the server, so anyone on the peer's address
    /// could send it: ignored like a peer that is down.
    package static func refusesCredentials(_ peer: PeerAnswer) -> Bool {
        switch peer.outcome {
        case .unanswered(.noPassword): true
        case .unanswered(.authFailed):
            switch peer.trust {
            case .verifiedTLS, .peerCredentials, .peerCredentialsAdded: true
            case .channelBound, .channelBindingAdded, nil: false
            }
        default: false
        }
    }
}
