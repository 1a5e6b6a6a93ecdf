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
