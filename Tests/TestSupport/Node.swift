/// A PostgreSQL server of a `PostgresLab`, named by the order it was created, never by its role: roles
/// change (a promotion makes `.second` the primary), names do not. The raw values are the data
/// directory names scripts/pg-cluster gives them.
public enum Node: String, Sendable, CaseIterable, CustomStringConvertible {
    /// Created by initdb; the primary until a test promotes another node.
    case first = "primary"
    /// Created by pg_basebackup from `.first`; a streaming standby until promoted.
    case second = "standby"
    /// Another standby of `.first`, added with `PostgresLab.addStandby()`.
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
