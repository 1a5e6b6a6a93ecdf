import CPosix
import PgsqlStateCore

/// Diagnostics go to syslog only: in inetd mode stdout and stderr are the client's socket.
///
/// Not glibc's syslog(3): it sends with a blocking socket, so a syslog daemon that is slow or stuck would
/// hold the check past its deadline (a full datagram queue blocks the sender). Here the message is sent
/// once, without waiting, and dropped if it cannot go at once: the answer matters more than the log line.
package enum Syslog {
    package enum Priority {
        case error, warning, notice

        var value: Int32 {
            switch self {
            case .error: LOG_ERR
            case .warning: LOG_WARNING
            case .notice: LOG_NOTICE
            }
        }
    }

    package static let identifier = "pgsql-state"
    static let path = "/dev/log"

    /// Sends one line, passwords masked (SecretMask); returns false when it was dropped (no syslog socket,
    /// or it would block).
    @discardableResult
    package static func log(_ priority: Priority, _ message: String) -> Bool {
        let line = format(priority: priority, message: SecretMask.redact(message), timestamp: ThisProcess.localTime("%b %e %H:%M:%S"), pid: ThisProcess.id)
        for type in [SOCK_DGRAM, SOCK_STREAM] {
            let flags = Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
            guard case .success(let fd) = FileDescriptor.socket(domain: AF_UNIX, type: flags) else { return false }
            defer { fd.close() }
            if case .failure(let error) = fd.connect(unixPath: path) {
                // /dev/log may be a stream socket (as glibc also tries); anything else: no syslog here.
                if error == .protocolType { continue }
                return false
            }
            // A stream needs a record terminator; glibc uses NUL.
            var bytes = Array(line.utf8)
            if type == SOCK_STREAM { bytes.append(0) }
            let sent = bytes.withUnsafeBytes { fd.send($0, flags: Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)) }
            return sent == .success(bytes.count)
        }
        return false
    }

    /// A line a client or a peer can cause at will, or one repeated every run: logged only within the host's shared
    /// budget for its kind (LogBudgetFile), as LogBudget resolves it. Returns false when it was not logged.
    @discardableResult
    package static func log(_ priority: Priority, _ message: String, budget kind: LogBudget.Kind) -> Bool {
        let decision = LogBudget.resolve(LogBudgetFile.count(kind), kind: kind)
        guard decision.log else { return false }
        return log(priority, LogBudget.line(message, suppressedBefore: decision.suppressedBefore))
    }

    /// A line as the core decided it: priority, message, and the budget it shares, if any.
    @discardableResult
    package static func log(_ line: LogLine) -> Bool {
        let priority: Priority = switch line.priority {
        case .error: .error
        case .warning: .warning
        case .notice: .notice
        }
        guard let budget = line.budget else { return log(priority, line.message) }
        return log(priority, line.message, budget: budget)
    }

    /// RFC 3164 as glibc writes it: `<PRI>Mmm dd hh:mm:ss pgsql-state[PID]: message`, facility daemon.
    /// Line breaks in the message become spaces: one event, one line.
    package static func format(priority: Priority, message: String, timestamp: String, pid: Int32) -> String {
        let flat = message.split(whereSeparator: { $0.isNewline }).joined(separator: " ")
        return "<\(LOG_DAEMON | priority.value)>\(timestamp) \(identifier)[\(pid)]: \(flat)"
    }
}
