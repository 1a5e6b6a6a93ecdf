/// A complete HTTP/1.1 response: status line, exact Content-Length, `Connection: close`, blank line and
/// the body (a one-word answer, or a document this checker rendered). Only fixed words and documents
/// built from parsed values ever reach the wire, never request bytes or libpq text.
package struct HTTPResponse: Equatable, Sendable {
    package var status: Int
    /// The one word a check answers with (the body of plain-text answers, and what the log says).
    package var word: String
    package var body: String
    package var contentType: String
    package var method: HTTPRequestHead.Method
    package var allowHeader: Bool

    package init(status: Int, word: String, method: HTTPRequestHead.Method = .get, allowHeader: Bool = false) {
        self.init(status: status, word: word, body: word + "\n", contentType: "text/plain", method: method,
                  allowHeader: allowHeader)
    }

    package init(status: Int, word: String, body: String, contentType: String, method: HTTPRequestHead.Method,
                allowHeader: Bool = false) {
        self.status = status
        self.word = word
        self.body = body
        self.contentType = contentType
        self.method = method
        self.allowHeader = allowHeader
    }

    /// 200 primary, 206 standby for the role check (the convention of the psql-under-xinetd scripts we
    /// replace); 200 for any other check that passes; 501 for a check that cannot be answered without a
    /// cluster manager; 503 otherwise.
    package init(verdict: Verdict, method: HTTPRequestHead.Method) {
        let status: Int
        switch (verdict.outcome, verdict.check, verdict.state) {
        case (.passed, .role, .standby): status = 206
        case (.passed, _, _): status = 200
        case (_, _, .unavailable(.syncStateUnknown)): status = 501
        case (.wrongRole, _, _), (.unavailable, _, _): status = 503
        }
        self.init(status: status, word: verdict.state.word, method: method)
    }

    /// `method`: when the request line was readable. HEAD and OPTIONS answers carry no body, errors included.
    package init(error: HTTPError, method: HTTPRequestHead.Method? = nil) {
        let (status, word): (Int, String)
        switch error {
        case .badRequest: (status, word) = (400, "bad-request")
        case .notFound: (status, word) = (404, "not-found")
        case .methodNotAllowed: (status, word) = (405, "method-not-allowed")
        case .requestTimeout: (status, word) = (408, "request-timeout")
        case .headerTooLarge: (status, word) = (431, "header-too-large")
        case .versionNotSupported: (status, word) = (505, "version-not-supported")
        }
        self.init(status: status, word: word, method: method ?? .get, allowHeader: error == .methodNotAllowed)
    }

    package var bytes: [UInt8] {
        var text = "HTTP/1.1 \(status) \(Self.reasonPhrase(status))\r\n"
        text += "Content-Type: \(contentType)\r\n"
        switch method {
        case .get, .head:
            // HEAD carries the length the GET body would have (RFC 9110 9.3.2).
            text += "Content-Length: \(body.utf8.count)\r\n"
        case .options:
            // No content: Content-Length 0 is required (RFC 9110 9.3.7). HAProxy's default `option httpchk`
            // sends `OPTIONS / HTTP/1.0` and reads only the status; Patroni answers it the same way.
            text += "Content-Length: 0\r\n"
        }
        if allowHeader || method == .options { text += "Allow: GET, HEAD, OPTIONS\r\n" }
        text += "Connection: close\r\n\r\n"
        if method == .get { text += body }
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
        case 501: "Not Implemented"
        case 503: "Service Unavailable"
        case 505: "HTTP Version Not Supported"
        default: "Unknown"
        }
    }
}
