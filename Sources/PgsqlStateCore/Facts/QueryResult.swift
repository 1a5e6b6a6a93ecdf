/// One libpq result as the edge hands it over, unread: the row count and the first row in text format
/// (NULL as nil), or the error's SQLSTATE (`PG_DIAG_SQLSTATE`) and message. Reading it is done here once,
/// for the facts query and the peer query alike.
package enum QueryResult: Equatable, Sendable {
    case rows(count: Int, first: [String?])
    case error(sqlState: String?, message: String)
    /// `PQgetResult` returned NULL before any result.
    case none

    /// What a query learned, or why it learned nothing and libpq's (or our) words for syslog.
    package enum Reading<Value> {
        case value(Value)
        case failed(Reason, diagnostic: String)
    }

    /// Exactly one row of `columns` columns, which `parse` must accept.
    package func read<Value>(columns: Int, _ parse: ([String?]) -> Value?) -> Reading<Value> {
        switch self {
        case .none:
            return .failed(.error, diagnostic: "query returned no result")
        case .error(let sqlState, let message):
            return .failed(FailureReason.reason(sqlState: sqlState, message: message), diagnostic: message)
        case .rows(let count, let row):
            guard count == 1, row.count == columns else { return .failed(.error, diagnostic: "unexpected result shape") }
            guard let value = parse(row) else { return .failed(.error, diagnostic: "unexpected result values") }
            return .value(value)
        }
    }

    package var sqlState: String? {
        if case .error(let sqlState, _) = self { return sqlState }
        return nil
    }
}
