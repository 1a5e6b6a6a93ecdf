import CLibPQ
import PgsqlStateCore

/// A libpq result as plain values (`QueryResult`), for the core to read: nothing is decided here.
enum ResultValues {
    static func of(_ result: OpaquePointer) -> QueryResult {
        switch PQresultStatus(result) {
        case PGRES_TUPLES_OK:
            let count = Int(PQntuples(result))
            guard count > 0 else { return .rows(count: 0, first: []) }
            let first: [String?] = (0..<PQnfields(result)).map { column in
                PQgetisnull(result, 0, column) == 1 ? nil : String(cString: PQgetvalue(result, 0, column))
            }
            return .rows(count: count, first: first)
        case PGRES_FATAL_ERROR, PGRES_NONFATAL_ERROR, PGRES_BAD_RESPONSE:
            return .error(sqlState: PQresultErrorField(result, pgsql_state_diag_sqlstate()).map { String(cString: $0) },
                          message: PQresultErrorMessage(result).map { String(cString: $0) } ?? "")
        default:
            // Not a query's rows (a SELECT never ends in COMMAND_OK or COPY): read as a result of no shape.
            return .rows(count: 0, first: [])
        }
    }
}
