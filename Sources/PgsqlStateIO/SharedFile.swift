import CPosix
import PgsqlStateCore

/// `--share-facts` on disk: one file per `Sharing.key` in the `RuntimeDirectory`. A check reads it under a
/// shared flock(2); one that finds nothing fresh (`SharedEntry.age`) takes the exclusive lock, reads again
/// (another check may have probed meanwhile) and only then probes, writing what it learned before it lets
/// go. Checks that arrive during that probe wait on the lock and take its facts: one probe for all of
/// them. No wait goes past the caller's deadline. A file this user does not own alone, or that cannot be
/// opened, is not used: the check probes on its own, as without sharing.
package enum SharedFile {
    /// What came of it: `value` and its age when another check's probe gave it (nil when `take` ran here).
    package enum Outcome<Value> {
        case value(Value, ageNanoseconds: UInt64?)
        /// The file could not be used (and why): `take` ran here, and shared nothing.
        case unshared(Value, because: String)
        /// The lock was not had by the deadline: a probe in flight did not finish in time.
        case timedOut
    }

    package static func share<Value>(_ sharing: Sharing, runStart: UInt64, until deadline: Deadline,
                                     decode: ([String?]) -> Value?, encode: (Value) -> [String?],
                                     take: () -> Value) -> Outcome<Value> {
        let file: FileDescriptor
        switch open(sharing.key) {
        case .success(let opened): file = opened
        case .failure(let why): return .unshared(take(), because: why.message)
        }
        defer { file.close() }  // also releases the lock
        for exclusive in [false, true] {
            switch file.lock(exclusive: exclusive, until: deadline) {
            case .success: break
            case .failure(let error) where error.rawValue == ETIMEDOUT: return .timedOut
            case .failure(let error): return .unshared(take(), because: "flock: \(error.description)")
            }
            if let entry = read(file), let age = entry.age(for: sharing, runStart: runStart, now: Deadline.monotonicNanoseconds()),
               let value = decode(entry.fields) {
                return .value(value, ageNanoseconds: age)
            }
            if !exclusive { file.unlock() }
        }
        let takenAt = Deadline.monotonicNanoseconds()
        let value = take()
        write(SharedEntry(key: sharing.key, takenAt: takenAt, fields: encode(value)), to: file)
        return .value(value, ageNanoseconds: nil)
    }

    /// For what never goes stale (a pure function's result): the value stored under `key`, else `take`'s,
    /// stored when it has one. Never waits past `deadline`; without a usable file, `take` alone.
    package static func remember<Value>(_ key: String, until deadline: Deadline, decode: ([String?]) -> Value?,
                                        encode: (Value) -> [String?], take: () throws(UsageError) -> Value) throws(UsageError) -> Value {
        guard case .success(let file) = open(key) else { return try take() }
        defer { file.close() }
        guard case .success = file.lock(exclusive: false, until: deadline) else { return try take() }
        if let entry = read(file), entry.key == key, let value = decode(entry.fields) { return value }
        file.unlock()
        let value = try take()
        if case .success = file.lock(exclusive: true, until: deadline) {
            write(SharedEntry(key: key, takenAt: Deadline.monotonicNanoseconds(), fields: encode(value)), to: file)
        }
        return value
    }

    /// The file for `key`, if this user alone may write it; else why not. Its name ends with the user's ID:
    /// a check run by hand as root never leaves a file the service user could not open.
    private static func open(_ key: String) -> Result<FileDescriptor, Unusable> {
        let path = RuntimeDirectory.path + "/" + key + "." + String(ThisProcess.effectiveUserID)
        let file: FileDescriptor
        switch FileDescriptor.open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, permissions: 0o600) {
        case .success(let opened): file = opened
        case .failure(let error): return .failure(Unusable(message: "\(path): \(error.description)"))
        }
        guard case .success(let status) = file.status(), status.st_uid == ThisProcess.effectiveUserID,
              status.st_mode & mode_t(S_IFMT) == mode_t(S_IFREG), status.st_mode & 0o022 == 0 else {
            file.close()
            return .failure(Unusable(message: "\(path) is not a file this user alone may write"))
        }
        return .success(file)
    }

    private struct Unusable: Error { var message: String }

    private static func read(_ file: FileDescriptor) -> SharedEntry? {
        var bytes = [UInt8](repeating: 0, count: SharedEntry.maximumBytes + 1)
        guard case .success(let count) = bytes.withUnsafeMutableBytes({ file.read(into: $0, at: 0) }),
              count > 0, count <= SharedEntry.maximumBytes else { return nil }
        return SharedEntry(bytes: Array(bytes[..<count]))
    }

    /// Under the exclusive lock: readers wait for it, so none sees the file between the two calls, and a
    /// crash between them leaves a file that reads as no entry.
    private static func write(_ entry: SharedEntry, to file: FileDescriptor) {
        let bytes = entry.bytes
        if case .success = file.truncate(to: 0) { _ = bytes.withUnsafeBytes { file.write($0, at: 0) } }
    }
}
