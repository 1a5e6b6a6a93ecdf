/// How one run spends its `--timeout`, as offsets from its start: the answer is written by `answer`; all
/// PostgreSQL work (the probe, then the peers) ends at `postgres`, a little earlier, so that a hung server
/// still gets its 503 out in time; waiting for a request (HTTP head, agent-send line) and asking the peers
/// each take at most half of the timeout. Every other wait of the process is here too, as a constant.
package struct Budget: Equatable, Sendable {
    package let timeoutNanoseconds: UInt64

    package init(timeoutNanoseconds: UInt64) { self.timeoutNanoseconds = timeoutNanoseconds }

    package var answer: UInt64 { timeoutNanoseconds }
    package var postgres: UInt64 { timeoutNanoseconds - min(timeoutNanoseconds / 10, 50_000_000) }
    /// HAProxy sends its request with the connection; a client that sends nothing still gets the default check.
    package var request: UInt64 { timeoutNanoseconds / 2 }
    /// A hung peer must not hold the answer to the deadline.
    package var peers: UInt64 { timeoutNanoseconds / 2 }

    /// The run's deadlines, once the executable has read the clock at its start.
    package func deadlines(startedAt start: UInt64) -> RunDeadlines { RunDeadlines(budget: self, start: start) }

    /// A usage error on the socket has no --timeout to spend: its (empty) answer and clean close get this.
    package static let usageAnswer: UInt64 = 100_000_000
    /// After the answer and shutdown(SHUT_WR): how long the client may take to close first, so that we never
    /// close with its unread bytes pending (Linux would answer with RST, tcp(7)).
    package static let linger: UInt64 = 1_000_000_000
    /// A `--peer` line's remembered parse (`ParsedConninfo`) is waited for at most this long, at start-up;
    /// then libpq parses it again.
    package static let rememberedParse: UInt64 = 100_000_000
    /// A regular `--config` file never waits; this only bounds something else given as one (a FIFO).
    package static let configRead: UInt64 = 2_000_000_000
}
