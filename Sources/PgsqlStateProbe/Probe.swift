import PgsqlStateCore
import PgsqlStateIO

/// The local server's facts, within a deadline: one connection of the `QuerySession`. Since PostgreSQL 14
/// a primary is known from the parameters it reports when the connection starts (`ReportedParameters`);
/// otherwise, or when asked to, the facts query runs on the same connection.
package enum Probe {
    /// `useReportedParameters: false` forces the query path, as with a server older than 14.
    package static func run(conninfo: String?, until deadline: Deadline,
                           useReportedParameters: Bool = true, query: FactsQuery.Variant = .check) -> ProbeResult {
        let pairs: [(keyword: String, value: String)]
        do {
            pairs = try ConninfoParser.parameters(conninfo)
        } catch {
            return ProbeResult(.failed(.error, diagnostic: "invalid --conninfo: \(error.message)"))
        }
        var session = QuerySession([(pairs, useReportedParameters ? nil : FactsQuery.sql(query))])
        session.run(until: deadline)
        if case .connected = session.outcome(0) {
            if let facts = ReportedParameters.facts(inHotStandby: session.parameter(0, "in_hot_standby"),
                                                    defaultTransactionReadOnly: session.parameter(0, "default_transaction_read_only")) {
                return ProbeResult(.reported(readOnly: facts.readOnly))
            }
            session.send(0, FactsQuery.sql(query))
            session.run(until: deadline)
        }
        return ProbeResult(session.outcome(0).record(query))
    }
}
