/// Hand-written JSON (the product carries no Foundation): strings escaped as RFC 8259 section 7 requires,
/// members in the order they are added.
package struct JSONObject: Sendable {
    private var members: [String] = []

    package init() {}

    package mutating func add(_ key: String, _ value: JSONValue?) {
        members.append(JSONText.string(key) + ": " + (value?.text ?? "null"))
    }

    /// Adds the member only when there is a value (Patroni omits what does not apply).
    package mutating func addIfPresent(_ key: String, _ value: JSONValue?) {
        if let value { add(key, value) }
    }

    package var text: String { "{" + members.joined(separator: ", ") + "}" }
}

package enum JSONValue: Sendable {
    case string(String)
    case integer(Int64)
    case unsigned(UInt64)
    /// A number already written in JSON's grammar (see `JSONText.seconds`).
    case number(String)
    case bool(Bool)
    case object(JSONObject)
    case array([JSONValue])

    package var text: String {
        switch self {
        case .string(let value): JSONText.string(value)
        case .integer(let value): String(value)
        case .unsigned(let value): String(value)
        case .number(let value): value
        case .bool(let value): value ? "true" : "false"
        case .object(let value): value.text
        case .array(let values): "[" + values.map { $0.text }.joined(separator: ", ") + "]"
        }
    }
}

package enum JSONText {
    /// A JSON string: `"` and `\` escaped, control characters (U+0000 to U+001F) as `\uXXXX` or their
    /// short forms; everything else is UTF-8 as is (RFC 8259 section 7).
    package static func string(_ value: String) -> String {
        var out = "\""
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }

    /// Nanoseconds as decimal seconds with microsecond precision, without floating point: `0.001234`.
    package static func seconds(nanoseconds: UInt64) -> String {
        let micros = nanoseconds / 1_000
        let fraction = String(micros % 1_000_000)
        return String(micros / 1_000_000) + "." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }
}
