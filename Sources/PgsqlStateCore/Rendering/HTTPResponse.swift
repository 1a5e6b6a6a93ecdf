/// A complete HTTP/1.1 response: status line, exact Content-Length, `Connection: close`, blank line and
/// a one-word body. Only fixed words ever reach the wire, never request bytes or libpq text.
public struct HTTPResponse: Equatable, Sendable {
    public var status: Int
    public var word: String
    public var includeBody: Bool
    public var allowHeader: Bool

    public init(status: Int, word: String, includeBody: Bool = true, allowHeader: Bool = false) {
        self.status = status
        self.word = word
        self.includeBody = includeBody
        self.allowHeader = allowHeader
    }

    /// 200 primary, 206 standby for the role check (the convention of the psql-under-xinetd scripts we replace); 200 for any other check that
    /// passes; 503 otherwise.
    public init(verdict: Verdict, method: HTTPRequestHead.Method) {
        let status: Int
        switch (verdict.outcome, verdict.check, verdict.state) {
        case (.passed, .role, .standby): status = 206
        case (.passed, _, _): status = 200
        case (.wrongRole, _, _), (.unavailable, _, _): status = 503
        }
        self.init(status: status, word: verdict.state.word, includeBody: method != .head)
    }

    /// `method`: when the request line was readable. A HEAD answer carries no body, errors included.
    public init(error: HTTPError, method: HTTPRequestHead.Method? = nil) {
        let (status, word): (Int, String)
        switch error {
        case .badRequest: (status, word) = (400, "bad-request")
        case .notFound: (status, word) = (404, "not-found")
        case .methodNotAllowed: (status, word) = (405, "method-not-allowed")
        case .requestTimeout: (status, word) = (408, "request-timeout")
        case .headerTooLarge: (status, word) = (431, "header-too-large")
        case .versionNotSupported: (status, word) = (505, "version-not-supported")
        }
        self.init(status: status, word: word, includeBody: method != .head, allowHeader: error == .methodNotAllowed)
    }

    public var bytes: [UInt8] {
        let body = word + "\n"
        var text = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        text += "Content-Type: text/plain\r\n"
        // HEAD carries the length the GET body would have (RFC 9110 9.3.2).
        text += "Content-Length: \(body.utf8.count)\r\n"
        if allowHeader { text += "Allow: GET, HEAD, OPTIONS\r\n" }
        text += "Connection: close\r\n\r\n"
        if includeBody { text += body }
        return Array(text.utf8)
    }

    static func reasonPhrase(_ status: Int) -> String {
        switch status {
        case 200: "OK"
        case 206: "Partial Content"
        case 400: "Bad Request"
        case 404: "Not Found"
        case 405: "Method Not Allowed"
        case 408: "Request Timeout"
        case 431: "Request Header Fields Too Large"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Unknown"
        }
    }
}
