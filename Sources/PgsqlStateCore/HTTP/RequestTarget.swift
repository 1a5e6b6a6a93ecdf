/// Maps a request target to what is asked: a check (`/replica?lag=16MB` is the check spec
/// `replica?lag=16MB`, `/` the configured default) or a report (`/status`, `/patroni`, `/metrics`).
public enum RequestTarget {
    public enum Target: Equatable, Sendable {
        case check(Check)
        case report(Report)
    }

    public static func route(_ head: HTTPRequestHead, defaultCheck: Check) -> Result<Target, HTTPError> {
        let path = head.target.utf8.first == UInt8(ascii: "/") ? head.target.dropFirst() : Substring(head.target)
        if let report = Report(path: path) { return .success(.report(report)) }
        return check(head, defaultCheck: defaultCheck).map { .check($0) }
    }

    public static func check(_ head: HTTPRequestHead, defaultCheck: Check) -> Result<Check, HTTPError> {
        let spec = head.target.utf8.first == UInt8(ascii: "/") ? head.target.dropFirst() : Substring(head.target)
        switch CheckSpec.parse(spec, defaultCheck: defaultCheck) {
        case .success(let check): return .success(check)
        case .failure(.unknownCheck): return .failure(.notFound)
        case .failure(.invalidParameter): return .failure(.badRequest)
        }
    }
}

/// A document about the node rather than a check: always 200 when rendered, whatever the node's state.
public enum Report: String, Equatable, Sendable {
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
