/// A peer's word counts only when it belongs to this cluster: its `system_identifier` (set by initdb,
/// kept by every physical copy, pg_basebackup and streaming standbys included) must be this server's.
/// Another cluster on a peer's address, a copy restored elsewhere or an impostor that got past the
/// authentication would otherwise decide superseded, split brain or quorum. Pure: tested by value.
package enum ClusterMembership {
    /// Answers from another cluster become `unanswered(.otherCluster)`: they count neither toward
    /// `--min-peers` nor against this primary. Without this server's own identifier no peer can be
    /// matched, and none is believed.
    package static func only(_ peers: [PeerAnswer], systemIdentifier: String?) -> [PeerAnswer] {
        peers.map { peer in
            guard case .answered(let facts) = peer.outcome else { return peer }
            if let systemIdentifier, facts.systemIdentifier == systemIdentifier { return peer }
            var ignored = peer
            ignored.outcome = .unanswered(.otherCluster)
            return ignored
        }
    }
}
