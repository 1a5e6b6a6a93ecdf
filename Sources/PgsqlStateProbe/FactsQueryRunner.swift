import CLibPQ
import PgsqlStateCore
import PgsqlStateIO

/// Runs `FactsQuery` once on the non-blocking API: send, flush, wait for the result, all under the deadline.
enum FactsQueryRunner {
    /// One run of the query: what it learned, and whether it raced a promotion and should run again.
    struct Attempt {
        var result: ProbeResult
        /// The query raced a promotion (SQLSTATE 55000 from pg_is_wal_replay_paused()).
        var racedPromotion = false
    }

    static func run(on connection: borrowing Connection, query: FactsQuery.Variant, until deadline: Deadline) -> Attempt {
        let handle = connection.handle
        guard PQsetnonblocking(handle, 1) == 0, PQsendQuery(handle, FactsQuery.sql(query)) == 1 else {
            return lost(connection)
        }
        while true {
            let flushed = PQflush(handle)
            if flushed == 0 { break }
            guard flushed == 1 else { return lost(connection) }
            switch Readiness.wait(PQsocket(handle), for: .writable, until: deadline) {
            case .ready: continue
            case .timedOut: return timedOut
            case .failed: return lost(connection)
            }
        }
        var attempt: Attempt?
        while true {
            while PQisBusy(handle) == 0 {
                guard let result = PQgetResult(handle) else {
                    return attempt ?? Attempt(result: ProbeResult(facts: .unanswered(.error), diagnostic: "query returned no result"))
                }
                // Keep the first result; the loop reads on until NULL as libpq requires.
                if attempt == nil { attempt = read(result, columns: FactsQuery.columnCount(query)) }
                PQclear(result)
            }
            switch Readiness.wait(PQsocket(handle), for: .readable, until: deadline) {
            case .ready:
                guard PQconsumeInput(handle) == 1 else { return lost(connection) }
            case .timedOut:
                return timedOut
            case .failed:
                return lost(connection)
            }
        }
    }

    private static let timedOut = Attempt(result: ProbeResult(facts: .unanswered(.timeout), diagnostic: "query timed out"))

    private static func lost(_ connection: borrowing Connection) -> Attempt {
        let message = connection.errorMessage
        return Attempt(result: ProbeResult(facts: .unanswered(ConnectionFailure.reason(message: message, needsPassword: false)),
                                          diagnostic: message))
    }

    private static func read(_ result: OpaquePointer, columns: Int) -> Attempt {
        guard PQresultStatus(result) == PGRES_TUPLES_OK else {
            let sqlState = PQresultErrorField(result, pgsql_state_diag_sqlstate()).map { String(cString: $0) }
            let message = PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
            let reason: Reason
            switch sqlState {
            case "42501": reason = .insufficientPrivilege
            case "57P01", "57P02", "57P03": reason = .shuttingDown
            default: reason = .error
            }
            return Attempt(result: ProbeResult(facts: .unanswered(reason), diagnostic: message), racedPromotion: sqlState == "55000")
        }
        guard PQntuples(result) == 1, PQnfields(result) == Int32(columns) else {
            return Attempt(result: ProbeResult(facts: .unanswered(.error), diagnostic: "unexpected result shape"))
        }
        let row: [String?] = (0..<Int32(columns)).map { column in
            PQgetisnull(result, 0, column) == 1 ? nil : String(cString: PQgetvalue(result, 0, column))
        }
        guard let facts = FactsQuery.facts(row: row) else {
            return Attempt(result: ProbeResult(facts: .unanswered(.error), diagnostic: "unexpected result values"))
        }
        return Attempt(result: ProbeResult(facts: .answered(facts)))
    }
}
