/// `--config PATH`: the options that the shipped xinetd and systemd files share, in one file an operator
/// edits without touching their command lines. One `name = value` a line, `name` a long option without
/// its dashes (`peer = host=192.0.2.12 port=5432`); the value is the rest of the line, trimmed, `=` signs
/// included. Blank lines and lines starting with `#` are ignored.
package enum Config {
    /// Options that only make sense on a command line.
    // Arrays, not Sets, throughout the shipped code: hashing collections pull libm into the Embedded build.
    private static let refused: [String] = ["config", "help", "version"]

    /// The lines as `--name=value` arguments, in order.
    package static func arguments(_ text: String, path: String) throws(UsageError) -> [String] {
        var arguments: [String] = []
        for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = trimmed(rawLine)
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let equals = line.firstIndex(of: "=") else {
                throw UsageError("\(path):\(index + 1): expected 'name = value'")
            }
            let name = trimmed(line[..<equals])
            let value = trimmed(line[line.index(after: equals)...])
            // "peer host=x" (a forgotten "="): the name would swallow part of the value.
            guard name.allSatisfy({ $0 == "-" || ($0 >= "a" && $0 <= "z") || ($0 >= "0" && $0 <= "9") }) else {
                throw UsageError("\(path):\(index + 1): expected 'name = value'")
            }
            guard !name.isEmpty, !name.hasPrefix("-"), !refused.contains(String(name)) else {
                throw UsageError("\(path):\(index + 1): '\(name)' is not an option a config file can set")
            }
            arguments.append("--\(name)=\(value)")
        }
        return arguments
    }

    private static func trimmed(_ text: Substring) -> Substring {
        var text = text
        while let first = text.first, first == " " || first == "\t" || first == "\r" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
        return text
    }
}
