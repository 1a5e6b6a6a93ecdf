import PgsqlStateCore
import Testing

@Suite struct RenderingTests {
    private func text(_ response: HTTPResponse) -> String { String(decoding: response.bytes, as: UTF8.self) }

    @Test func roleCheckStatuses() {
        let primary = Verdict(check: .role, state: .primary, outcome: .passed)
        #expect(text(HTTPResponse(verdict: primary, method: .get))
            == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nprimary\n")
        let standby = Verdict(check: .role, state: .standby, outcome: .passed)
        #expect(text(HTTPResponse(verdict: standby, method: .get))
            == "HTTP/1.1 206 Partial Content\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nstandby\n")
        let down = Verdict(check: .role, state: .unavailable(.timeout), outcome: .unavailable)
        #expect(text(HTTPResponse(verdict: down, method: .get)).hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(text(HTTPResponse(verdict: down, method: .get)).hasSuffix("\r\n\r\ntimeout\n"))
    }

    @Test func otherChecksAnswer200Not206() {
        let standby = Verdict(check: .standby, state: .standby, outcome: .passed)
        #expect(HTTPResponse(verdict: standby, method: .get).status == 200)
        let wrongRole = Verdict(check: .primary, state: .standby, outcome: .wrongRole)
        #expect(HTTPResponse(verdict: wrongRole, method: .get).status == 503)
        #expect(HTTPResponse(verdict: wrongRole, method: .get).word == "standby")
    }

    @Test func headHasLengthButNoBody() {
        let primary = Verdict(check: .primary, state: .primary, outcome: .passed)
        #expect(text(HTTPResponse(verdict: primary, method: .head))
            == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\n")
    }

    @Test func contentLengthIsExactForEveryAnswer() {
        var responses = HTTPResponseCatalog.errors.map { HTTPResponse(error: $0) }
        responses += Reason.allCases.map { HTTPResponse(status: 503, word: $0.word) }
        for response in responses {
            let full = text(response)
            let parts = full.split(separator: "\r\n\r\n", maxSplits: 1, omittingEmptySubsequences: false)
            #expect(parts.count == 2)
            #expect(full.contains("Content-Length: \(parts[1].utf8.count)\r\n"))
        }
    }

    @Test func optionsHasNoContentAndSaysWhatIsAllowed() {
        // RFC 9110 9.3.7: no content, Content-Length 0. Patroni and HAProxy's `option httpchk` read the status.
        let standby = Verdict(check: .role, state: .standby, outcome: .passed)
        #expect(text(HTTPResponse(verdict: standby, method: .options))
            == "HTTP/1.1 206 Partial Content\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nAllow: GET, HEAD, OPTIONS\r\nConnection: close\r\n\r\n")
        #expect(text(HTTPResponse(error: .notFound, method: .options))
            == "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 0\r\nAllow: GET, HEAD, OPTIONS\r\nConnection: close\r\n\r\n")
        let document = HTTPResponse(status: 200, word: "status", body: "{}\n", contentType: "application/json", method: .options)
        #expect(text(document).hasSuffix("Content-Length: 0\r\nAllow: GET, HEAD, OPTIONS\r\nConnection: close\r\n\r\n"))
        #expect(text(HTTPResponse(status: 200, word: "status", body: "{}\n", contentType: "application/json", method: .head))
            == "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 3\r\nConnection: close\r\n\r\n")
    }

    @Test func syncChecksOnAStandbyAre501() {
        let verdict = Verdict(check: .sync, state: .unavailable(.syncStateUnknown), outcome: .unavailable)
        #expect(text(HTTPResponse(verdict: verdict, method: .get))
            == "HTTP/1.1 501 Not Implemented\r\nContent-Type: text/plain\r\nContent-Length: 19\r\nConnection: close\r\n\r\nsync-state-unknown\n")
    }

    @Test func headErrorsCarryNoBody() {
        #expect(text(HTTPResponse(error: .notFound, method: .head))
            == "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain\r\nContent-Length: 10\r\nConnection: close\r\n\r\n")
        #expect(text(HTTPResponse(error: .notFound, method: .get)).hasSuffix("\r\n\r\nnot-found\n"))
    }

    @Test func errorResponses() {
        #expect(text(HTTPResponse(error: .methodNotAllowed))
            == "HTTP/1.1 405 Method Not Allowed\r\nContent-Type: text/plain\r\nContent-Length: 19\r\nAllow: GET, HEAD, OPTIONS\r\nConnection: close\r\n\r\nmethod-not-allowed\n")
        #expect(HTTPResponse(error: .badRequest).status == 400)
        #expect(HTTPResponse(error: .notFound).status == 404)
        #expect(HTTPResponse(error: .requestTimeout).status == 408)
        #expect(HTTPResponse(error: .headerTooLarge).status == 431)
        #expect(HTTPResponse(error: .versionNotSupported).status == 505)
    }

    @Test func textWords() {
        #expect(TextAnswer.line(Verdict(check: .role, state: .primary, outcome: .passed)) == "production\n")
        #expect(TextAnswer.line(Verdict(check: .role, state: .standby, outcome: .passed)) == "standby\n")
        // The node's role even when the check wants the other one: HAProxy's expect string decides.
        #expect(TextAnswer.line(Verdict(check: .primary, state: .standby, outcome: .wrongRole)) == "standby\n")
    }

    @Test(arguments: Reason.allCases)
    func reasonWordsNeverMatchTheRoleWords(_ reason: Reason) {
        let line = TextAnswer.line(Verdict(check: .role, state: .unavailable(reason), outcome: .unavailable))
        #expect(line == reason.word + "\n")
        #expect(!line.contains("production") && !line.contains("standby"))
        #expect(reason.word.utf8.allSatisfy { $0 == UInt8(ascii: "-") || ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) })
    }

    @Test func agentWords() {
        #expect(AgentAnswer.line(Verdict(check: .primary, state: .primary, outcome: .passed)) == "up ready\n")
        #expect(AgentAnswer.line(Verdict(check: .primary, state: .standby, outcome: .wrongRole)) == "maint\n")
        #expect(AgentAnswer.line(Verdict(check: .standby, state: .unavailable(.lagging), outcome: .unavailable)) == "drain\n")
        #expect(AgentAnswer.line(Verdict(check: .standby, state: .unavailable(.maintenance), outcome: .unavailable)) == "drain\n")
        #expect(AgentAnswer.line(Verdict(check: .standby, state: .unavailable(.timeout), outcome: .unavailable)) == "down #timeout\n")
    }
}

enum HTTPResponseCatalog {
    static let errors: [HTTPError] = [.badRequest, .notFound, .methodNotAllowed, .requestTimeout, .headerTooLarge, .versionNotSupported]
}
