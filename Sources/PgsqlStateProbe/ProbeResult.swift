import PgsqlStateCore

/// What one probe learned, and libpq's own words for syslog when something went wrong. The diagnostic
/// never reaches the socket. `sqlState`: the facts query's error code, raw, for the plan to judge.
package struct ProbeResult: Sendable {
    package var facts: NodeFacts
    package var diagnostic: String?
    package var sqlState: String?

    package init(facts: NodeFacts, diagnostic: String? = nil, sqlState: String? = nil) {
        self.facts = facts
        self.diagnostic = diagnostic
        self.sqlState = sqlState
    }
}
