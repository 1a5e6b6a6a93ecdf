import CPosix
import PgsqlStateCore

/// The shared `LogBudget`: one file in the runtime directory ($RUNTIME_DIRECTORY, which systemd sets for
/// RuntimeDirectory=, else /run/pgsql-state, which the package's tmpfiles.d entry creates), a 16-byte
/// record per kind, each under its own fcntl(2) record lock, so a flood of one kind never holds up the
/// line of another. Never waits: the answer never waits for the log.
public enum LogBudgetFile {
    public static let defaultDirectory = "/run/pgsql-state"
    public static let name = "log-budget"

    public static var path: String {
        let directory = getenv("RUNTIME_DIRECTORY").map { String(cString: $0) }
            .flatMap { $0.split(separator: ":").first.map(String.init) } ?? defaultDirectory
        return directory + "/" + name
    }

    /// Spends one line of `kind`'s budget, if it can be consulted at once.
    public static func count(_ kind: LogBudget.Kind) -> LogBudget.Count {
        guard case .success(let file) = FileDescriptor.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK,
                                                            permissions: 0o600) else { return .uncounted }
        let fd = file.rawValue
        defer { file.close() }  // also releases the lock
        let offset = off_t(kind.index * LogBudget.Record.size)
        switch nothingOrErrno({ pgsql_state_try_lock_range(fd, offset, off_t(LogBudget.Record.size)) }) {
        case .success: break
        case .failure(let error) where error == .wouldBlock || error == .permissionDenied: return .busy
        case .failure: return .uncounted
        }
        var bytes = [UInt8](repeating: 0, count: LogBudget.Record.size)
        let read = bytes.withUnsafeMutableBytes { buffer in valueOrErrno { pread(fd, buffer.baseAddress, buffer.count, offset) } }
        let record = read == .success(LogBudget.Record.size) ? LogBudget.Record(bytes: bytes) : nil
        var time = timespec()
        clock_gettime(CLOCK_BOOTTIME, &time)
        let decision = LogBudget.decide(record, kind: kind, now: UInt64(time.tv_sec))
        let out = decision.next.bytes
        let written = out.withUnsafeBytes { buffer in valueOrErrno { pwrite(fd, buffer.baseAddress, buffer.count, offset) } }
        // A budget that cannot be recorded is not spent.
        guard written == .success(out.count) else { return .uncounted }
        return .counted(decision)
    }
}
