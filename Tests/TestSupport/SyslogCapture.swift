import Foundation

/// Receives what processes send to syslog, by binding /dev/log for the duration of a test. A test that
/// asserts log lines must be able to observe them: `start()` never gives up quietly. Where /dev/log is
/// systemd's link to journald's socket and journald is not running (containers, CI machines), the link's
/// directory is created and its target bound, as journald would. Where someone else holds the socket (a
/// syslog daemon, or another test process), it waits a bounded time and then throws, saying why: the test
/// fails instead of passing without looking. Messages are kept with the sender's PID (LOG_PID), so tests
/// running in parallel do not confuse each other.
public final class SyslogCapture: Sendable {
    public static let path = "/dev/log"
    private let fd: Int32
    private let received = Locked<[String]>([])
    private let stopped = Locked(false)
    private let drainLock = NSLock()

    private let socketPath: String

    private init(fd: Int32, socketPath: String) {
        self.fd = fd
        self.socketPath = socketPath
    }

    /// The socket senders of /dev/log reach: the link's target when /dev/log is a link (systemd's tmpfiles
    /// make it one to /run/systemd/journal/dev-log).
    public static var socketPath: String {
        guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) else { return path }
        return target.hasPrefix("/") ? target : "/dev/" + target
    }

    /// `reading: false` never reads, so the queue fills up as a stuck syslog daemon's would.
    /// `waitingUpTo`: how long another holder (a parallel test run on this machine) may keep the socket.
    public static func start(reading: Bool = true, waitingUpTo patience: Duration = .seconds(60)) throws -> SyslogCapture {
        let socketPath = Self.socketPath
        let directory = (socketPath as NSString).deletingLastPathComponent
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
        } catch {
            throw SyslogCaptureError(socketPath: socketPath, reason: "cannot create its directory: \(error)")
        }
        let deadline = ContinuousClock.now + patience
        var fd: Int32 = -1
        while true {
            fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
            guard fd >= 0 else { throw SyslogCaptureError(socketPath: socketPath, reason: "socket: \(String(cString: strerror(errno)))") }
            if withAddress(socketPath, { bind(fd, $0, $1) }) == 0 { break }
            let error = errno
            close(fd)
            guard error == EADDRINUSE else {
                throw SyslogCaptureError(socketPath: socketPath, reason: "bind: \(String(cString: strerror(error)))")
            }
            // A socket file nobody receives on (left by a capture that was killed): ours to replace.
            if !isReceiving(socketPath), unlink(socketPath) == 0 { continue }
            guard ContinuousClock.now < deadline else {
                throw SyslogCaptureError(socketPath: socketPath, reason: "another process (a syslog daemon, or another test "
                    + "run) has received on it for \(patience): run the tests where no syslog daemon owns /dev/log (a "
                    + "container), or stop it for the run")
            }
            blockingSleep(.milliseconds(100))
        }
        chmod(socketPath, 0o666)
        let capture = SyslogCapture(fd: fd, socketPath: socketPath)
        _ = Teardown.register { [capture] in capture.stop() }
        if reading {
            // The kernel queues only net.unix.max_dgram_qlen (10) datagrams: read as they come, or
            // senders that do not wait (ours) drop their lines.
            let thread = Thread { [capture] in
                while !capture.stopped.withLock({ $0 }) {
                    var entry = pollfd(fd: capture.fd, events: Int16(POLLIN), revents: 0)
                    if poll(&entry, 1, 20) > 0 { capture.drain() }
                }
            }
            thread.start()
        }
        return capture
    }

    /// Whether a process receives on the datagram socket at `path` (connect succeeds; a socket file
    /// without a receiver refuses).
    private static func isReceiving(_ path: String) -> Bool {
        let probe = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard probe >= 0 else { return true }
        defer { close(probe) }
        return withAddress(path, { connect(probe, $0, $1) }) == 0 || errno != ECONNREFUSED
    }

    private static func withAddress(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> Int32) -> Int32 {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.enumerated() { buffer[index] = byte }
        }
        return withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// Messages sent so far by process `pid`, without the syslog header up to the PID.
    public func messages(pid: pid_t) -> [String] {
        drain()
        let marker = "[\(pid)]: "
        return received.withLock { $0 }.compactMap { line in
            guard let range = line.range(of: marker) else { return nil }
            return String(line[range.upperBound...])
        }
    }

    /// Messages from any process that contain `text`, without the syslog header up to the PID.
    public func messages(containing text: String) -> [String] {
        drain()
        return received.withLock { $0 }.compactMap { line in
            guard line.contains(text), let range = line.range(of: "]: ") else { return nil }
            return String(line[range.upperBound...])
        }
    }

    /// Idempotent: the exit handler may call it again.
    public func stop() {
        let first = stopped.withLock { done in
            defer { done = true }
            return !done
        }
        guard first else { return }
        unlink(socketPath)
        drainLock.lock()
        close(fd)
        drainLock.unlock()
    }

    private func drain() {
        drainLock.lock()
        defer { drainLock.unlock() }
        guard !stopped.withLock({ $0 }) else { return }
        var buffer = [UInt8](repeating: 0, count: 8192)
        while true {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            let line = String(decoding: buffer[..<count], as: UTF8.self)
            received.withLock { $0.append(line) }
        }
    }
}

/// The capture could not bind the syslog socket: a test asserting log lines cannot observe them.
public struct SyslogCaptureError: Error, CustomStringConvertible {
    public let socketPath: String
    public let reason: String

    public var description: String { "cannot capture syslog at \(socketPath) (\(SyslogCapture.path)): \(reason)" }
}
