import CLibPQ
import PgsqlStateCore
import PgsqlStateIO

/// Runs `FactsQuery` once on the non-blocking API: send, flush, wait for the result, all under the deadline.
enum FactsQueryRunner {
    static func run(on connection: borrowing Connection, query: FactsQuery.Variant, until deadline: Deadline) -> ProbeResult {
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
        var attempt: ProbeResult?
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

    private static let timedOut = ProbeResult(.failed(.timeout, diagnostic: "query timed out"))

    private static func lost(_ connection: borrowing Connection) -> ProbeResult {
        let message = connection.errorMessage
        return ProbeResult(.failed(FailureReason.connection(message: message, needsPassword: false), diagnostic: message))
    }

    private static func read(_ values: QueryResult, query: FactsQuery.Variant) -> ProbeResult {
        ProbeResult(.queried(values, query))
    }
}
