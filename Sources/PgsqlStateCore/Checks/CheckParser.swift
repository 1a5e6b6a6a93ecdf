/// Parses `NAME[?PARAM=VALUE[&PARAM=VALUE]]`: the same text in `--check`, in an HTTP path after its slash,
/// and in the line HAProxy sends with `agent-send`.
package enum CheckParser {
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
            // A parameter that does not apply to this check is ignored, as Patroni ignores it
            // (`/primary?lag=1MB`, `/?mode=write`): HAProxy lines written for Patroni work unchanged.
            // One that applies must parse, and an unknown name is refused: a typo must not silently
            // drop a limit (Patroni drops it: README, "Deliberate differences from Patroni").
            if key.hasPrefix("tag_") {
                guard check.kind.appliesTags else { continue }
                guard let tag = Tag.parse(pair.dropFirst(4)) else { throw .invalidParameter }
                check.requiredTags.append(tag)
                continue
            }
            switch key {
            case "lag":
                guard check.kind.acceptsStandbyLimits else { continue }
                guard let bytes = ByteSize.parse(value) else { throw .invalidParameter }
                check.maxLagBytes = bytes
            case "replication_state":
                guard check.kind.acceptsStandbyLimits else { continue }
                guard value == "streaming" else { throw .invalidParameter }
                check.requireStreaming = true
            case "mode":
                guard check.kind == .readiness else { continue }
                guard let mode = Check.LagMode(rawValue: String(value)) else { throw .invalidParameter }
                check.lagMode = mode
            default:
                throw .invalidParameter
            }
        }
        return check
    }
}
