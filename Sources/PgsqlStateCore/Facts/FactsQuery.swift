/// The one query a standby (or a server older than 14) needs: role, fencing, replay state and the WAL
/// receiver in a single round trip. `/status` and `/metrics` run the same query with report columns
/// appended (still one round trip); checks never pay for those.
package enum FactsQuery {
    /// Which columns to read.
    package enum Variant: Equatable, Sendable {
        case check
        /// The check's columns and the cluster's `system_identifier`, which every peer's must match.
        case peers
        case report
    }

    /// `pg_is_wal_replay_paused()` raises an error outside recovery, hence the CASE (it is volatile, so it is
    /// evaluated lazily). The LEFT JOIN keeps one row when there is no WAL receiver. `r.pid` is visible
    /// without privileges while the other columns are NULL without `pg_read_all_stats`.
    /// `latest_end_lsn` stays NULL until the first message from the primary after the receiver starts (an
    /// idle primary sends its first keepalive only after wal_sender_timeout / 2): until then the standby
    /// knows of nothing beyond what it received, so GREATEST (which skips NULLs) falls back to that.
    /// Column 7 is a primary's current WAL file name, whose first 8 digits are its timeline
    /// (`pg_walfile_name()` raises an error during recovery, hence its CASE too). Columns 8-10: the lag to
    /// the received position (`/readiness?mode=write`) and the upstream (`/standby-leader`).
    static let checkColumns = """
        SELECT pg_is_in_recovery(), \
        current_setting('default_transaction_read_only')::bool, \
        CASE WHEN pg_is_in_recovery() THEN pg_is_wal_replay_paused() END, \
        r.pid, r.status, \
        CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(GREATEST(r.latest_end_lsn, pg_last_wal_receive_lsn()), pg_last_wal_replay_lsn())::bigint END, \
        CASE WHEN NOT pg_is_in_recovery() THEN pg_walfile_name(pg_current_wal_lsn()) END, \
        CASE WHEN pg_is_in_recovery() THEN pg_wal_lsn_diff(GREATEST(r.latest_end_lsn, pg_last_wal_receive_lsn()), pg_last_wal_receive_lsn())::bigint END, \
        r.sender_host, r.sender_port
        """

    /// Positions as bytes from 0/0 (as Patroni reports them), the replay timestamp in UTC (RFC 3339),
    /// seconds since the upstream's last message, pending_restart over the settings this role may see,
    /// the postmaster's start time (UTC, RFC 3339), a standby's timeline, and the WAL senders
    /// (what Patroni shows as `replication`): text fields hex-encoded, `-` for NULL, `,` between fields and
    /// `;` between rows, so that no value can break the row apart. The functions under the
    /// `pg_stat_replication` view, with `pg_stat_get_activity()` asked per sender, cost about a quarter of
    /// the view, which builds every backend's row (pgbench on PostgreSQL 15: 0.39 ms against 1.38 ms).: `received_tli` (needs pg_monitor) or its last checkpoint's (LOGIN only).
    static let reportColumns = """
        , current_setting('server_version_num'), \
        (SELECT system_identifier FROM pg_control_system()), \
        CASE WHEN NOT pg_is_in_recovery() THEN pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0') END, \
        pg_wal_lsn_diff(pg_last_wal_receive_lsn(), '0/0'), \
        pg_wal_lsn_diff(pg_last_wal_replay_lsn(), '0/0'), \
        to_char(pg_last_xact_replay_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), \
        extract(epoch FROM clock_timestamp() - r.last_msg_receipt_time), \
        (SELECT coalesce(bool_or(pending_restart), false) FROM pg_settings), \
        CASE WHEN pg_is_in_recovery() THEN coalesce(r.received_tli, (SELECT timeline_id FROM pg_control_checkpoint())) END, \
        to_char(pg_postmaster_start_time() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), \
        (SELECT string_agg(concat_ws(',', \
        coalesce(encode(convert_to(a.usesysid::regrole::text, 'UTF8'), 'hex'), '-'), \
        coalesce(encode(convert_to(a.application_name, 'UTF8'), 'hex'), '-'), \
        coalesce(encode(convert_to(host(a.client_addr), 'UTF8'), 'hex'), '-'), \
        coalesce(encode(convert_to(w.state, 'UTF8'), 'hex'), '-'), \
        coalesce(encode(convert_to(w.sync_state, 'UTF8'), 'hex'), '-'), \
        coalesce(w.sync_priority::text, '-')), ';' ORDER BY a.application_name, w.pid) \
        FROM pg_stat_get_wal_senders() AS w, LATERAL pg_stat_get_activity(w.pid) AS a)
        """

    static let from = " FROM (VALUES (1)) AS v LEFT JOIN pg_stat_wal_receiver AS r ON true"

    /// `pg_control_system()` reads the control file (public since PostgreSQL 10): only asked with peers.
    static let systemIdentifierColumn = ", (SELECT system_identifier FROM pg_control_system())"

    package static let sql = checkColumns + from
    package static let peersSQL = checkColumns + systemIdentifierColumn + from
    package static let reportSQL = checkColumns + reportColumns + from

    package static func sql(_ variant: Variant) -> String {
        switch variant {
        case .check: sql
        case .peers: peersSQL
        case .report: reportSQL
        }
    }

    package static let columnCount = 10
    package static let peersColumnCount = 11
    package static let reportColumnCount = 21

    package static func columnCount(_ variant: Variant) -> Int {
        switch variant {
        case .check: columnCount
        case .peers: peersColumnCount
        case .report: reportColumnCount
        }
    }

    /// object_not_in_prerequisite_state: `pg_is_wal_replay_paused()` raises it ("recovery is not in
    /// progress") when the server is promoted between the query's `pg_is_in_recovery()` and it. Asked
    /// again, the promoted server answers as a primary (`AnswerPlan` probes once more).
    package static let promotionRaceState = "55000"

    /// What one run of the query learned, and libpq's (or our) words for syslog when it learned nothing.
    package static func read(_ result: QueryResult, _ variant: Variant) -> (facts: NodeFacts, diagnostic: String?) {
        switch result.read(columns: columnCount(variant), facts(row:)) {
        case .value(let facts): (.answered(facts), nil)
        case .failed(let reason, let diagnostic): (.unanswered(reason), diagnostic)
        }
    }

    /// One row in text format, NULL as nil. Returns nil for a row it cannot read.
    package static func facts(row: [String?]) -> ServerFacts? {
        guard row.count == columnCount || row.count == peersColumnCount || row.count == reportColumnCount,
              let inRecovery = boolean(row[0]), let readOnly = boolean(row[1]) else { return nil }
        let details = row.count == reportColumnCount ? self.details(Array(row[columnCount...])) : nil
        let systemIdentifier = row.count == peersColumnCount ? row[columnCount].flatMap(self.systemIdentifier) : details?.systemIdentifier
        guard inRecovery else {
            return ServerFacts(inRecovery: false, readOnly: readOnly, timeline: row[6].flatMap(Timeline.ofWalFileName),
                               systemIdentifier: systemIdentifier, details: details)
        }
        guard let paused = boolean(row[2]) else { return nil }
        let receiver: WalReceiver
        if row[3] == nil {
            receiver = .absent
        } else if let status = row[4] {
            // Replay can briefly pass the last reported WAL end; that is no lag.
            let lag = row[5].flatMap { Int64($0) }.map { UInt64(max($0, 0)) }
            let receivedLag = row[7].flatMap { Int64($0) }.map { UInt64(max($0, 0)) }
            let upstream = row[8].map { ServerAddress(host: $0, port: row[9]) }
            receiver = .present(status: status, lagBytes: lag, receivedLagBytes: receivedLag, upstream: upstream)
        } else {
            receiver = .hidden
        }
        return ServerFacts(inRecovery: true, readOnly: readOnly,
                           recovery: RecoveryFacts(replayPaused: paused, receiver: receiver),
                           systemIdentifier: systemIdentifier, details: details)
    }

    private static func details(_ row: [String?]) -> ServerDetails {
        ServerDetails(serverVersion: row[0].flatMap { Int($0) },
                      systemIdentifier: row[1].flatMap(systemIdentifier),
                      location: row[2].flatMap { UInt64($0) },
                      receivedLocation: row[3].flatMap { UInt64($0) },
                      replayedLocation: row[4].flatMap { UInt64($0) },
                      replayedTimestamp: row[5].flatMap(timestamp),
                      microsecondsSinceLastMessage: row[6].flatMap(microseconds),
                      pendingRestart: boolean(row[7]),
                      standbyTimeline: row[8].flatMap(Timeline.ofInteger),
                      postmasterStartTime: row[9].flatMap(timestamp),
                      replication: row[10].map(ReplicationConnection.parse) ?? [])
    }

    static func boolean(_ text: String?) -> Bool? {
        switch text {
        case "t": true
        case "f": false
        default: nil
        }
    }

    /// Only what the query's to_char can produce reaches a document: digits and `-:.TZ`.
    private static func timestamp(_ text: String) -> String? {
        let allowed = Array("0123456789-:.TZ".utf8)
        return text.utf8.count <= 32 && text.utf8.allSatisfy { allowed.contains($0) } ? text : nil
    }

    /// Decimal seconds as PostgreSQL prints a numeric (`12.345678`, `-0.5`) to whole microseconds;
    /// a negative age (clocks of the two servers apart) is 0, more than 6 decimals are cut.
    package static func microseconds(_ text: String) -> UInt64? {
        var bytes = Substring(text)
        let negative = bytes.first == "-"
        if negative { bytes = bytes.dropFirst() }
        let parts = bytes.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty, whole.utf8.count <= 12,
              whole.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }), let seconds = UInt64(whole) else { return nil }
        var fraction = parts.count == 2 ? parts[1].prefix(6) : ""
        guard fraction.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }),
              parts.count == 1 || parts[1].utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        while fraction.count < 6 { fraction += "0" }
        return negative ? 0 : seconds * 1_000_000 + (UInt64(fraction) ?? 0)
    }

    /// `system_identifier` as PostgreSQL prints it (decimal digits; initdb's is positive as a bigint).
    static func systemIdentifier(_ text: String) -> String? {
        !text.isEmpty && text.utf8.count <= 20 && text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) ? text : nil
    }
}
