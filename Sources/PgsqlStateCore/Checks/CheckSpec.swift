/// Parses `NAME[?PARAM=VALUE[&PARAM=VALUE]]`: the same text in `--check`, in an HTTP path after its slash,
/// and in the line HAProxy sends with `agent-send`.
package enum CheckSpec {
    package enum Failure: Error, Equatable, Sendable {
        case unknownCheck
        case invalidParameter
    }

    /// `defaultCheck` is used for an empty name (`/`, `/?lag=1MB`, an empty agent line);
    /// parameters given here replace its limits.
    package static func parse(_ text: Substring, defaultCheck: Check = .role) throws(Failure) -> Check {
        let name: Substring
        let query: Substring?
        if let mark = text.firstIndex(of: "?") {
            name = text[..<mark]
            query = text[text.index(after: mark)...]
        } else {
            name = text
            query = nil
        }
        var check: Check
        if name.isEmpty {
            check = defaultCheck
        } else {
            guard let kind = CheckKind(name: String(name)) else { throw .unknownCheck }
            check = Check(kind: kind)
        }
        guard let query else { return check }
        for pair in query.split(separator: "&", omittingEmptySubsequences: false) {
            guard let equals = pair.firstIndex(of: "=") else { throw .invalidParameter }
            let key = pair[..<equals]
            let value = pair[pair.index(after: equals)...]
            if key.hasPrefix("tag_") {
                // Patroni's user-defined tags; ignored (but still checked for form) on the leader checks.
                guard let tag = Tag.parse(pair.dropFirst(4)) else { throw .invalidParameter }
                if check.kind.appliesTags { check.requiredTags.append(tag) }
                continue
            }
            switch key {
            case "lag":
                guard check.kind.acceptsStandbyLimits, let bytes = ByteSize.parse(value) else { throw .invalidParameter }
                check.maxLagBytes = bytes
            case "replication_state":
                guard check.kind.acceptsStandbyLimits, value == "streaming" else { throw .invalidParameter }
                check.requireStreaming = true
            case "mode":
                guard check.kind == .readiness, let mode = Check.LagMode(rawValue: String(value)) else {
                    throw .invalidParameter
                }
                check.lagMode = mode
            default:
                // Unknown parameters are refused: a typo must not silently drop a limit.
                throw .invalidParameter
            }
        }
        return check
    }
}
