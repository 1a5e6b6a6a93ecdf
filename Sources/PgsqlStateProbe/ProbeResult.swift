import PgsqlStateCore

/// What one probe learned, and libpq's own words for syslog when something went wrong. The diagnostic
/// never reaches the socket. `sqlState`: the facts query's error code, raw, for the plan to judge.
public struct ProbeResult: Sendable {
    public var facts: NodeFacts
    public var diagnostic: String?
    public var sqlState: String?

    public init(facts: NodeFacts, diagnostic: String? = nil, sqlState: String? = nil) {
        self.facts = facts
        self.diagnostic = diagnostic
        self.sqlState = sqlState
    }
}
