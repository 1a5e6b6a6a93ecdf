#if canImport(Glibc)
import Glibc
#endif

/// Diagnostics go to syslog only: in inetd mode stdout and stderr are the client's socket.
public enum Syslog {
    public enum Priority {
        case error, warning, notice

        var value: Int32 {
            switch self {
            case .error: LOG_ERR
            case .warning: LOG_WARNING
            case .notice: LOG_NOTICE
            }
        }
    }

    public static func open() {
        openlog("pgsql-state", LOG_PID, LOG_DAEMON)
    }

    public static func log(_ priority: Priority, _ message: String) {
        // Passed as an argument to "%s": a message never becomes a format string.
        message.withCString { text in
            withVaList([text]) { arguments in vsyslog(priority.value, "%s", arguments) }
        }
    }
}
