import CPosix
import PgsqlStateCore

/// A point on the monotonic clock: every wait in the process is bounded by one.
package struct Deadline: Sendable {
    package let nanoseconds: UInt64

    package init(nanoseconds: UInt64) { self.nanoseconds = nanoseconds }

    /// CLOCK_MONOTONIC (clock_gettime(2)) in nanoseconds: immune to wall-clock steps.
    package static func monotonicNanoseconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    package static func after(nanoseconds: UInt64) -> Deadline {
        Deadline(nanoseconds: monotonicNanoseconds() + nanoseconds)
    }

    package var remainingNanoseconds: UInt64 {
        let current = Self.monotonicNanoseconds()
        return nanoseconds > current ? nanoseconds - current : 0
    }

    package var hasPassed: Bool { remainingNanoseconds == 0 }

    /// The earlier of two deadlines.
    package func capped(at other: Deadline) -> Deadline {
        nanoseconds <= other.nanoseconds ? self : other
    }

    /// Milliseconds for poll(2), rounded up so that a wait never ends before the deadline.
    var pollMilliseconds: Int32 {
        let remaining = remainingNanoseconds
        return Int32(min((remaining + 999_999) / 1_000_000, UInt64(Int32.max)))
    }
}
