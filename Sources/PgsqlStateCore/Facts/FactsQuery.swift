/// The one query a standby (or a server older than 14) needs: role, fencing, replay state and the WAL
/// receiver in a single round trip.
public enum FactsQuery {
    /// `pg_is_wal_replay_paused()` raises an error outside recovery, hence the CASE (it is volatile, so it is
    /// evaluated lazily). The LEFT JOIN keeps one row when there is no WAL receiver. `r.pid` is visible
    /// without privileges while the other columns are NULL without `pg_read_all_stats`.
    /// `latest_end_lsn` stays NULL until the first message from the primary after the receiver starts (an
    /// idle primary sends its first keepalive only after wal_sender_timeout / 2): until then the standby
    /// knows of nothing beyond what it received, so GREATEST (which skips NULLs) falls back to that.
    /// The last column is a primary's current WAL file name, whose first 8 digits are its timeline
    /// (`pg_walfile_name()` raises an error during recovery, hence its CASE too).
    public static let sql = """
        SELECT pg_is_in_recovery(), \
        current_setting('default_transaction_read_only')::bool, \
        CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END, \
        r.pid, r.status, \
        CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(GREATEST(r.latest_end_lsn, pg_last_wal_receive_lsn()), pg_last_wal_replay_lsn())::bigint END, \
        CASE WHEN NOT pg_is_in_recovery() THEN pg_walfile_name(pg_current_wal_lsn()) END \
        FROM (VALUES (1)) AS v LEFT JOIN pg_stat_wal_receiver AS r ON true
        """

    public static let columnCount = 7

    /// One row in text format, NULL as nil. Returns nil for a row it cannot read.
    public static func facts(row: [String?]) -> ServerFacts? {
        guard row.count == columnCount,
              let inRecovery = boolean(row[0]), let readOnly = boolean(row[1]) else { return nil }
        guard inRecovery else {
            return ServerFacts(inRecovery: false, readOnly: readOnly, timeline: row[6].flatMap(Timeline.ofWalFileName))
        }
        guard let paused = boolean(row[2]) else { return nil }
        let receiver: WalReceiver
        if row[3] == nil {
            receiver = .absent
        } else if let status = row[4] {
            // Replay can briefly pass the last reported WAL end; that is no lag.
            let lag = row[5].flatMap { Int64($0) }.map { UInt64(max($0, 0)) }
            receiver = .present(status: status, lagBytes: lag)
        } else {
            receiver = .hidden
        }
        return ServerFacts(inRecovery: true, readOnly: readOnly,
                           recovery: RecoveryFacts(replayPaused: paused, receiver: receiver))
    }

    static func boolean(_ text: String?) -> Bool? {
        switch text {
        case "t": true
        case "f": false
        default: nil
        }
    }
}
