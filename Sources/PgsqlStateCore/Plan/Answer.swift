/// What one run ends with: the bytes for the client, the exit status, and the lines for syslog. The
/// executable writes the bytes first and logs after, so a log line never delays an answer.
public struct Answer: Equatable, Sendable {
    /// For the socket (or stdout in command mode); nil: nothing to write (the peer is gone).
    public var bytes: [UInt8]?
    public var exitStatus: ExitStatus
    public var logLines: [LogLine]
    /// For standard error when it is not the client's socket (usage errors only).
    public var standardError: String?

    public init(bytes: [UInt8]?, exitStatus: ExitStatus, logLines: [LogLine] = [], standardError: String? = nil) {
        self.bytes = bytes
        self.exitStatus = exitStatus
        self.logLines = logLines
        self.standardError = standardError
    }
}

/// One line for syslog, decided by the core; the IO edge masks passwords and sends it.
public struct LogLine: Equatable, Sendable {
    public enum Priority: Equatable, Sendable { case error, warning, notice }

    public var priority: Priority
    public var message: String
    /// Lines a peer can cause at will (or that every run would repeat) share a per-host budget.
    public var budget: LogBudget.Kind?

    public init(_ priority: Priority, _ message: String, budget: LogBudget.Kind? = nil) {
        self.priority = priority
        self.message = message
        self.budget = budget
    }
}
