/// How many lines of one kind the checkers of a host may log per window, shared by every process through a
/// small record each (see `LogBudgetFile`). Lines a peer can cause at will (one per connection) need it:
/// each systemd connection is its own unit, so journald's per-unit rate limit never applies to them.
public enum LogBudget {
    public enum Kind: Int, CaseIterable, Sendable {
        /// A rejected HTTP request or agent-send line.
        case rejectedRequest
        /// The warning that --conninfo carries a password.
        case conninfoPassword
        /// The warning that a --peer line is neither verify-full TLS nor channel-bound.
        case unverifiedPeer

        public var limit: UInt32 {
            switch self {
            case .rejectedRequest: 10
            case .conninfoPassword, .unverifiedPeer: 1
            }
        }

        public var windowSeconds: UInt64 {
            switch self {
            case .rejectedRequest: 60
            case .conninfoPassword, .unverifiedPeer: 3600
            }
        }
    }

    /// One kind's state: the window's start (seconds on a clock shared by all processes), lines logged in
    /// it, lines suppressed since the last logged one.
    public struct Record: Equatable, Sendable {
        public var windowStart: UInt64
        public var logged: UInt32
        public var suppressed: UInt32

        public init(windowStart: UInt64, logged: UInt32, suppressed: UInt32) {
            self.windowStart = windowStart
            self.logged = logged
            self.suppressed = suppressed
        }

        public static let size = 16

        /// Little-endian, fixed size; anything else (a new or torn file) decodes to nil, a fresh window.
        public init?(bytes: [UInt8]) {
            guard bytes.count == Self.size else { return nil }
            func value(_ range: Range<Int>) -> UInt64 {
                range.reversed().reduce(0) { $0 << 8 | UInt64(bytes[$1]) }
            }
            self.init(windowStart: value(0..<8), logged: UInt32(value(8..<12)), suppressed: UInt32(value(12..<16)))
        }

        public var bytes: [UInt8] {
            (0..<8).map { UInt8(truncatingIfNeeded: windowStart >> (8 * $0)) }
                + (0..<4).map { UInt8(truncatingIfNeeded: logged >> (8 * $0)) }
                + (0..<4).map { UInt8(truncatingIfNeeded: suppressed >> (8 * $0)) }
        }
    }

    public struct Decision: Equatable, Sendable {
        /// Log the line now.
        public var log: Bool
        /// Lines of this kind suppressed before this one, to mention in it.
        public var suppressedBefore: UInt32
        public var next: Record
    }

    public static func decide(_ record: Record?, kind: Kind, now: UInt64) -> Decision {
        var current = record ?? Record(windowStart: now, logged: 0, suppressed: 0)
        // A new window (or a clock that went back: a record from before a reboot).
        if now >= current.windowStart + kind.windowSeconds || now < current.windowStart {
            current.windowStart = now
            current.logged = 0
        }
        guard current.logged < kind.limit else {
            current.suppressed &+= 1
            return Decision(log: false, suppressedBefore: 0, next: current)
        }
        let suppressed = current.suppressed
        current.logged += 1
        current.suppressed = 0
        return Decision(log: true, suppressedBefore: suppressed, next: current)
    }

    /// The line as logged: the suppressed count, when there is one, says what the gap was.
    public static func line(_ message: String, suppressedBefore: UInt32) -> String {
        suppressedBefore == 0 ? message : "\(message) (\(suppressedBefore) similar lines suppressed before)"
    }
}
