import PgsqlStateCore
import Testing

/// The one table from what libpq reports to a reason: the local connection, the facts query and every
/// peer read it alike.
@Suite struct FailureReasonTests {
    /// What an edge hands over.
    enum Reported: Sendable, CustomTestStringConvertible {
        /// A failed or lost connection: libpq's verbose message.
        case connection(String)
        /// A query's error result: `PG_DIAG_SQLSTATE` and the message.
        case result(String?, String)

        var testDescription: String {
            switch self {
            case .connection(let message): "connection: \(message)"
            case .result(let state, let message): "result \(state ?? "-"): \(message)"
            }
        }
    }

    @Test(arguments: [
        (Reported.connection("connection to server on socket \"/tmp/.s.PGSQL.5432\" failed: FATAL:  57P03: the database system is starting up\n"), Reason.starting),
        (.connection("FATAL:  57P03: the database system is not yet accepting connections\nDETAIL:  Consistent recovery state has not been yet reached."), .starting),
        (.connection("FATAL:  57P03: the database system is in recovery mode"), .starting),
        (.connection("FATAL:  57P03: le système de base de données se lance"), .starting),
        (.connection("FATAL:  57P03: the database system is shutting down"), .shuttingDown),
        (.result("57P03", "FATAL:  the database system is shutting down"), .shuttingDown),
        (.result("57P03", "FATAL:  the database system is starting up"), .starting),
        (.result("57P01", "FATAL:  terminating connection due to administrator command"), .shuttingDown),
        (.connection("FATAL:  57P02: terminating connection because of crash of another server process"), .shuttingDown),
        (.connection("FATAL:  53300: sorry, too many clients already"), .tooManyConnections),
        (.connection("FATAL:  53300: remaining connection slots are reserved for roles with the SUPERUSER attribute"), .tooManyConnections),
        (.connection("FATAL:  28P01: password authentication failed for user \"x\""), .authFailed),
        (.connection("FATAL:  28000: Peer authentication failed for user \"x\""), .authFailed),
        (.connection("FATAL:  42501: permission denied for database \"postgres\""), .insufficientPrivilege),
        (.result("42501", "ERROR:  permission denied for function pg_control_system"), .insufficientPrivilege),
        (.connection("FATAL:  3D000: database \"x\" does not exist"), .error),
        (.result("55000", "ERROR:  recovery is not in progress"), .error),
        (.result("XX000", "ERROR:  internal"), .error),
        (.connection("connection to server on socket \"/run/postgresql/.s.PGSQL.5432\" failed: No such file or directory\n\tIs the server running locally?"), .unreachable),
        (.connection("connection to server at \"127.0.0.1\", port 5432 failed: Connection refused"), .unreachable),
        (.result(nil, "server closed the connection unexpectedly"), .unreachable),
        (.connection(""), .unreachable),
    ])
    func reasons(_ reported: Reported, _ reason: Reason) {
        switch reported {
        case .connection(let message):
            #expect(FailureReason.connection(message: message, needsPassword: false) == reason)
            #expect(FailureReason.peerConnection(message: message, needsPassword: false) == reason)
        case .result(let sqlState, let message):
            let result = QueryResult.error(sqlState: sqlState, message: message)
            #expect(FactsQuery.read(result, .check).facts == .unanswered(reason))
            #expect(FactsQuery.read(result, .check).diagnostic == message)
            #expect(PeerQuery.outcome(result) == .unanswered(reason))
        }
    }

    @Test func aMissingPasswordIsTheServersRefusalLocallyAndThisNodesFaultForAPeer() {
        #expect(FailureReason.connection(message: "fe_sendauth: no password supplied", needsPassword: true) == .authFailed)
        #expect(FailureReason.peerConnection(message: "fe_sendauth: no password supplied", needsPassword: true) == .noPassword)
        #expect(FailureReason.peerConnection(message: "FATAL:  28P01: password authentication failed", needsPassword: false) == .authFailed)
    }

    @Test func resultsOfTheWrongShapeAreErrors() {
        let primary: [String?] = ["f", "f", nil, nil, nil, nil, nil, nil, nil, nil]
        #expect(FactsQuery.read(.rows(count: 1, first: primary), .check).facts == .answered(ServerFacts(inRecovery: false, readOnly: false)))
        #expect(FactsQuery.read(.rows(count: 2, first: primary), .check) == (.unanswered(.error), "unexpected result shape"))
        #expect(FactsQuery.read(.rows(count: 1, first: primary), .peers) == (.unanswered(.error), "unexpected result shape"))
        #expect(FactsQuery.read(.rows(count: 1, first: ["x"] + primary.dropFirst()), .check) == (.unanswered(.error), "unexpected result values"))
        #expect(FactsQuery.read(.none, .check) == (.unanswered(.error), "query returned no result"))
        #expect(PeerQuery.outcome(.rows(count: 0, first: [])) == .unanswered(.error))
        #expect(PeerQuery.outcome(.none) == .unanswered(.error))
        #expect(PeerQuery.outcome(.rows(count: 1, first: ["t", "t", nil, "7", "7345218465437208217"]))
            == .answered(PeerFacts(inRecovery: true, readOnly: true, timeline: 7, systemIdentifier: "7345218465437208217")))
    }
}
