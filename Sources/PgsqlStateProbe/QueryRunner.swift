import CLibPQ
import PgsqlStateCore
import PgsqlStateIO

/// Runs `FactsQuery` on the non-blocking API: send, flush, wait for the result, all under the deadline.
enum QueryRunner {
    struct Outcome {
        var probe: ProbeResult
        /// The query raced a promotion (SQLSTATE 55000 from pg_is_wal_replay_paused()).
        var retry = false
    }

    static func facts(_ connection: borrowing Connection, until deadline: Deadline) -> Outcome {
        let handle = connection.handle
        guard PQsetnonblocking(handle, 1) == 0, PQsendQuery(handle, FactsQuery.sql) == 1 else {
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
        var outcome: Outcome?
        while true {
            while PQisBusy(handle) == 0 {
                guard let result = PQgetResult(handle) else {
                    return outcome ?? Outcome(probe: ProbeResult(facts: .unanswered(.error), diagnostic: "query returned no result"))
                }
                // Keep the first result; the loop reads on until NULL as libpq requires.
                if outcome == nil { outcome = read(result) }
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

    private static let timedOut = Outcome(probe: ProbeResult(facts: .unanswered(.timeout), diagnostic: "query timed out"))

    private static func lost(_ connection: borrowing Connection) -> Outcome {
        let message = connection.errorMessage
        return Outcome(probe: ProbeResult(facts: .unanswered(ConnectionFailure.reason(message: message, needsPassword: false)),
                                          diagnostic: message))
    }

    private static func read(_ result: OpaquePointer) -> Outcome {
        guard PQresultStatus(result) == PGRES_TUPLES_OK else {
            let sqlState = PQresultErrorField(result, pgsql_state_diag_sqlstate()).map { String(cString: $0) }
            let message = PQresultErrorMessage(result).map { String(cString: $0) } ?? ""
            let reason: Reason
            switch sqlState {
            case "42501": reason = .insufficientPrivilege
            case "57P01", "57P02", "57P03": reason = .shuttingDown
            default: reason = .error
            }
            return Outcome(probe: ProbeResult(facts: .unanswered(reason), diagnostic: message), retry: sqlState == "55000")
        }
        guard PQntuples(result) == 1, PQnfields(result) == Int32(FactsQuery.columnCount) else {
            return Outcome(probe: ProbeResult(facts: .unanswered(.error), diagnostic: "unexpected result shape"))
        }
        let row: [String?] = (0..<Int32(FactsQuery.columnCount)).map { column in
            PQgetisnull(result, 0, column) == 1 ? nil : String(cString: PQgetvalue(result, 0, column))
        }
        guard let facts = FactsQuery.facts(row: row) else {
            return Outcome(probe: ProbeResult(facts: .unanswered(.error), diagnostic: "unexpected result values"))
        }
        return Outcome(probe: ProbeResult(facts: .answered(facts)))
    }
}
