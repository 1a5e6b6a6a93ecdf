/// What the report query adds for `/status` and `/metrics`: values as PostgreSQL gives them, each nil
/// when it could not be read (a privilege the role lacks, a primary's standby-only column).
package struct ServerDetails: Equatable, Sendable {
    /// `server_version_num`, e.g. 160004.
    package var serverVersion: Int?
    /// `pg_control_system().system_identifier`, as decimal text (it is a 64-bit unsigned number).
    package var systemIdentifier: String?
    /// A primary's current WAL position, in bytes from 0/0.
    package var location: UInt64?
    package var receivedLocation: UInt64?
    package var replayedLocation: UInt64?
    /// `pg_last_xact_replay_timestamp()` in UTC, RFC 3339.
    package var replayedTimestamp: String?
    /// Microseconds since the WAL receiver last heard from its upstream (`last_msg_receipt_time`); whole
    /// numbers, not Double: parsing and printing floating point is not in Embedded Swift's runtime.
    package var microsecondsSinceLastMessage: UInt64?
    /// Some setting changed in the configuration needs a restart (`pg_settings.pending_restart`).
    package var pendingRestart: Bool?
    /// A standby's timeline: the one it streams (`received_tli`), else its last checkpoint's.
    package var standbyTimeline: UInt32?
    /// `pg_postmaster_start_time()` in UTC, RFC 3339.
    package var postmasterStartTime: String?
    /// The WAL senders of this server, as far as the role may see them.
    package var replication: [ReplicationConnection]

    package init(serverVersion: Int? = nil, systemIdentifier: String? = nil, location: UInt64? = nil,
                receivedLocation: UInt64? = nil, replayedLocation: UInt64? = nil, replayedTimestamp: String? = nil,
                microsecondsSinceLastMessage: UInt64? = nil, pendingRestart: Bool? = nil, standbyTimeline: UInt32? = nil,
                postmasterStartTime: String? = nil, replication: [ReplicationConnection] = []) {
        self.serverVersion = serverVersion
        self.systemIdentifier = systemIdentifier
        self.location = location
        self.receivedLocation = receivedLocation
        self.replayedLocation = replayedLocation
        self.replayedTimestamp = replayedTimestamp
        self.microsecondsSinceLastMessage = microsecondsSinceLastMessage
        self.pendingRestart = pendingRestart
        self.standbyTimeline = standbyTimeline
        self.postmasterStartTime = postmasterStartTime
        self.replication = replication
    }
}
