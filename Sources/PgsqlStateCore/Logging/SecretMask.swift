/// Masks passwords in a diagnostic before it leaves the process. libpq quotes a malformed URI, user info
/// included, in its error messages, and a mistyped option is reported verbatim, so every line to syslog or
/// stderr goes through here. Errs on the side of masking too much.
package enum SecretMask {
    package static let mask = "***"

    /// `password=VALUE` (any key ending in "password": also `sslpassword`, `PGPASSWORD`, the URI query
    /// parameter), quoted with single quotes and backslash escapes as libpq's keyword/value form allows, or
    /// unquoted up to white space or `&`; and the password in URI user info (`scheme://user:PASSWORD@host`).
    /// `secrets`: passwords known to be configured (`passwords(in:)`), masked wherever they stand as a word
    /// of their own, also in pieces: a password that libpq split at a raw `@` or `/` shows up in its errors
    /// as a host or a port.
    package static func redact(_ text: String, secrets: [String] = []) -> String {
        var bytes = Array(text.utf8)
        // Longest first, so that no shorter secret cuts a longer one apart. (A selection by length, not
        // sorted(by:): each sort specialization costs the Embedded executable kilobytes.)
        var remaining = secrets.map { Array($0.utf8) }
        while let longest = remaining.indices.max(by: { remaining[$0].count < remaining[$1].count }) {
            bytes = replacingOccurrences(of: remaining.remove(at: longest), in: bytes)
        }
        return String(decoding: replacing(passwordRanges(bytes), in: bytes), as: UTF8.self)
    }

    /// True when `conninfo` names a password: it is then visible in `ps` and in the unit or xinetd file.
    package static func carriesPassword(_ conninfo: String) -> Bool {
        !passwordRanges(Array(conninfo.utf8)).isEmpty
    }

    /// The passwords the connection strings carry: as written, unquoted and percent-decoded; and for a URI
    /// password, the pieces libpq cuts it into when it holds a raw '@' or '/' (`u:se@cret@host` makes
    /// `cret@host` a host name that libpq's error quotes). A quoted keyword/value password is read whole by
    /// libpq, so its pieces are no concern (and masking them would cut words out of every line).
    package static func passwords(in conninfos: [String]) -> [String] {
        var found: [String] = []
        for conninfo in conninfos {
            let bytes = Array(conninfo.utf8)
            for range in keywordValueRanges(bytes) {
                let value = Array(bytes[range])
                let plain = value.first == quote ? unquoted(value) : value
                found += [value, plain, percentDecoded(plain)].map { String(decoding: $0, as: UTF8.self) }
            }
            for range in uriPasswordRanges(bytes) {
                let value = Array(bytes[range])
                found += [value, percentDecoded(value)].map { String(decoding: $0, as: UTF8.self) }
                for piece in value.split(whereSeparator: { uriDelimiters.contains($0) }) where piece.count > 1 {
                    found.append(String(decoding: piece, as: UTF8.self))
                }
            }
        }
        var unique: [String] = []
        for secret in found where secret.utf8.count > 1 && !unique.contains(secret) { unique.append(secret) }
        return unique
    }

    private static let keyword = Array("password".utf8)
    private static let quote = UInt8(ascii: "'")
    /// What ends libpq's look-ahead for user info: a raw one in a password cuts it.
    private static let uriDelimiters: [UInt8] = Array("@/".utf8)

    /// Every password's bytes in `bytes`, in order, overlapping ones merged.
    private static func passwordRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var merged: [Range<Int>] = []
        // Both lists are in text order: merged by taking the earlier head each time.
        var keywordValues = keywordValueRanges(bytes)[...]
        var uriPasswords = uriPasswordRanges(bytes)[...]
        while let range = (keywordValues.first?.lowerBound ?? Int.max) <= (uriPasswords.first?.lowerBound ?? Int.max)
                ? keywordValues.popFirst() : uriPasswords.popFirst() {
            if let last = merged.last, range.lowerBound <= last.upperBound {
                merged[merged.count - 1] = last.lowerBound..<max(last.upperBound, range.upperBound)
            } else {
                merged.append(range)
            }
        }
        return merged
    }

    private static func keywordValueRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var index = 0
        while index < bytes.count {
            guard matchesKeyword(bytes, at: index) else {
                index += 1
                continue
            }
            // The keyword, optional blanks, '=', optional blanks: kept.
            var cursor = index + keyword.count
            while cursor < bytes.count, isBlank(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else {
                index = cursor
                continue
            }
            cursor += 1
            while cursor < bytes.count, isBlank(bytes[cursor]) { cursor += 1 }
            let start = cursor
            if cursor < bytes.count, bytes[cursor] == quote {
                // Quoted: up to the closing quote, honouring backslash escapes; an unterminated value runs to the end.
                cursor += 1
                while cursor < bytes.count, bytes[cursor] != quote {
                    cursor += bytes[cursor] == UInt8(ascii: "\\") ? 2 : 1
                }
                cursor = min(cursor + 1, bytes.count)
            } else {
                while cursor < bytes.count, !isBlank(bytes[cursor]), bytes[cursor] != UInt8(ascii: "&") { cursor += 1 }
                // A closing double quote of libpq's quoting stays, for readability.
                if cursor > start + 1, bytes[cursor - 1] == UInt8(ascii: "\"") { cursor -= 1 }
            }
            if cursor > start { ranges.append(start..<cursor) }
            index = cursor
        }
        return ranges
    }

    /// libpq (conninfo_uri_parse_options in fe-connect.c) takes user info up to the first '@' when no '/'
    /// comes before it, and the password from the user name's first ':' to that '@'. A password written
    /// with a raw '@', '/', quote or space breaks that grammar, and libpq's error then quotes the whole URI:
    /// so the password here runs from the first ':' (before any '/') to the last '@' before the next URI in
    /// the text, across quotes and blanks. That masks a host now and then; it never shows a password.
    private static func uriPasswordRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        let scheme = Array("://".utf8)
        var ranges: [Range<Int>] = []
        var next = find(scheme, in: bytes, from: 0)
        while let separator = next {
            let start = separator + scheme.count
            next = find(scheme, in: bytes, from: start)
            let end = next ?? bytes.count
            let authority = bytes[start..<end]
            guard let at = authority.lastIndex(of: UInt8(ascii: "@")),
                  let colon = authority.firstIndex(where: { $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: "/") }),
                  bytes[colon] == UInt8(ascii: ":"), colon < at, colon + 1 < at else { continue }
            ranges.append((colon + 1)..<at)
        }
        return ranges
    }

    private static func replacing(_ ranges: [Range<Int>], in bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        for range in ranges {
            output += bytes[index..<range.lowerBound]
            output += mask.utf8
            index = range.upperBound
        }
        return output + bytes[index...]
    }

    /// Every occurrence that is a word of its own (no letter or digit right before or after it): a piece
    /// such as "se" must not cut "use" apart, while libpq quotes the pieces it misread as names.
    private static func replacingOccurrences(of needle: [UInt8], in bytes: [UInt8]) -> [UInt8] {
        guard !needle.isEmpty else { return bytes }
        var output: [UInt8] = []
        var index = 0
        var from = 0
        while let found = find(needle, in: bytes, from: from) {
            let end = found + needle.count
            guard found == 0 || !isAlphanumeric(bytes[found - 1]), end == bytes.count || !isAlphanumeric(bytes[end]) else {
                from = found + 1
                continue
            }
            output += bytes[index..<found]
            output += mask.utf8
            index = end
            from = end
        }
        return output + bytes[index...]
    }

    private static func isAlphanumeric(_ byte: UInt8) -> Bool {
        (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(lowercased(byte))
    }

    /// A quoted keyword/value value without its quotes and with its backslash escapes resolved.
    private static func unquoted(_ value: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        var index = 1
        while index < value.count, value[index] != quote {
            if value[index] == UInt8(ascii: "\\"), index + 1 < value.count { index += 1 }
            output.append(value[index])
            index += 1
        }
        return output
    }

    private static func percentDecoded(_ value: [UInt8]) -> [UInt8] {
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
            default: nil
            }
        }
        var output: [UInt8] = []
        var index = 0
        while index < value.count {
            if value[index] == UInt8(ascii: "%"), index + 2 < value.count, let high = hex(value[index + 1]), let low = hex(value[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(value[index])
                index += 1
            }
        }
        return output
    }

    private static func matchesKeyword(_ bytes: [UInt8], at index: Int) -> Bool {
        guard index + keyword.count <= bytes.count else { return false }
        for offset in 0..<keyword.count where lowercased(bytes[index + offset]) != keyword[offset] { return false }
        return true
    }

    private static func find(_ needle: [UInt8], in bytes: [UInt8], from start: Int) -> Int? {
        guard needle.count <= bytes.count, start <= bytes.count - needle.count else { return nil }
        for index in start...(bytes.count - needle.count) where bytes[index..<(index + needle.count)].elementsEqual(needle) {
            return index
        }
        return nil
    }

    private static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte + 32 : byte
    }

    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r")
    }
}
