/// A check and the limits a standby must meet to pass it.
public struct Check: Equatable, Sendable {
    public var kind: CheckKind
    /// Maximum replay lag in bytes; nil means no limit.
    public var maxLagBytes: UInt64?
    /// `replication_state=streaming`: a standby whose WAL receiver is not streaming fails.
    public var requireStreaming: Bool

    public init(kind: CheckKind, maxLagBytes: UInt64? = nil, requireStreaming: Bool = false) {
        self.kind = kind
        self.maxLagBytes = maxLagBytes
        self.requireStreaming = requireStreaming
    }

    public static let role = Check(kind: .role)

    /// Whether the WAL receiver must be read to decide this check.
    public var needsWalReceiver: Bool { maxLagBytes != nil || requireStreaming }
}
