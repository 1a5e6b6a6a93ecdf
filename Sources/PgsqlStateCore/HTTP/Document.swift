/// A document about the node rather than a check: always 200 when rendered, whatever the node's state.
package enum Document: String, Equatable, Sendable {
    /// JSON with Patroni's field names where the meaning is the same (`GET /patroni` too).
    case status
    /// Prometheus text exposition format.
    case metrics

    init?(path: Substring) {
        switch path {
        case "status", "patroni": self = .status
        case "metrics": self = .metrics
        default: return nil
        }
    }
}
