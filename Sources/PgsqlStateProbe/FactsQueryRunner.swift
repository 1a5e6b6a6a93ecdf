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
                guard let result = PQgetResult(handle) else { return attempt ?? read(.none, query: query) }
                // Keep the first result; the loop reads on until NULL as libpq requires.
                if attempt == nil { attempt = read(ResultValues.of(result), query: query) }
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
        return Attempt(result: ProbeResult(facts: .unanswered(FailureReason.connection(message: message, needsPassword: false)),
                                          diagnostic: message))
    }

    private static func read(_ values: QueryResult, query: FactsQuery.Variant) -> Attempt {
        let read = FactsQuery.read(values, query)
        return Attempt(result: ProbeResult(facts: read.facts, diagnostic: read.diagnostic), racedPromotion: values.sqlState == "55000")
    }
}
