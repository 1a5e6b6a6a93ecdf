/// `GET /metrics`: the Prometheus text exposition format, version 0.0.4 (prometheus.io/docs/instrumenting/
/// exposition_formats): `# HELP` and `# TYPE` once per metric before its samples, one sample a line,
/// label values in double quotes, a final newline. A value that is unknown is left out, never written as 0.
package enum MetricsText {
    package static let contentType = "text/plain; version=0.0.4; charset=utf-8"

    package static func render(_ report: NodeReport) -> String {
        var out = ""
        func metric(_ name: String, _ help: String, _ samples: [(labels: String, value: String)]) {
            guard !samples.isEmpty else { return }
            out += "# HELP pgsql_state_\(name) \(help)\n# TYPE pgsql_state_\(name) gauge\n"
            for sample in samples { out += "pgsql_state_\(name)\(sample.labels) \(sample.value)\n" }
        }
        func single(_ name: String, _ help: String, _ value: String?) {
            metric(name, help, value.map { [("", $0)] } ?? [])
        }
        func flag(_ value: Bool) -> String { value ? "1" : "0" }

        let server = report.server
        let details = server?.details
        metric("info", "Checker version; always 1.", [("{version=\"\(Version.string)\"}", "1")])
        single("up", "1 if PostgreSQL answered the query, 0 otherwise.", flag(server != nil))
        if let server {
            metric("role", "PostgreSQL role: 1 for the current one (primary: not in recovery).", [
                ("{role=\"primary\"}", flag(!server.inRecovery)), ("{role=\"standby\"}", flag(server.inRecovery)),
            ])
            single("read_only", "1 if default_transaction_read_only is on.", flag(server.readOnly))
        }
        single("available", "1 if the configured check passes, 0 otherwise.", flag(report.verdict.outcome == .passed))
        single("maintenance", "1 if the maintenance file exists or cannot be checked.", flag(report.maintenance))
        single("timeline", "Timeline of the node.", report.timeline.map { String($0) })
        single("server_version", "server_version_num of PostgreSQL.", details?.serverVersion.map { String($0) })
        single("pending_restart", "1 if a changed setting waits for a restart.", details?.pendingRestart.map(flag))
        single("wal_senders", "Rows of pg_stat_replication: standbys and backups streaming from this node.",
               details.map { String($0.replication.count) })
        if let recovery = server?.recovery {
            single("replay_paused", "1 if WAL replay is paused.", flag(recovery.replayPaused))
            single("streaming", "1 if the WAL receiver is streaming.", flag(report.receiverStatus == "streaming"))
            single("lag_bytes", "Bytes between the upstream's last reported WAL end and the replayed position.",
                   report.lagBytes.map { String($0) })
            single("received_lag_bytes", "Bytes between the upstream's last reported WAL end and the received position.",
                   report.receivedLagBytes.map { String($0) })
            single("last_message_age_seconds", "Seconds since the last message from the upstream.",
                   details?.microsecondsSinceLastMessage.map { JSONText.seconds(nanoseconds: $0 * 1_000) })
        }
        single("check_duration_seconds", "Seconds spent connecting to and querying PostgreSQL for this answer.",
               report.probeNanoseconds.map { JSONText.seconds(nanoseconds: $0) })
        if let age = report.factsAgeNanoseconds {
            single("facts_age_seconds", "Age of the facts of this answer, taken by another check's probe (--share-facts).",
                   JSONText.seconds(nanoseconds: age))
        }
        return out
    }
}
