/// What one run ends with: the bytes for the client, the exit status, and the lines for syslog. The
/// executable writes the bytes first and logs after, so a log line never delays an answer.
package struct Answer: Equatable, Sendable {
    /// For the socket (or stdout in command mode); nil: nothing to write (the peer is gone).
    package var bytes: [UInt8]?
    package var exitStatus: ExitStatus
    package var logLines: [LogLine]
    /// For standard error when it is not the client's socket (usage errors only).
    package var standardError: String?

    package init(bytes: [UInt8]?, exitStatus: ExitStatus, logLines: [LogLine] = [], standardError: String? = nil) {
        self.bytes = bytes
        self.exitStatus = exitStatus
        self.logLines = logLines
        self.standardError = standardError
    }
}

/// One line for syslog, decided by the core; the IO edge masks passwords and sends it.
package struct LogLine: Equatable, Sendable {
    package enum Priority: Equatable, Sendable { case error, warning, notice }

    package var priority: Priority
    package var message: String
    /// Lines a peer can cause at will (or that every run would repeat) share a per-host budget.
    package var budget: LogBudget.Kind?

    package init(_ priority: Priority, _ message: String, budget: LogBudget.Kind? = nil) {
        self.priority = priority
        self.message = message
        self.budget = budget
    }
}
