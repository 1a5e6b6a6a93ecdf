import CPosix
import PgsqlStateCore

/// An open file descriptor: every syscall on one goes through here and comes back as a result that keeps
/// errno (swift-system's `FileDescriptor`, reduced to what a checker needs). Not an owner: closing is
/// explicit, since fds 0-2 belong to the process and outlive any value.
package struct FileDescriptor: RawRepresentable, Hashable, Sendable {
    package let rawValue: Int32

    package init(rawValue: Int32) { self.rawValue = rawValue }

    package static let standardInput = FileDescriptor(rawValue: 0)
    package static let standardOutput = FileDescriptor(rawValue: 1)
    package static let standardError = FileDescriptor(rawValue: 2)

    /// open(2); O_CLOEXEC is the caller's to pass, like every other flag.
    package static func open(_ path: String, _ flags: Int32, permissions: mode_t = 0) -> Result<FileDescriptor, Errno> {
        valueOrErrno { pgsql_state_open(path, flags, permissions) }.map(FileDescriptor.init(rawValue:))
    }

    /// close(2), not retried: on Linux the descriptor is released even when close is interrupted (close(2)).
    package func close() {
        _ = CPosix.close(rawValue)
    }

    /// One read(2).
    package func read(into buffer: UnsafeMutableRawBufferPointer) -> Result<Int, Errno> {
        valueOrErrno { CPosix.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// One pread(2): at `offset`, without moving the file offset.
    package func read(into buffer: UnsafeMutableRawBufferPointer, at offset: off_t) -> Result<Int, Errno> {
        valueOrErrno { pread(rawValue, buffer.baseAddress, buffer.count, offset) }
    }

    /// One pwrite(2): at `offset`, without moving the file offset.
    package func write(_ buffer: UnsafeRawBufferPointer, at offset: off_t) -> Result<Int, Errno> {
        valueOrErrno { pwrite(rawValue, buffer.baseAddress, buffer.count, offset) }
    }

    /// fcntl(2) F_SETLK: a write lock on `length` bytes at `offset` that never waits (EAGAIN or EACCES:
    /// another process holds it). Released when the process closes any descriptor of the file.
    package func tryLock(offset: off_t, length: off_t) -> Result<Void, Errno> {
        nothingOrErrno { pgsql_state_try_lock_range(rawValue, offset, length) }
    }

    /// flock(2) on the whole file, shared or exclusive, waiting until `deadline` at most (ETIMEDOUT after).
    /// Released by `unlock()` or when the last descriptor of this open file is closed.
    package func lock(exclusive: Bool, until deadline: Deadline) -> Result<Void, Errno> {
        let now = Deadline.monotonicNanoseconds()
        let left = deadline.nanoseconds > now ? deadline.nanoseconds - now : 0
        return nothingOrErrno { pgsql_state_lock_within(rawValue, exclusive ? LOCK_EX : LOCK_SH, Int64(left)) }
    }

    /// flock(2) LOCK_UN.
    package func unlock() {
        _ = nothingOrErrno { flock(rawValue, LOCK_UN) }
    }

    /// ftruncate(2).
    package func truncate(to length: off_t) -> Result<Void, Errno> {
        nothingOrErrno { ftruncate(rawValue, length) }
    }

    /// One recv(2).
    package func receive(into buffer: UnsafeMutableRawBufferPointer, flags: Int32) -> Result<Int, Errno> {
        valueOrErrno { recv(rawValue, buffer.baseAddress, buffer.count, flags) }
    }

    /// One send(2).
    package func send(_ buffer: UnsafeRawBufferPointer, flags: Int32) -> Result<Int, Errno> {
        valueOrErrno { CPosix.send(rawValue, buffer.baseAddress, buffer.count, flags) }
    }

    /// One write(2).
    package func write(_ buffer: UnsafeRawBufferPointer) -> Result<Int, Errno> {
        valueOrErrno { CPosix.write(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes all of `bytes` on a blocking descriptor (a shell's stdout); stops at the first error.
    package func writeAll(_ bytes: [UInt8]) -> Result<Void, Errno> {
        var written = 0
        while written < bytes.count {
            let result = bytes.withUnsafeBytes { write(UnsafeRawBufferPointer(rebasing: $0[written...])) }
            switch result {
            case .success(let count): written += count
            case .failure(let error): return .failure(error)
            }
        }
        return .success(())
    }

    /// shutdown(2) of our sending side: the other end reads EOF after what was sent.
    package func shutdownWriting() -> Result<Void, Errno> {
        nothingOrErrno { shutdown(rawValue, Int32(SHUT_WR)) }
    }

    /// fstat(2).
    package func status() -> Result<stat, Errno> {
        var status = stat()
        return nothingOrErrno { fstat(rawValue, &status) }.map { status }
    }

    /// dup2(2): this descriptor also becomes `target`.
    package func duplicate(as target: FileDescriptor) -> Result<Void, Errno> {
        nothingOrErrno { dup2(rawValue, target.rawValue) }
    }
}
