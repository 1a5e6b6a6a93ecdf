/// The one query a peer is asked: its role, its fencing, the newest timeline it knows of and which cluster
/// it belongs to, readable by a role with nothing but LOGIN, with `pg_monitor` for the WAL receiver's
/// timeline.
package enum PeerQuery {
    /// A primary's timeline is that of its current WAL file (`pg_walfile_name()`, public, errors during
    /// recovery). A standby's is the greatest of: the timeline its WAL receiver streams (`received_tli`,
    /// NULL without `pg_read_all_stats`), its last restartpoint's and its minimum recovery point's
    /// (`pg_control_checkpoint()`, `pg_control_recovery()`, both public). The last two lag behind a
    /// timeline switch until the next restartpoint, so without `pg_monitor` a standby may report an older
    /// timeline than it follows: never a newer one. GREATEST skips NULLs. The last column is the cluster's
    /// `system_identifier` (`pg_control_system()`, public), set by initdb and kept by every physical copy:
    /// a peer is only believed when it is this server's (`ClusterMembership`).
    package static let sql = """
        SELECT pg_is_in_recovery(), \
        current_setting('default_transaction_read_only')::bool, \
        CASE WHEN NOT pg_is_in_recovery() THEN pg_walfile_name(pg_current_wal_lsn()) END, \
        CASE WHEN pg_is_in_recovery() THEN GREATEST(\
        (SELECT received_tli FROM pg_stat_wal_receiver), \
        (SELECT timeline_id FROM pg_control_checkpoint()), \
        (SELECT min_recovery_end_timeline FROM pg_control_recovery())) END, \
        (SELECT system_identifier FROM pg_control_system())
        """

    package static let columnCount = 5

    /// What one peer's answer says; a failure's reason from the same table as the local server's
    /// (`FailureReason`).
    package static func outcome(_ result: QueryResult) -> PeerAnswer.Outcome {
        switch result.read(columns: columnCount, facts(row:)) {
        case .value(let facts): .answered(facts)
        case .failed(let reason, _): .unanswered(reason)
        }
    }

    /// One row in text format, NULL as nil; nil for a row it cannot read or a timeline it cannot tell.
    package static func facts(row: [String?]) -> PeerFacts? {
        guard row.count == columnCount,
              let inRecovery = FactsQuery.boolean(row[0]), let readOnly = FactsQuery.boolean(row[1]) else { return nil }
        let timeline = inRecovery ? row[3].flatMap(Timeline.ofInteger) : row[2].flatMap(Timeline.ofWalFileName)
        guard let timeline, timeline > 0, let systemIdentifier = row[4].flatMap(FactsQuery.systemIdentifier) else { return nil }
        return PeerFacts(inRecovery: inRecovery, readOnly: readOnly, timeline: timeline, systemIdentifier: systemIdentifier)
    }
}

/// What one peer said about itself.
package struct PeerFacts: Equatable, Sendable {
    package var inRecovery: Bool
    package var readOnly: Bool
    package var timeline: UInt32
    /// `pg_control_system().system_identifier` as decimal text.
    package var systemIdentifier: String

    package init(inRecovery: Bool, readOnly: Bool, timeline: UInt32, systemIdentifier: String) {
        self.inRecovery = inRecovery
        self.readOnly = readOnly
        self.timeline = timeline
        self.systemIdentifier = systemIdentifier
    }

    /// Would take writes: not in recovery and not fenced read-only.
    package var isWritablePrimary: Bool { !inRecovery && !readOnly }
}
