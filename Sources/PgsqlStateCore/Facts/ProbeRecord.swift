/// What one probe of the local server learned, before anything is read from it: the connection's failure,
/// the parameters the server reported at start-up, or the facts query's first result. Kept raw so that a
/// probe shared with other checks (`SharedEntry`) is read by each of them exactly as by the one that ran it.
package enum ProbeRecord: Equatable, Sendable {
    /// No connection, a lost one, or a deadline: the reason (`FailureReason`) and libpq's words for syslog.
    case failed(Reason, diagnostic: String)
    /// A primary known from `in_hot_standby` and `default_transaction_read_only` (`ReportedParameters`).
    case reported(readOnly: Bool)
    /// The facts query's first result, for the variant that was sent.
    case queried(QueryResult, FactsQuery.Variant)

    /// The facts, libpq's words for syslog, and the query's SQLSTATE for the plan to judge.
    package var reading: (facts: NodeFacts, diagnostic: String?, sqlState: String?) {
        switch self {
        case .failed(let reason, let diagnostic):
            return (.unanswered(reason), diagnostic, nil)
        case .reported(let readOnly):
            return (.answered(ServerFacts(inRecovery: false, readOnly: readOnly)), nil, nil)
        case .queried(let result, let variant):
            let read = FactsQuery.read(result, variant)
            return (read.facts, read.diagnostic, result.sqlState)
        }
    }

    /// A check that waited for another check's probe past its own deadline.
    package static let sharedProbeTimedOut = ProbeRecord.failed(.timeout, diagnostic: "the shared probe did not finish in time")
}
