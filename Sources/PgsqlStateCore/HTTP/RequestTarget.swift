/// Maps a request target to a check: `/replica?lag=16MB` is the check spec `replica?lag=16MB`,
/// and `/` is the configured default.
public enum RequestTarget {
    public static func check(_ head: HTTPRequestHead, defaultCheck: Check) -> Result<Check, HTTPError> {
        let spec = head.target.utf8.first == UInt8(ascii: "/") ? head.target.dropFirst() : Substring(head.target)
        switch CheckSpec.parse(spec, defaultCheck: defaultCheck) {
        case .success(let check): return .success(check)
        case .failure(.unknownCheck): return .failure(.notFound)
        case .failure(.invalidParameter): return .failure(.badRequest)
        }
    }
}
