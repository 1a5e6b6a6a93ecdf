/// The parts of an HTTP/1.x request head that select a check. Headers are validated and then ignored:
/// HAProxy sends none we need (and HTTP/1.1 checks may carry no Host at all).
package struct HTTPRequestHead: Equatable, Sendable {
    package enum Method: String, Sendable {
        case get = "GET"
        case head = "HEAD"
        case options = "OPTIONS"
    }

    package var method: Method
    /// Path and query, always starting with "/": absolute-form is reduced to it, `OPTIONS *` becomes "/".
    package var target: String

    package init(method: Method, target: String) {
        self.method = method
        self.target = target
    }
}

/// Why a request gets an error answer instead of a check.
package enum HTTPError: Error, Equatable, Sendable {
    case badRequest
    case notFound
    case methodNotAllowed
    case requestTimeout
    case headerTooLarge
    case versionNotSupported
}
