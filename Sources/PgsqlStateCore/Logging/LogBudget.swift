/// How many lines of one kind the checkers of a host may log per window, shared by every process through a
/// small record each (see `LogBudgetFile`). Lines a peer can cause at will (one per connection) need it:
/// each systemd connection is its own unit, so journald's per-unit rate limit never applies to them.
package enum LogBudget {
    package enum Kind: Equatable, Sendable {
        /// A rejected HTTP request or agent-send line.
        case rejectedRequest
        /// The warning that --conninfo carries a password.
        case conninfoPassword
        /// The warning that a --peer line is neither verify-full TLS nor channel-bound.
        case unverifiedPeer
        /// Why a check failed (`unavailable: REASON …`, the peers' verdicts): one budget per reason, so a
        /// client repeating a check it chose (`/replica?tag_a=b`) cannot flood syslog, while the first line
        /// of another incident (another reason) is still logged at once.
        case unavailable(Reason)
        /// A primary confirmed while some peers did not answer: logged on every check that asks them.
        case peersIgnored
        /// `--share-facts` is set but this check could not use the shared file: it probed alone.
        case unshared

        /// The kind's record in the shared file. Reasons follow the fixed kinds in `Reason.allCases` order;
        /// a release that reorders them only mixes up one window's counts.
        package var index: Int {
            switch self {
            case .rejectedRequest: 0
            case .conninfoPassword: 1
            case .peersIgnored: 2
            case .unverifiedPeer: 3
            case .unavailable(let reason): 4 + (Reason.allCases.firstIndex(of: reason) ?? 0)
            case .unshared: 4 + Reason.allCases.count
            }
        }

        package var limit: UInt32 {
            switch self {
            case .rejectedRequest, .unavailable, .peersIgnored: 10
            case .conninfoPassword, .unverifiedPeer, .unshared: 1
            }
        }

        /// Whether a line is logged when the shared budget cannot be consulted at all (no runtime
        /// directory, as after `make install` before the next boot; or one this user may not enter, as for
        /// a vrrp_script run as keepalived's script user). Why a check failed is worth more than the
        /// bound; a rejected request is not.
        package var logsWhenUncounted: Bool {
            switch self {
            case .unavailable, .peersIgnored: true
            // Without the directory there is no budget either: every check would log it.
            case .rejectedRequest, .conninfoPassword, .unverifiedPeer, .unshared: false
            }
        }

        package var windowSeconds: UInt64 {
            switch self {
            case .rejectedRequest, .unavailable, .peersIgnored: 60
            case .conninfoPassword, .unverifiedPeer, .unshared: 3600
            }
        }
    }

    /// One kind's state: the window's start (seconds on a clock shared by all processes), lines logged in
    /// it, lines suppressed since the last logged one.
    package struct Record: Equatable, Sendable {
        package var windowStart: UInt64
        package var logged: UInt32
        package var suppressed: UInt32

        package init(windowStart: UInt64, logged: UInt32, suppressed: UInt32) {
            self.windowStart = windowStart
            self.logged = logged
            self.suppressed = suppressed
        }

        package static let size = 16

        /// Little-endian, fixed size; anything else (a new or torn file) decodes to nil, a fresh window.
        package init?(bytes: [UInt8]) {
            guard bytes.count == Self.size else { return nil }
            func value(_ range: Range<Int>) -> UInt64 {
                range.reversed().reduce(0) { $0 << 8 | UInt64(bytes[$1]) }
            }
            self.init(windowStart: value(0..<8), logged: UInt32(value(8..<12)), suppressed: UInt32(value(12..<16)))
        }

        package var bytes: [UInt8] {
            (0..<8).map { UInt8(truncatingIfNeeded: windowStart >> (8 * $0)) }
                + (0..<4).map { UInt8(truncatingIfNeeded: logged >> (8 * $0)) }
                + (0..<4).map { UInt8(truncatingIfNeeded: suppressed >> (8 * $0)) }
        }
    }

    package struct Decision: Equatable, Sendable {
        /// Log the line now.
        package var log: Bool
        /// Lines of this kind suppressed before this one, to mention in it.
        package var suppressedBefore: UInt32
        package var next: Record
    }

    /// What consulting the shared budget came to.
    package enum Count: Equatable, Sendable {
        case counted(Decision)
        /// Another checker is counting this kind right now: it logs, or the budget is spent for both.
        case busy
        /// No budget to consult, and why.
        case uncounted(Uncounted)
    }

    /// Why the shared budget could not be consulted: the errno of the step that failed.
    package enum Uncounted: Equatable, Sendable {
        /// No runtime directory, or none this user may enter or write (open(2)).
        case open(Errno)
        /// The record lock failed for another reason than a holder (fcntl(2)).
        case lock(Errno)
        /// The new record could not be written whole (pwrite(2)); nil for a short write.
        case write(Errno?)
    }

    /// Whether to log, and the suppressed count to mention.
    package static func resolve(_ count: Count, kind: Kind) -> (log: Bool, suppressedBefore: UInt32) {
        switch count {
        case .counted(let decision): (decision.log, decision.suppressedBefore)
        case .busy: (false, 0)
        case .uncounted: (kind.logsWhenUncounted, 0)
        }
    }

    package static func decide(_ record: Record?, kind: Kind, now: UInt64) -> Decision {
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
    package static func line(_ message: String, suppressedBefore: UInt32) -> String {
        suppressedBefore == 0 ? message : "\(message) (\(suppressedBefore) similar lines suppressed before)"
    }
}
