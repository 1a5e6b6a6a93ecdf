/// What one libpq connection learned about the local server: plain values, no libpq types.
package enum NodeFacts: Equatable, Sendable {
    /// The server did not answer (connection failed or timed out).
    case unanswered(Reason)
    case answered(ServerFacts)
}

package struct ServerFacts: Equatable, Sendable {
    package var inRecovery: Bool
    /// `default_transaction_read_only`: a fenced primary is not in recovery but must not get writes.
    package var readOnly: Bool
    /// Only known for a server in recovery; `pg_is_wal_replay_paused()` errors on a primary.
    package var recovery: RecoveryFacts?
    /// The primary's current timeline, when the facts came from a query (peers are compared with it).
    package var timeline: UInt32?
    /// `pg_control_system().system_identifier`, read only when peers are asked (or for a report): a peer
    /// of another cluster is not believed.
    package var systemIdentifier: String?
    /// What `/status` and `/metrics` show beyond the check: only read by the report query.
    package var details: ServerDetails?

    package init(inRecovery: Bool, readOnly: Bool, recovery: RecoveryFacts? = nil, timeline: UInt32? = nil,
                systemIdentifier: String? = nil, details: ServerDetails? = nil) {
        self.inRecovery = inRecovery
        self.readOnly = readOnly
        self.recovery = recovery
        self.timeline = timeline
        self.systemIdentifier = systemIdentifier ?? details?.systemIdentifier
        self.details = details
    }
}

package struct RecoveryFacts: Equatable, Sendable {
    package var replayPaused: Bool
    package var receiver: WalReceiver

    package init(replayPaused: Bool, receiver: WalReceiver) {
        self.replayPaused = replayPaused
        self.receiver = receiver
    }
}

/// The standby's WAL receiver as `pg_stat_wal_receiver` shows it.
package enum WalReceiver: Equatable, Sendable {
    /// No WAL receiver: archive recovery only, or the primary is gone.
    case absent
    /// The row exists but its columns are NULL: the role lacks `pg_read_all_stats` (`pg_monitor`).
    case hidden
    /// `lagBytes`: the primary's WAL end as last reported over the stream minus the local replay position;
    /// `receivedLagBytes`: the same minus the received position. `upstream`: the server it streams from.
    case present(status: String, lagBytes: UInt64?, receivedLagBytes: UInt64? = nil, upstream: ServerAddress? = nil)
}
