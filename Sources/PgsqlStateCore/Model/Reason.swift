/// Why a node cannot serve: one word, safe to put on the wire and in a `tcp-check expect string` match
/// (none contains "production" or "standby").
package enum Reason: String, Sendable, CaseIterable {
    case unreachable
    case timeout
    case starting
    case shuttingDown = "shutting-down"
    case tooManyConnections = "too-many-connections"
    case authFailed = "auth-failed"
    case readOnly = "read-only"
    case replayPaused = "replay-paused"
    case lagging
    case notStreaming = "not-streaming"
    case maintenance
    case insufficientPrivilege = "insufficient-privilege"
    /// A peer is on a newer timeline: this primary was failed over and must not take writes.
    case superseded
    /// Another primary on the same timeline: the two cannot be ordered, so neither takes writes.
    case splitBrain = "split-brain"
    /// Fewer peers answered than `--min-peers` asks for.
    case noQuorum = "no-quorum"
    /// A peer whose `system_identifier` is not this server's: another cluster, a restored copy or an
    /// impostor. What it says is not believed.
    case otherCluster = "other-cluster"
    /// A peer asked for a password and this node had none to send (`PGPASSFILE` unreadable, or no line
    /// for that peer): the fault is this node's own, whatever the peer is.
    case noPassword = "no-password"
    /// `/standby-leader` without `--peer`: which upstream is outside the cluster cannot be told.
    case noPeers = "no-peers"
    /// `tag_KEY=VALUE` asked for a tag this node does not carry with that value.
    case tagMismatch = "tag-mismatch"
    /// The node carries the tag `noloadbalance=true`: out of the read pools, as with Patroni.
    case noLoadBalance = "noloadbalance"
    /// `/sync`, `/async`: only a cluster manager (Patroni's DCS) knows which standby is synchronous (501).
    case syncStateUnknown = "sync-state-unknown"
    case error

    package var word: String { rawValue }

    /// The reason a word names. A loop, not `init(rawValue:)`, whose Embedded form hashes and pulls libm.
    package static func named(_ word: String) -> Reason? {
        for reason in allCases where reason.rawValue == word { return reason }
        return nil
    }
}
