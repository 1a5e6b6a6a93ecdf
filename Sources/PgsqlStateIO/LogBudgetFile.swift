import CPosix
import PgsqlStateCore

/// The shared `LogBudget`: one file in the `RuntimeDirectory`, a 16-byte
/// record per kind, each under its own fcntl(2) record lock, so a flood of one kind never holds up the
/// line of another. Never waits: the answer never waits for the log.
package enum LogBudgetFile {
    package static let name = "log-budget"

    package static var path: String { RuntimeDirectory.path + "/" + name }

    /// Spends one line of `kind`'s budget, if it can be consulted at once.
    package static func count(_ kind: LogBudget.Kind) -> LogBudget.Count {
        let file: FileDescriptor
        switch FileDescriptor.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK, permissions: 0o600) {
        case .success(let opened): file = opened
        case .failure(let error): return .uncounted(.open(error))
        }
        defer { file.close() }  // also releases the lock
        let offset = off_t(kind.index * LogBudget.Record.size)
        switch file.tryLock(offset: offset, length: off_t(LogBudget.Record.size)) {
        case .success: break
        case .failure(let error) where error.isWouldBlock || error == .permissionDenied: return .busy
        case .failure(let error): return .uncounted(.lock(error))
        }
        var bytes = [UInt8](repeating: 0, count: LogBudget.Record.size)
        let read = bytes.withUnsafeMutableBytes { file.read(into: $0, at: offset) }
        let record = read == .success(LogBudget.Record.size) ? LogBudget.Record(bytes: bytes) : nil
        let decision = LogBudget.decide(record, kind: kind, now: ThisProcess.bootSeconds())
        let out = decision.next.bytes
        // A budget that cannot be recorded is not spent.
        switch out.withUnsafeBytes({ file.write($0, at: offset) }) {
        case .success(let count) where count == out.count: return .counted(decision)
        case .success: return .uncounted(.write(nil))
        case .failure(let error): return .uncounted(.write(error))
        }
    }
}
