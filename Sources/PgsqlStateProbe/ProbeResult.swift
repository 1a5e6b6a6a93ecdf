import PgsqlStateCore

/// What one probe learned, and libpq's own words for syslog when something went wrong. The diagnostic
/// never reaches the socket.
public struct ProbeResult: Sendable {
    public var facts: NodeFacts
    public var diagnostic: String?

    public init(facts: NodeFacts, diagnostic: String? = nil) {
        self.facts = facts
        self.diagnostic = diagnostic
    }
}
