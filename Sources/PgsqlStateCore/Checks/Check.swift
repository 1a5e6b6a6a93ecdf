/// A check and the limits a standby must meet to pass it.
package struct Check: Equatable, Sendable {
    /// Which position of the standby the lag is measured to (Patroni's `/readiness?mode=`).
    package enum LagMode: String, Equatable, Sendable, CaseIterable {
        /// WAL replayed: what a reader of the standby sees.
        case apply
        /// WAL received and written: what the standby would have if promoted now.
        case write
    }

    package var kind: CheckKind
    /// Maximum lag in bytes; nil means no limit.
    package var maxLagBytes: UInt64?
    /// `replication_state=streaming`: a standby whose WAL receiver is not streaming fails.
    package var requireStreaming: Bool
    package var lagMode: LagMode
    /// `tag_KEY=VALUE`: the node must carry each of these tags with exactly this value.
    package var requiredTags: [Tag]

    package init(kind: CheckKind, maxLagBytes: UInt64? = nil, requireStreaming: Bool = false,
                lagMode: LagMode = .apply, requiredTags: [Tag] = []) {
        self.kind = kind
        // Patroni's /readiness limits lag to `maximum_lag_on_failover` unless `lag=` is given; its
        // default (patroni/global_config.py) is all a node without the DCS can know of it.
        self.maxLagBytes = maxLagBytes ?? (kind == .readiness ? Self.readinessDefaultLagBytes : nil)
        // A ready standby is one that replicates (Patroni: "up, replicating and not too far behind").
        self.requireStreaming = requireStreaming || kind == .readiness
        self.lagMode = lagMode
        self.requiredTags = requiredTags
    }

    package static let role = Check(kind: .role)

    /// Patroni's default `maximum_lag_on_failover`: 1 MB.
    package static let readinessDefaultLagBytes: UInt64 = 1 << 20

    /// Whether the WAL receiver must be read to decide this check.
    package var needsWalReceiver: Bool { maxLagBytes != nil || requireStreaming || kind == .standbyLeader || kind == .leader }
}
