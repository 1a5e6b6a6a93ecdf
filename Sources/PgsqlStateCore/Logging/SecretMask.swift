/// Masks passwords in a diagnostic before it leaves the process. libpq quotes a malformed URI, user info
/// included, in its error messages, and a mistyped option is reported verbatim, so every line to syslog or
/// stderr goes through here. Errs on the side of masking too much.
public enum SecretMask {
    public static let mask = "***"

    /// `password=VALUE` (any key ending in "password": also `sslpassword`, `PGPASSWORD`, the URI query
    /// parameter), quoted with single quotes and backslash escapes as libpq's keyword/value form allows, or
    /// unquoted up to white space or `&`; and the password in URI user info (`scheme://user:PASSWORD@host`).
    public static func redact(_ text: String) -> String {
        redactURIUserInfo(redactPasswordValues(Array(text.utf8)))
    }

    /// True when `conninfo` names a password: it is then visible in `ps` and in the unit or xinetd file.
    public static func carriesPassword(_ conninfo: String) -> Bool {
        redact(conninfo) != conninfo
    }

    private static let keyword = Array("password".utf8)

    private static func redactPasswordValues(_ bytes: [UInt8]) -> [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        while index < bytes.count {
            guard matchesKeyword(bytes, at: index) else {
                output.append(bytes[index])
                index += 1
                continue
            }
            // The keyword, optional blanks, '=', optional blanks: kept.
            var cursor = index + keyword.count
            while cursor < bytes.count, isBlank(bytes[cursor]) { cursor += 1 }
            guard cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") else {
                output += bytes[index..<cursor]
                index = cursor
                continue
            }
            cursor += 1
            while cursor < bytes.count, isBlank(bytes[cursor]) { cursor += 1 }
            output += bytes[index..<cursor]
            output += mask.utf8
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: "'") {
                // Quoted: up to the closing quote, honouring backslash escapes; an unterminated value runs to the end.
                cursor += 1
                while cursor < bytes.count, bytes[cursor] != UInt8(ascii: "'") {
                    cursor += bytes[cursor] == UInt8(ascii: "\\") ? 2 : 1
                }
                cursor = min(cursor + 1, bytes.count)
            } else {
                while cursor < bytes.count, !isBlank(bytes[cursor]), bytes[cursor] != UInt8(ascii: "&") { cursor += 1 }
                // A closing double quote of libpq's quoting stays, for readability.
                if cursor > 0, bytes[cursor - 1] == UInt8(ascii: "\""), cursor - 1 > index + keyword.count {
                    cursor -= 1
                }
            }
            index = cursor
        }
        return output
    }

    /// After each "://": if an '@' follows before the next quote, everything between the first ':' and the
    /// last such '@' is the password (libpq stops user info at the first '@'; masking up to the last one
    /// covers a password with a raw '@', '/' or space in it, at the price of masking a host now and then).
    private static func redactURIUserInfo(_ bytes: [UInt8]) -> String {
        var output = bytes
        var searchFrom = 0
        while let separator = find(Array("://".utf8), in: output, from: searchFrom) {
            let start = separator + 3
            var end = start
            while end < output.count, output[end] != UInt8(ascii: "\""), output[end] != UInt8(ascii: "'") { end += 1 }
            guard let at = output[start..<end].lastIndex(of: UInt8(ascii: "@")),
                  let colon = output[start..<at].firstIndex(of: UInt8(ascii: ":")) else {
                searchFrom = start
                continue
            }
            output.replaceSubrange((colon + 1)..<at, with: mask.utf8)
            searchFrom = colon + 1 + mask.utf8.count
        }
        return String(decoding: output, as: UTF8.self)
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
