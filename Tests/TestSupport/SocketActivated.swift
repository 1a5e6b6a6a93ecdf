import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A program served per connection by `systemd-socket-activate --accept [--inetd]` on
/// 127.0.0.1:`port`, like a systemd `Accept=yes` socket unit: with `--inetd` the connection is the
/// program's stdin and stdout. The program's stderr and systemd-socket-activate's own messages go to
/// `logPath`. Call `stop()` when done; instances still running at exit are stopped by `Teardown`.
public final class SocketActivated: Sendable, CustomStringConvertible {
    public let port: UInt16
    public let executable: String
    /// systemd-socket-activate's stdout and stderr, shared with the children's stderr.
    public let logPath: String

    private let child: ChildProcess
    private let teardownToken = Locked<Teardown.Token?>(nil)

    public static let launcherPath = "/usr/bin/systemd-socket-activate"

    /// PID of systemd-socket-activate.
    public var pid: pid_t { child.pid }

    /// Starts the listener and waits (up to `startTimeout`) until the port is in LISTEN state.
    /// Readiness is read from /proc/net/tcp, so no probe connection spawns a child.
    /// - Parameters:
    ///   - environment: given to each child with `-E NAME=VALUE`; children get only these plus
    ///     systemd-socket-activate's PATH, HOME and TERM.
    ///   - inetd: `--inetd` (socket on fds 0 and 1), else the sd_listen_fds protocol (fd 3).
    ///   - port: default: a free port (retried with a new one if it was taken meanwhile).
    public static func start(
        _ executable: String,
        _ arguments: [String] = [],
        environment: [String: String] = [:],
        inetd: Bool = true,
        port: UInt16? = nil,
        startTimeout: Duration = .seconds(10)
    ) throws -> SocketActivated {
        var attempt = 0
        while true {
            attempt += 1
            do {
                return try launch(executable, arguments, environment: environment, inetd: inetd,
                                  port: port ?? FreePort.tcp(), startTimeout: startTimeout)
            } catch let SocketActivatedError.exited(status, log) where port == nil && attempt < 3 {
                _ = (status, log)  // port probably taken meanwhile: try another
            }
        }
    }

    private static func launch(
        _ executable: String, _ arguments: [String], environment: [String: String], inetd: Bool,
        port: UInt16, startTimeout: Duration
    ) throws -> SocketActivated {
        let logPath = "/tmp/socket-activate.\(getpid()).\(port).\(UInt32.random(in: 0...UInt32.max)).log"
        let logFD = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0o644)
        guard logFD >= 0 else {
            throw SocketActivatedError.launchFailed("cannot create \(logPath): \(String(cString: strerror(errno)))")
        }
        defer { close(logFD) }

        var args = ["--accept", "-l", "127.0.0.1:\(port)"]
        if inetd { args.append("--inetd") }
        for (name, value) in environment.sorted(by: { $0.key < $1.key }) {
            args += ["-E", "\(name)=\(value)"]
        }
        args.append("--")  // the command may have options of its own (sh -c)
        args.append(executable)
        args += arguments

        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(launcherPath, args, stdin: .null, stdout: .fd(logFD), stderr: .fd(logFD))
        } catch {
            unlink(logPath)
            throw SocketActivatedError.launchFailed("\(error)")
        }
        let instance = SocketActivated(port: port, executable: executable, logPath: logPath, child: child)
        let token = Teardown.register { [instance] in instance.child.terminate(grace: .seconds(2)) }
        instance.teardownToken.withLock { $0 = token }

        // Stop polling early if the launcher dies (e.g. the port was taken meanwhile).
        let ready = (try? Wait.until(timeout: startTimeout, poll: .milliseconds(10),
                                     "systemd-socket-activate listening on 127.0.0.1:\(port)") {
            child.poll() || TCPListeners.isListening(port: port)
        }) != nil
        if let status = child.exitStatus {
            let log = instance.logText
            instance.stop(removeLog: true)
            throw SocketActivatedError.exited(status: status, log: log)
        }
        guard ready else {
            let log = instance.logText
            instance.stop(removeLog: true)
            throw SocketActivatedError.notListening("not in LISTEN state after \(startTimeout)\n\(log)")
        }
        return instance
    }

    private init(port: UInt16, executable: String, logPath: String, child: ChildProcess) {
        self.port = port
        self.executable = executable
        self.logPath = logPath
        self.child = child
    }

    /// What systemd-socket-activate and the children wrote so far.
    public var logText: String {
        (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
    }

    /// True while systemd-socket-activate runs.
    public var isRunning: Bool { !child.poll() }

    /// The processes it started that have not been reaped yet (/proc/PID/task/PID/children, proc(5)). Once
    /// none is left, every line they logged is in the syslog socket's queue.
    public var children: Int {
        let text = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return text.split(separator: " ").count
    }

    public var description: String {
        "SocketActivated(\(executable) on 127.0.0.1:\(port), pid \(pid))"
    }

    /// SIGTERM, then SIGKILL if it has not exited within `grace`; reaps it. Idempotent. Children
    /// still serving a connection are not killed (they end on their own). Keeps the log file unless
    /// `removeLog`.
    public func stop(grace: Duration = .seconds(3), removeLog: Bool = false) {
        if let token = teardownToken.withLock({ token -> Teardown.Token? in
            defer { token = nil }
            return token
        }) {
            Teardown.unregister(token)
        }
        child.terminate(grace: grace)
        if removeLog { unlink(logPath) }
    }
}

/// Why `SocketActivated.start` failed.
public enum SocketActivatedError: Error, CustomStringConvertible {
    case launchFailed(String)
    case exited(status: Int32, log: String)
    case notListening(String)

    public var description: String {
        switch self {
        case let .launchFailed(message): return "could not start systemd-socket-activate: \(message)"
        case let .exited(status, log): return "systemd-socket-activate exited with status \(status)\n\(log)"
        case let .notListening(message): return "systemd-socket-activate is not listening: \(message)"
        }
    }
}
