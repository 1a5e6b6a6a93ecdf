/// A PostgreSQL server of a `PostgresLab`. The names are the lab's data directory names: after a
/// promotion `.standby` is still the node that was started as the standby.
public enum Node: String, Sendable, CaseIterable, CustomStringConvertible {
    case primary
    case standby
    /// A second standby of the primary, added with `PostgresLab.addStandby()`.
    case third

    public var description: String { rawValue }
}

/// A `pg_ctl stop -m` mode. Accepts string literals too: `mode: "immediate"` or `mode: .immediate`.
public struct StopMode: RawRepresentable, Sendable, Hashable, ExpressibleByStringLiteral, CustomStringConvertible {
    public let rawValue: String

    public init(rawValue: String) {
        self.rawValue = rawValue
    }

    public init(stringLiteral value: String) {
        self.rawValue = value
    }

    public static let smart = StopMode(rawValue: "smart")
    public static let fast = StopMode(rawValue: "fast")
    public static let immediate = StopMode(rawValue: "immediate")

    public var description: String { rawValue }
}
