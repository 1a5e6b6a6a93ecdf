/// A `KEY=VALUE` tag, as an operator sets it (`--tag`, `tag = KEY=VALUE` in the config file) and as a
/// check asks for it (`tag_KEY=VALUE`, Patroni's REST API). Compared as exact strings.
package struct Tag: Equatable, Sendable {
    package var key: String
    package var value: String

    package init(key: String, value: String) {
        self.key = key
        self.value = value
    }

    /// `KEY=VALUE` with a non-empty key of letters, digits, `_` and `-` (nothing that needs escaping in
    /// a query string, a JSON key or a log line); nil otherwise.
    package static func parse(_ text: Substring) -> Tag? {
        guard let equals = text.firstIndex(of: "=") else { return nil }
        let key = text[..<equals]
        let value = text[text.index(after: equals)...]
        guard isName(key), value.utf8.count <= 256, value.utf8.allSatisfy(isValueByte) else { return nil }
        return Tag(key: String(key), value: String(value))
    }

    static func isName(_ text: Substring) -> Bool {
        !text.isEmpty && text.utf8.count <= 64 && text.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
        }
    }

    /// Printable ASCII without the query string's separators.
    static func isValueByte(_ byte: UInt8) -> Bool {
        byte > 0x20 && byte < 0x7F && byte != UInt8(ascii: "&") && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\")
    }

    /// The value configured for `key` (the last one given wins), nil when the node has no such tag.
    package static func value(of key: String, in tags: [Tag]) -> String? {
        tags.last(where: { $0.key == key })?.value
    }
}
