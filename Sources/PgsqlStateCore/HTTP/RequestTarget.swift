/// Maps a request target to what is asked: a check (`/replica?lag=16MB` is the check spec
/// `replica?lag=16MB`, `/` the configured default) or a report (`/status`, `/patroni`, `/metrics`).
package enum RequestTarget {
    package enum Target: Equatable, Sendable {
        case check(Check)
        case report(Document)
    }

    package static func route(_ head: HTTPRequestHead, defaultCheck: Check) throws(HTTPError) -> Target {
        let path = head.target.utf8.first == UInt8(ascii: "/") ? head.target.dropFirst() : Substring(head.target)
        // Patroni's /patroni and /metrics read no query parameters; neither do ours.
        if let report = Document(path: path.prefix(while: { $0 != "?" })) { return .report(report) }
        return .check(try check(head, defaultCheck: defaultCheck))
    }

    package static func check(_ head: HTTPRequestHead, defaultCheck: Check) throws(HTTPError) -> Check {
        let spec = head.target.utf8.first == UInt8(ascii: "/") ? head.target.dropFirst() : Substring(head.target)
        do {
            return try CheckParser.parse(spec, defaultCheck: defaultCheck)
        } catch {
            switch error {
            case .unknownCheck: throw .notFound
            case .invalidParameter: throw .badRequest
            }
        }
    }
}
