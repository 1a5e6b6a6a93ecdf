/// A checker's HTTP answer, judged strictly: what HAProxy needs to see for the check to count. The one parser
/// of answers in the tests (load, bursts, Patroni's endpoints).
public struct HTTPAnswer: Sendable, Equatable {
    public let status: Int
    /// Header fields by name as sent (the checker sends each once).
    public let headers: [String: String]
    public let body: String

    public init(status: Int, headers: [String: String], body: String) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public enum Problem: Error, Sendable, Equatable, CustomStringConvertible {
        /// Nothing at all.
        case empty
        /// Bytes, but not a whole answer: no complete head, or fewer body bytes than Content-Length.
        case truncated(String)
        /// A whole message that is not what the checker writes (bad status line, no Content-Length, extra bytes).
        case malformed(String)

        public var description: String {
            switch self {
            case .empty: return "empty"
            case let .truncated(why): return "truncated: \(why)"
            case let .malformed(why): return "malformed: \(why)"
            }
        }
    }

    /// `HTTP/1.1 <3 digits> <reason>\r\n`, headers with a `Content-Length`, a blank line, exactly
    /// Content-Length body bytes and nothing after them. `bodyless`: the answer to HEAD or OPTIONS, which
    /// has no body whatever its Content-Length says (RFC 9110 9.3.2, 8.6).
    public static func parse(_ bytes: [UInt8], bodyless: Bool = false) -> Result<HTTPAnswer, Problem> {
        if bytes.isEmpty { return .failure(.empty) }
        let crlfcrlf: [UInt8] = [13, 10, 13, 10]
        guard let headEnd = firstIndex(of: crlfcrlf, in: bytes) else {
            let prefix = Array("HTTP/1.1 ".utf8)
            let start = Array(bytes.prefix(prefix.count))
            if start != Array(prefix.prefix(start.count)) {
                return .failure(.malformed("does not start with HTTP/1.1: \(quote(bytes))"))
            }
            return .failure(.truncated("head incomplete after \(bytes.count) bytes: \(quote(bytes))"))
        }
        let head = String(decoding: bytes[..<headEnd], as: UTF8.self)
        let lines = head.split(separator: "\r\n", omittingEmptySubsequences: false)
        let statusLine = lines[0]
        let parts = statusLine.split(separator: " ", maxSplits: 2)
        guard parts.count == 3, parts[0] == "HTTP/1.1", parts[1].count == 3, let status = Int(parts[1]),
              !parts[2].isEmpty else {
            return .failure(.malformed("status line \(String(reflecting: String(statusLine)))"))
        }
        var contentLength: Int?
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else {
                return .failure(.malformed("header line \(String(reflecting: String(line)))"))
            }
            headers[String(line[..<colon])] = line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])
            if line[..<colon].lowercased() == "content-length" {
                guard contentLength == nil,
                      let value = Int(line[line.index(after: colon)...].trimmingCharacters(in: [" ", "\t"])),
                      value >= 0 else {
                    return .failure(.malformed("Content-Length \(String(reflecting: String(line)))"))
                }
                contentLength = value
            }
        }
        guard var contentLength else { return .failure(.malformed("no Content-Length")) }
        if bodyless { contentLength = 0 }
        let body = bytes[(headEnd + crlfcrlf.count)...]
        if body.count < contentLength {
            return .failure(.truncated("body \(body.count) of \(contentLength) bytes: \(quote(bytes))"))
        }
        if body.count > contentLength {
            return .failure(.malformed("\(body.count - contentLength) bytes after the body: \(quote(bytes))"))
        }
        return .success(HTTPAnswer(status: status, headers: headers, body: String(decoding: body, as: UTF8.self)))
    }

    private static func firstIndex(of needle: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= needle.count else { return nil }
        for start in 0...(bytes.count - needle.count) where bytes[start..<(start + needle.count)].elementsEqual(needle) {
            return start
        }
        return nil
    }

    private static func quote(_ bytes: [UInt8]) -> String {
        let text = String(decoding: bytes.prefix(200), as: UTF8.self)
        return String(reflecting: text) + (bytes.count > 200 ? "…" : "")
    }
}

extension String {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(drop { set.contains($0) }.reversed().drop { set.contains($0) }.reversed())
    }
}

extension Substring {
    fileprivate func trimmingCharacters(in set: Set<Character>) -> String {
        String(self).trimmingCharacters(in: set)
    }
}
