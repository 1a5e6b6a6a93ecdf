import Foundation

/// Receives what processes send to syslog, by binding /dev/log for the duration of a test. Only possible
/// where no syslog daemon owns /dev/log (containers, CI machines): `start()` returns nil otherwise, and
/// the caller skips its syslog assertions. Messages are kept with the sender's PID (LOG_PID), so tests
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

    /// `reading: false` never reads, so the queue fills up as a stuck syslog daemon's would.
    public static func start(reading: Bool = true) throws -> SyslogCapture? {
        if access(path, F_OK) == 0 { return nil }
        // systemd's tmpfiles make /dev/log a link to journald's socket: with no journald there, bind the
        // link's target (as journald would). Its directory must exist already: we create none.
        var socketPath = path
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) {
            socketPath = target.hasPrefix("/") ? target : "/dev/" + target
        }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { return nil }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in socketPath.utf8.enumerated() { buffer[index] = byte }
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            close(fd)
            return nil
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
