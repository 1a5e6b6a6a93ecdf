import PgsqlStateCore
import Testing

@Suite struct HTTPRequestParserTests {
    private func parse(_ text: String) -> HTTPRequestParser.Progress {
        HTTPRequestParser.parse(Array(text.utf8)[...])
    }

    @Test func haproxyBareHttpchk() {
        #expect(parse("OPTIONS / HTTP/1.0\r\n\r\n") == .complete(HTTPRequestHead(method: .options, target: "/")))
    }

    @Test func haproxyHttpCheckSendWithLowercaseHeader() {
        let request = "GET /replica?lag=16MB HTTP/1.1\r\nconnection: close\r\n\r\n"
        #expect(parse(request) == .complete(HTTPRequestHead(method: .get, target: "/replica?lag=16MB")))
    }

    @Test func headAndBareLineFeeds() {
        #expect(parse("HEAD /primary HTTP/1.1\nHost: db1\n\n") == .complete(HTTPRequestHead(method: .head, target: "/primary")))
    }

    @Test func leadingEmptyLinesAreIgnored() {
        #expect(parse("\r\n\r\nGET / HTTP/1.1\r\n\r\n") == .complete(HTTPRequestHead(method: .get, target: "/")))
    }

    @Test(arguments: ["", "GET", "GET / HTTP/1.1", "GET / HTTP/1.1\r\n", "GET / HTTP/1.1\r\nHost: x\r\n", "GET / HTTP/1.1\r"])
    func incompleteHeadsWait(_ text: String) {
        #expect(parse(text) == .incomplete)
    }

    @Test(arguments: [
        "GET /\r\n\r\n",                      // HTTP/0.9
        "GET  / HTTP/1.1\r\n\r\n",           // double space
        "GET / HTTP/1.1 \r\n\r\n",
        "GET / http/1.1\r\n\r\n",
        "GET / HTTP/1\r\n\r\n",
        "G@T / HTTP/1.1\r\n\r\n",
        "GET relative HTTP/1.1\r\n\r\n",
        "GET /a#frag HTTP/1.1\r\n\r\n",
        "GET / HTTP/1.1\r\nNo-Colon\r\n\r\n",
        "GET / HTTP/1.1\r\nName : value\r\n\r\n",
        "GET / HTTP/1.1\r\n: empty-name\r\n\r\n",
        "GET / HTTP/1.1\r\nA: b\r\n folded\r\n\r\n",
        "GET / HTTP/1.1\rHost: x\r\n\r\n",    // lone CR
        "GET / HTTP/1.1\r\nA: b\u{0}c\r\n\r\n",
        "\u{0}\u{1}\u{2}garbage",
        "GET /\u{7F} HTTP/1.1\r\n\r\n",
        "\r\r\n",
    ])
    func malformedHeadsAreBadRequests(_ text: String) {
        #expect(parse(text) == .invalid(.badRequest))
    }

    @Test func garbageIsRejectedBeforeAnyLineEnd() {
        #expect(HTTPRequestParser.parse([0x16, 0x03, 0x01, 0x02, 0x00][...]) == .invalid(.badRequest))  // a TLS hello
        #expect(parse("GET / HTTP/1.1\r\nX: \u{1}") == .invalid(.badRequest))
    }

    @Test func unknownMethodsAreNotAllowed() {
        #expect(parse("POST / HTTP/1.1\r\n\r\n") == .invalid(.methodNotAllowed))
        #expect(parse("get / HTTP/1.1\r\n\r\n") == .invalid(.methodNotAllowed))  // methods are case-sensitive
        #expect(parse("DELETE /primary HTTP/1.0\r\n\r\n") == .invalid(.methodNotAllowed))
    }

    @Test func otherVersionsAreNotSupported() {
        #expect(parse("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") == .invalid(.versionNotSupported))
        #expect(parse("GET / HTTP/3.0\r\n\r\n") == .invalid(.versionNotSupported))
        #expect(parse("GET / HTTP/1.2\r\n\r\n") == .invalid(.versionNotSupported))
    }

    @Test func absoluteFormKeepsPathAndQuery() {
        #expect(parse("GET http://db1:23267/replica?lag=1MB HTTP/1.1\r\n\r\n")
            == .complete(HTTPRequestHead(method: .get, target: "/replica?lag=1MB")))
        #expect(parse("GET HTTP://db1 HTTP/1.1\r\n\r\n") == .complete(HTTPRequestHead(method: .get, target: "/")))
        #expect(parse("GET http://db1?lag=1 HTTP/1.1\r\n\r\n") == .complete(HTTPRequestHead(method: .get, target: "/?lag=1")))
    }

    @Test func asteriskFormOnlyForOptions() {
        #expect(parse("OPTIONS * HTTP/1.1\r\n\r\n") == .complete(HTTPRequestHead(method: .options, target: "/")))
        #expect(parse("GET * HTTP/1.1\r\n\r\n") == .invalid(.badRequest))
    }

    @Test func headSizeIsBounded() {
        let long = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: HTTPRequestParser.maxHeadLength)
        #expect(parse(long) == .invalid(.headerTooLarge))
        let longButComplete = "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: 100) + "\r\n\r\n"
        #expect(parse(longButComplete) == .complete(HTTPRequestHead(method: .get, target: "/")))
    }

    /// The reader stops at the limit: a full buffer the parser still called incomplete (empty lines ending
    /// in a lone CR took a path without the size check) left it discarding input until the deadline.
    @Test(arguments: [
        "\n" + String(repeating: "\r\n", count: HTTPRequestParser.maxHeadLength / 2 - 1) + "\r",
        String(repeating: "\r\n", count: HTTPRequestParser.maxHeadLength / 2) + "\r",
        "GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: HTTPRequestParser.maxHeadLength - 20) + "\r",
        "GET /" + String(repeating: "a", count: HTTPRequestParser.maxHeadLength - 6) + "\r",
    ])
    func fullBufferIsNeverIncomplete(_ text: String) {
        #expect(text.utf8.count >= HTTPRequestParser.maxHeadLength)
        #expect(text.utf8.last == UInt8(ascii: "\r"))
        #expect(parse(text) == .invalid(.headerTooLarge))
    }

    @Test func bytesAfterTheHeadAreIgnored() {
        #expect(parse("GET / HTTP/1.1\r\nContent-Length: 5\r\n\r\nhello") == .complete(HTTPRequestHead(method: .get, target: "/")))
    }

    @Test func obsTextInHeaderValuesIsAccepted() {
        #expect(parse("GET / HTTP/1.1\r\nUser-Agent: caf\u{E9}\r\n\r\n") == .complete(HTTPRequestHead(method: .get, target: "/")))
    }
}
