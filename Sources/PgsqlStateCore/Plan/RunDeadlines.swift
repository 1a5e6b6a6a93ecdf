/// A run's `Budget` as CLOCK_MONOTONIC readings: the executable reads the clock, this does the sums, so the
/// only deadline arithmetic of the process is in the core and tested by value.
package struct RunDeadlines: Equatable, Sendable {
    package let budget: Budget
    /// The clock when the run started, in nanoseconds.
    package let start: UInt64

    package init(budget: Budget, start: UInt64) {
        self.budget = budget
        self.start = start
    }

    /// The answer is written by then.
    package var answer: UInt64 { start + budget.answer }
    /// The probe, and the peers after it, end by then.
    package var postgres: UInt64 { start + budget.postgres }

    /// Peers asked at `now` for at most `nanoseconds` (`AnswerPlan.Action.askPeers`), never past the
    /// PostgreSQL end: a late probe leaves them only what is left.
    package func peersEnd(askedAt now: UInt64, nanoseconds: UInt64) -> UInt64 { min(now + nanoseconds, postgres) }
}
