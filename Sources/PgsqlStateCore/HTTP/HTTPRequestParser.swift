/// Parses a request head from the bytes received so far. Strict about syntax, case-insensitive where
/// HTTP is, tolerant of bare LF line ends, and decides as early as the bytes allow so that garbage is
/// answered at once instead of waiting for a line end that never comes.
package enum HTTPRequestParser {
    package static let maxHeadLength = 8192

    package enum Progress: Equatable, Sendable {
        case incomplete
        case complete(HTTPRequestHead)
        case invalid(HTTPError)
    }

    /// Never `.incomplete` at `maxHeadLength` bytes or more, whichever path decided it: the caller stops
    /// reading there, so an incomplete head that long could never become anything but a timeout.
    package static func parse(_ bytes: ArraySlice<UInt8>) -> Progress {
        let result = parseWithoutLimit(bytes)
        return result == .incomplete ? withinLimit(bytes) : result
    }

    private static func parseWithoutLimit(_ bytes: ArraySlice<UInt8>) -> Progress {
        var start = bytes.startIndex
        // RFC 9112 2.2: ignore empty lines before the request line.
        while start < bytes.endIndex, bytes[start] == cr || bytes[start] == lf {
            if bytes[start] == cr {
                let next = bytes.index(after: start)
                guard next < bytes.endIndex else { return .incomplete }
                guard bytes[next] == lf else { return .invalid(.badRequest) }
            }
            start = bytes.index(after: start)
        }
        var lines = LineScanner(bytes: bytes[start...])
        guard let requestLine = lines.next() else {
            return lines.partialLineIsValid(requestLine: true) ? .incomplete : .invalid(.badRequest)
        }
        guard case .line(let line) = requestLine else { return .invalid(.badRequest) }
        let head: HTTPRequestHead
        do {
            head = try parseRequestLine(line)
        } catch {
            return .invalid(error)
        }
        while let next = lines.next() {
            guard case .line(let line) = next else { return .invalid(.badRequest) }
            if line.isEmpty { return .complete(head) }
            guard isValidHeaderLine(line) else { return .invalid(.badRequest) }
        }
        return lines.partialLineIsValid(requestLine: false) ? .incomplete : .invalid(.badRequest)
    }

    private static func withinLimit(_ bytes: ArraySlice<UInt8>) -> Progress {
        bytes.count >= maxHeadLength ? .invalid(.headerTooLarge) : .incomplete
    }

    private static func parseRequestLine(_ line: ArraySlice<UInt8>) throws(HTTPError) -> HTTPRequestHead {
        let parts = line.split(separator: space, omittingEmptySubsequences: false)
        // HTTP/0.9 ("GET /") has no version: refused like any other malformed line.
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty }) else { throw .badRequest }
        let methodBytes = parts[0], targetBytes = parts[1], versionBytes = parts[2]
        guard methodBytes.allSatisfy(isTokenCharacter) else { throw .badRequest }
        switch version(versionBytes) {
        case .some(true): break
        case .some(false): throw .versionNotSupported
        case .none: throw .badRequest
        }
        guard let method = HTTPRequestHead.Method(rawValue: String(decoding: methodBytes, as: UTF8.self)) else {
            throw .methodNotAllowed
        }
        guard targetBytes.allSatisfy({ $0 > space && $0 < 0x7F && $0 != UInt8(ascii: "#") }) else {
            throw .badRequest
        }
        guard let target = originForm(String(decoding: targetBytes, as: UTF8.self), method: method) else {
            throw .badRequest
        }
        return HTTPRequestHead(method: method, target: target)
    }

    /// true for HTTP/1.0 and HTTP/1.1, false for another well-formed version (HTTP/2.0 preface,
    /// HTTP/3.0), nil for anything else.
    private static func version(_ bytes: ArraySlice<UInt8>) -> Bool? {
        let text = Array(bytes)
        guard text.count == 8, text[0..<5].elementsEqual("HTTP/".utf8), isDigit(text[5]),
              text[6] == UInt8(ascii: "."), isDigit(text[7]) else { return nil }
        return text[5] == UInt8(ascii: "1") && (text[7] == UInt8(ascii: "0") || text[7] == UInt8(ascii: "1"))
    }

    private static func originForm(_ target: String, method: HTTPRequestHead.Method) -> String? {
        if target.hasPrefix("/") { return target }
        if target == "*" { return method == .options ? "/" : nil }
        // Absolute-form must be accepted by servers (RFC 9112 3.2.2); keep only path and query.
        let lowered = target.lowercased()
        for scheme in ["http://", "https://"] where lowered.hasPrefix(scheme) {
            let afterScheme = target.dropFirst(scheme.count)
            guard let slash = afterScheme.firstIndex(where: { $0 == "/" || $0 == "?" }) else { return "/" }
            let rest = afterScheme[slash...]
            return rest.hasPrefix("/") ? String(rest) : "/" + rest
        }
        return nil
    }

    private static func isValidHeaderLine(_ line: ArraySlice<UInt8>) -> Bool {
        guard let colon = line.firstIndex(of: UInt8(ascii: ":")), colon > line.startIndex else { return false }
        // No whitespace before the colon, no obsolete line folding (RFC 9112 5.1, 5.2).
        guard line[..<colon].allSatisfy(isTokenCharacter) else { return false }
        return line[line.index(after: colon)...].allSatisfy(isFieldValueCharacter)
    }

    static func isTokenCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "!"), UInt8(ascii: "#"), UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "&"),
             UInt8(ascii: "'"), UInt8(ascii: "*"), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "."),
             UInt8(ascii: "^"), UInt8(ascii: "_"), UInt8(ascii: "`"), UInt8(ascii: "|"), UInt8(ascii: "~"):
            return true
        default:
            return false
        }
    }

    static func isFieldValueCharacter(_ byte: UInt8) -> Bool {
        byte == space || byte == tab || (byte > space && byte != 0x7F)
    }

    private static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    private static let cr = UInt8(ascii: "\r")
    private static let lf = UInt8(ascii: "\n")
    private static let space = UInt8(ascii: " ")
    private static let tab = UInt8(ascii: "\t")

    /// Splits on LF, dropping one CR before it; a CR anywhere else makes the line invalid.
    private struct LineScanner {
        enum Item { case line(ArraySlice<UInt8>), invalid }
        var bytes: ArraySlice<UInt8>

        mutating func next() -> Item? {
            guard let lf = bytes.firstIndex(of: HTTPRequestParser.lf) else { return nil }
            var line = bytes[bytes.startIndex..<lf]
            bytes = bytes[bytes.index(after: lf)...]
            if line.last == HTTPRequestParser.cr { line = line.dropLast() }
            return line.contains(HTTPRequestParser.cr) ? .invalid : .line(line)
        }

        /// What remains without a line end can still become valid: early rejection of garbage.
        func partialLineIsValid(requestLine: Bool) -> Bool {
            var rest = bytes
            if rest.last == HTTPRequestParser.cr { rest = rest.dropLast() }
            if rest.contains(HTTPRequestParser.cr) { return false }
            if requestLine {
                return rest.allSatisfy { $0 >= HTTPRequestParser.space && $0 < 0x7F }
            }
            return rest.allSatisfy(HTTPRequestParser.isFieldValueCharacter)
        }
    }
}
