/// Since PostgreSQL 14 the server reports `in_hot_standby` and `default_transaction_read_only` when the
/// connection starts, so a primary needs no query at all. A server in recovery still needs one query
/// (replay paused? WAL receiver?), and an older server that reports neither falls back to it.
package enum ReportedParameters {
    /// Facts complete without a query, or nil when `FactsQuery` must run.
    package static func facts(inHotStandby: String?, defaultTransactionReadOnly: String?) -> ServerFacts? {
        guard let inHotStandby = setting(inHotStandby),
              let readOnly = setting(defaultTransactionReadOnly) else { return nil }
        if inHotStandby { return nil }
        return ServerFacts(inRecovery: false, readOnly: readOnly)
    }

    private static func setting(_ value: String?) -> Bool? {
        switch value {
        case "on": true
        case "off": false
        default: nil
        }
    }
}
