import CPosix
import PgsqlStateCore

/// Reads a `--config` file: small, whole, or a usage error that says why.
package enum ConfigFile {
    /// Larger than any sensible list of peers; a bigger file is a mistake (or not a config file).
    package static let maximumBytes = 65_536

    /// The text, and the owner and mode of the file it came from (fstat on the same descriptor).
    package static func read(_ path: String) throws(UsageError) -> ConfigSource {
        let fd: FileDescriptor
        switch FileDescriptor.open(path, O_RDONLY | O_CLOEXEC) {
        case .success(let opened): fd = opened
        case .failure(let error): throw UsageError("--config: cannot open \(path): \(error.description)")
        }
        defer { fd.close() }
        let status: stat
        switch fd.status() {
        case .success(let read): status = read
        case .failure(let error): throw UsageError("--config: cannot read \(path): \(error.description)")
        }
        var input = ReadLoop(fd: fd, source: .file)
        // One byte over the limit tells a file that is too large from one that is exactly the limit.
        switch input.run(until: Deadline.after(nanoseconds: Budget.configRead), limit: maximumBytes + 1, keep: true) {
        case .closed: break
        case .limit: throw UsageError("--config: \(path) is larger than \(maximumBytes) bytes")
        case .failed(let error), .waitFailed(let error): throw UsageError("--config: cannot read \(path): \(error.description)")
        case .timedOut, .wouldBlock, .done: throw UsageError("--config: cannot read \(path): timed out")
        }
        guard let text = String(validating: input.received, as: UTF8.self) else {
            throw UsageError("--config: \(path) is not UTF-8 text")
        }
        return ConfigSource(text: text, owner: UInt32(status.st_uid), mode: UInt32(status.st_mode) & 0o7777)
    }
}
