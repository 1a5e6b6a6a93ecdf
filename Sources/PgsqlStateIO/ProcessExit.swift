import CPosix
import PgsqlStateCore

/// The end of the run: the exit status is part of the answer (keepalived, systemd's SuccessExitStatus=).
package enum ProcessExit {
    package static func now(_ status: ExitStatus) -> Never { ThisProcess.exit(status.rawValue) }
}
