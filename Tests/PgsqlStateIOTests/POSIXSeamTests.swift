import Foundation
import PgsqlStateCore
import PgsqlStateIO
import Testing

/// Results that keep errno, through the seam (FileDescriptor, Errno, ReadLoop) rather than raw Int32s.
@Suite struct POSIXSeamTests {
    @Test func failedOpenKeepsItsErrnoAndWords() {
        let result = FileDescriptor.open("/nonexistent/pgsql-state", O_RDONLY | O_CLOEXEC)
        guard case .failure(let error) = result else { Issue.record("opened a missing file"); return }
        #expect(error == .noSuchFile)
        #expect(error.description == String(cString: strerror(ENOENT)))
    }

    @Test func closedDescriptorReadIsBadFileDescriptor() throws {
        let pair = try SocketPair()
        let fd = FileDescriptor(rawValue: dup(pair.checker))
        fd.close()
        var buffer = [UInt8](repeating: 0, count: 8)
        let result = buffer.withUnsafeMutableBytes { fd.read(into: $0) }
        #expect(result == .failure(Errno(rawValue: EBADF)))
    }

    @Test func fileReadLoopStopsAtItsSizeBound() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgsql-state-readloop-\(getpid())").path
        try Data(repeating: 0x41, count: 100_000).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        let fd = try FileDescriptor.open(path, O_RDONLY | O_CLOEXEC).get()
        defer { fd.close() }
        var loop = ReadLoop(fd: fd, source: .file)
        #expect(loop.run(until: Deadline.after(nanoseconds: 5_000_000_000), limit: 70_000, keep: true) == .limit)
        #expect(loop.received.count == 70_000)
    }

    @Test func configLargerThanItsLimitIsAUsageError() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgsql-state-config-\(getpid())").path
        try Data(repeating: 0x23, count: ConfigFile.maximumBytes + 1).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        #expect(throws: UsageError.self) { try ConfigFile.read(path) }
        try Data(repeating: 0x23, count: ConfigFile.maximumBytes).write(to: URL(fileURLWithPath: path))
        #expect(try ConfigFile.read(path).text.utf8.count == ConfigFile.maximumBytes)
    }

    /// The owner and mode come from the file the text was read from.
    @Test func configSaysWhoMayReadIt() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("pgsql-state-config-mode-\(getpid())").path
        try Data("peer = host=x\n".utf8).write(to: URL(fileURLWithPath: path))
        defer { unlink(path) }
        chmod(path, 0o640)
        #expect(try ConfigFile.read(path) == ConfigSource(text: "peer = host=x\n", owner: getuid(), mode: 0o640))
        chmod(path, 0o604)
        #expect(try ConfigFile.read(path).mode == 0o604)
    }

    @Test func missingConfigSaysWhy() {
        do {
            _ = try ConfigFile.read("/nonexistent/pgsql-state.conf")
            Issue.record("read a missing file")
        } catch {
            #expect(error.message.hasSuffix(String(cString: strerror(ENOENT))))
        }
    }
}
