import CLibPQ
import PgsqlStateCore
import PgsqlStateIO
import CPosix

/// Turns one libpq connection into plain facts, within a deadline. libpq's `connect_timeout` cannot go
/// below 2 s and does not cover queries, so everything runs on the non-blocking API under our own poll.
package enum Probe {
    /// `useReportedParameters: false` forces the query path, as with a server older than 14.
    package static func run(conninfo: String?, until deadline: Deadline,
                           useReportedParameters: Bool = true, query: FactsQuery.Variant = .check) -> ProbeResult {
        let pairs: [(keyword: String, value: String)]
        do {
            pairs = try ConninfoCheck.parameters(conninfo)
        } catch {
            return ProbeResult(.failed(.error, diagnostic: "invalid --conninfo: \(error.message)"))
        }
        guard let connection = Connection(keywords: pairs.map { $0.keyword }, values: pairs.map { $0.value }) else {
            return ProbeResult(.failed(.error, diagnostic: "libpq could not allocate a connection"))
        }
        if let failure = connect(connection, until: deadline) { return failure }
        if useReportedParameters,
           let facts = ReportedParameters.facts(inHotStandby: connection.parameter("in_hot_standby"),
                                                defaultTransactionReadOnly: connection.parameter("default_transaction_read_only")) {
            return ProbeResult(.reported(readOnly: facts.readOnly))
        }
        return FactsQueryRunner.run(on: connection, query: query, until: deadline)
    }

    /// Drives PQconnectPoll to completion; nil when connected.
    private static func connect(_ connection: borrowing Connection, until deadline: Deadline) -> ProbeResult? {
        // As the libpq manual says: behave as if PQconnectPoll last returned PGRES_POLLING_WRITING.
        var state = PGRES_POLLING_WRITING
        if PQstatus(connection.handle) == CONNECTION_BAD { state = PGRES_POLLING_FAILED }
        while true {
            switch state {
            case PGRES_POLLING_OK:
                return nil
            case PGRES_POLLING_READING, PGRES_POLLING_WRITING:
                let event: Readiness.Event = state == PGRES_POLLING_READING ? .readable : .writable
                switch Readiness.wait(PQsocket(connection.handle), for: event, until: deadline) {
                case .ready: state = PQconnectPoll(connection.handle)
                case .timedOut: return ProbeResult(.failed(.timeout, diagnostic: "connection timed out"))
                case .failed: return failure(connection)
                }
            default:
                return failure(connection)
            }
        }
    }

    private static func failure(_ connection: borrowing Connection) -> ProbeResult {
        let message = connection.errorMessage
        let reason = FailureReason.connection(message: message,
                                              needsPassword: PQconnectionNeedsPassword(connection.handle) == 1)
        return ProbeResult(.failed(reason, diagnostic: message))
    }
}
