/// Why a node cannot serve: one word, safe to put on the wire and in a `tcp-check expect string` match
/// (none contains "production" or "standby").
public enum Reason: String, Sendable, CaseIterable {
    case unreachable
    case timeout
    case starting
    case shuttingDown = "shutting-down"
    case tooManyConnections = "too-many-connections"
    case authFailed = "auth-failed"
    case readOnly = "read-only"
    case replayPaused = "replay-paused"
    case lagging
    case notStreaming = "not-streaming"
    case maintenance
    case insufficientPrivilege = "insufficient-privilege"
    case error

    public var word: String { rawValue }
}
