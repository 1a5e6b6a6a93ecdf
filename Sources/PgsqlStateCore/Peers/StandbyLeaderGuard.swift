/// A standby leads a standby cluster when it streams from outside its cluster. The upstream's address
/// alone cannot prove that: `primary_conninfo` may name the primary by a host name or a socket directory
/// where `--peer` names it by IP address. So a standby that looks like a leader by its upstream also asks
/// its peers, as a primary does: a cluster with a primary among them has no standby leader (Patroni's
/// standby cluster has none, docs/standby_cluster.rst). Pure: tested by value.
package enum StandbyLeaderGuard {
    /// Only a standby about to pass `leader` or `standby-leader` needs the peers.
    package static func applies(to verdict: Verdict, peerCount: Int) -> Bool {
        peerCount > 0 && verdict.state == .standby && verdict.outcome == .passed
            && (verdict.check == .leader || verdict.check == .standbyLeader)
    }

    /// A peer that is not in recovery (writable or fenced) makes this standby a follower; no answer at all
    /// proves nothing, and nothing is not enough to call a standby a leader.
    package static func decide(_ verdict: Verdict, peers: [PeerAnswer]) -> Verdict {
        var answered = false
        for peer in peers {
            guard case .answered(let facts) = peer.outcome else { continue }
            answered = true
            if !facts.inRecovery { return Verdict(check: verdict.check, state: .standby, outcome: .wrongRole) }
        }
        return answered ? verdict : Verdict(check: verdict.check, state: .unavailable(.noQuorum), outcome: .unavailable)
    }
}
