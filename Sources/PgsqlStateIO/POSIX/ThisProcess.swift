import CPosix
import PgsqlStateCore

/// Calls about the running process itself, and its clocks other than the deadlines' (Deadline.swift).
package enum ThisProcess {
    /// getpid(2).
    package static var id: Int32 { getpid() }

    /// getenv(3): an environment variable, nil when unset.
    package static func environment(_ name: String) -> String? { getenv(name).map { String(cString: $0) } }

    /// geteuid(2).
    package static var effectiveUserID: uid_t { geteuid() }

    /// signal(2) with SIG_IGN.
    package static func ignore(signal: Int32) -> Result<Void, Errno> {
        nothingOrErrno { pgsql_state_ignore_signal(signal) }
    }

    /// exit(3): flushes nothing of ours (we write with write(2) and send(2) only), ends with `status`.
    package static func exit(_ status: Int32) -> Never { CPosix.exit(status) }

    /// CLOCK_BOOTTIME (clock_gettime(2)) in seconds: one clock for every process on the host, which keeps
    /// counting through a suspend.
    package static func bootSeconds() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_BOOTTIME, &time)
        return UInt64(time.tv_sec)
    }

    /// The local time now, as strftime(3) writes it with `format` (at most 63 bytes).
    package static func localTime(_ format: String) -> String {
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, format, &local)
        return String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
