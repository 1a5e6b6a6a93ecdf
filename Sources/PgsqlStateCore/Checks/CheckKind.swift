/// What a caller asks: one name per check, with the aliases Patroni users already have in their HAProxy files.
public enum CheckKind: String, Sendable, CaseIterable {
    case role
    case primary
    case standby
    case readOnly = "read-only"
    case health

    public init?(name: String) {
        switch name {
        case "role": self = .role
        case "primary", "master", "leader", "read-write": self = .primary
        case "standby", "replica": self = .standby
        case "read-only": self = .readOnly
        case "health": self = .health
        default: return nil
        }
    }

    /// Lag and streaming limits only mean something where a standby can pass.
    public var acceptsStandbyLimits: Bool {
        switch self {
        case .role, .standby, .readOnly: true
        case .primary, .health: false
        }
    }
}
