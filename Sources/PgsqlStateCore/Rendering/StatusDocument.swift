/// `GET /status` and `GET /patroni`: Patroni's field names where the meaning is the same
/// (docs/rest_api.rst, "Monitoring endpoint"), ours under `pgsql_state`. Fields Patroni takes from its
/// DCS (`cluster_unlocked`, `dcs_last_seen`, `patroni`, `pause`, ...) are never written.
package enum StatusDocument {
    package static func render(_ report: NodeReport) -> String {
        var document = JSONObject()
        document.add("state", .string(report.state))
        let server = report.server
        let details = server?.details
        document.addIfPresent("postmaster_start_time", details?.postmasterStartTime.map(JSONValue.string))
        document.addIfPresent("role", report.role.map(JSONValue.string))
        document.addIfPresent("server_version", details?.serverVersion.map { .integer(Int64($0)) })
        if let server {
            var xlog = JSONObject()
            if let recovery = server.recovery {
                xlog.add("received_location", details?.receivedLocation.map(JSONValue.unsigned))
                xlog.add("replayed_location", details?.replayedLocation.map(JSONValue.unsigned))
                xlog.add("replayed_timestamp", details?.replayedTimestamp.map(JSONValue.string))
                xlog.add("paused", .bool(recovery.replayPaused))
            } else {
                xlog.add("location", details?.location.map(JSONValue.unsigned))
            }
            document.add("xlog", .object(xlog))
        }
        document.addIfPresent("timeline", report.timeline.map { .integer(Int64($0)) })
        document.addIfPresent("replication_state", report.replicationState.map(JSONValue.string))
        // As Patroni: the list of WAL senders when there is one; values the role may not read are null.
        if let replication = details?.replication, !replication.isEmpty {
            document.add("replication", .array(replication.map { connection in
                var entry = JSONObject()
                entry.add("usename", connection.usename.map(JSONValue.string))
                entry.add("application_name", connection.applicationName.map(JSONValue.string))
                entry.add("client_addr", connection.clientAddress.map(JSONValue.string))
                entry.add("state", connection.state.map(JSONValue.string))
                entry.add("sync_state", connection.syncState.map(JSONValue.string))
                entry.add("sync_priority", connection.syncPriority.map { .integer(Int64($0)) })
                return .object(entry)
            }))
        }
        // Patroni writes pending_restart only when it is true.
        if details?.pendingRestart == true { document.add("pending_restart", .bool(true)) }
        if !report.tags.isEmpty {
            var tags = JSONObject()
            var seen: [String] = []
            // A key given twice: the last value counts, once (duplicate JSON keys are not interoperable, RFC 8259 4).
            for tag in report.tags where !seen.contains(tag.key) {
                seen.append(tag.key)
                tags.add(tag.key, Tag.value(of: tag.key, in: report.tags).map(JSONValue.string))
            }
            document.add("tags", .object(tags))
        }
        document.addIfPresent("database_system_identifier", details?.systemIdentifier.map(JSONValue.string))

        var ours = JSONObject()
        ours.add("version", .string(Version.string))
        ours.add("check", .string(report.verdict.check.rawValue))
        ours.add("node", .string(report.verdict.state.word))
        ours.add("reason", report.reason.map(JSONValue.string))
        if server?.inRecovery == true {
            ours.add("lag", report.lagBytes.map(JSONValue.unsigned))
            ours.add("received_lag", report.receivedLagBytes.map(JSONValue.unsigned))
            ours.add("seconds_since_last_message",
                     details?.microsecondsSinceLastMessage.map { .number(JSONText.seconds(nanoseconds: $0 * 1_000)) })
        }
        if let server { ours.add("read_only", .bool(server.readOnly)) }
        ours.add("maintenance", .bool(report.maintenance))
        ours.addIfPresent("check_duration_seconds", report.probeNanoseconds.map { .number(JSONText.seconds(nanoseconds: $0)) })
        ours.addIfPresent("facts_age_seconds", report.factsAgeNanoseconds.map { .number(JSONText.seconds(nanoseconds: $0)) })
        document.add("pgsql_state", .object(ours))
        return document.text + "\n"
    }
}
