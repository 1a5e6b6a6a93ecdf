#if canImport(Glibc)
import Glibc
#endif

/// A child started with posix_spawn and reaped by us with waitpid.
///
/// Not Foundation `Process`: on Linux it notices a child's exit through a socket inherited by the
/// child, so a child that leaves a daemon behind (`pg_ctl start`, `pg-cluster up`) never "exits"
/// (swift-corelibs-foundation issue #4795) and `waitUntilExit` hangs. The child here gets: its own
/// process group (a timeout can kill the whole tree), default signal dispositions and an empty signal
/// mask (dispatch threads block signals; a checker under test must not inherit that), and no file
/// descriptors beyond 0, 1 and 2.
final class ChildProcess: Sendable {
    /// Where a standard descriptor of the child comes from.
    enum Stream {
        case inherit
        case null
        /// Our descriptor, dup2'ed onto the child's (ours stays open; close it after `spawn`).
        case fd(Int32)
    }

    let pid: pid_t
    private let reapedStatus = Locked<Int32?>(nil)

    /// The exit status once reaped (see `decode`), -1 if someone else reaped it.
    var exitStatus: Int32? { reapedStatus.withLock { $0 } }

    private init(pid: pid_t) {
        self.pid = pid
    }

    /// Starts `path` (absolute) with `args`. `environment` nil: ours.
    static func spawn(
        _ path: String,
        _ args: [String],
        environment: [String: String]? = nil,
        stdin: Stream = .null,
        stdout: Stream = .inherit,
        stderr: Stream = .inherit,
        currentDirectory: String? = nil
    ) throws(ChildProcessError) -> ChildProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .inherit:
                break
            case .null:
                posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case let .fd(fd):
                posix_spawn_file_actions_adddup2(&actions, fd, target)
            }
        }
        if let closeFrom = SpawnExtensions.addCloseFrom {
            _ = closeFrom(&actions, 3)
        }
        var executable = path
        var arguments = args
        if let currentDirectory {
            if let addChdir = SpawnExtensions.addChdir {
                _ = currentDirectory.withCString { addChdir(&actions, $0) }
            } else {
                executable = "/usr/bin/env"
                arguments = ["-C", currentDirectory, path] + args
            }
        }

        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var allSignals = sigset_t()
        sigfillset(&allSignals)
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        posix_spawnattr_setsigdefault(&attributes, &allSignals)
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setpgroup(&attributes, 0)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP))

        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid: pid_t = 0
        let result: Int32
        if let environment {
            let envp: [UnsafeMutablePointer<CChar>?] = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
            defer { for pointer in envp { free(pointer) } }
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, envp)
        } else {
            result = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        }
        guard result == 0 else {
            throw ChildProcessError(path: executable, errno: result)
        }
        return ChildProcess(pid: pid)
    }

    /// Reaps the child if it has exited; true once it has. Thread-safe.
    @discardableResult
    func poll() -> Bool {
        reapedStatus.withLock { exitStatus in
            if exitStatus != nil { return true }
            var status: Int32 = 0
            let reaped = waitpid(pid, &status, WNOHANG)
            if reaped == pid {
                exitStatus = Self.decode(status)
            } else if reaped < 0 && errno == ECHILD {
                exitStatus = -1
            }
            return exitStatus != nil
        }
    }

    /// Waits until the child exits; returns `exitStatus`.
    @discardableResult
    func wait() -> Int32 {
        while !poll() {
            usleep(2_000)
        }
        return exitStatus ?? -1
    }

    /// Sends `signal` to the child, or to its whole process group.
    func signal(_ signal: Int32, group: Bool = false) {
        guard exitStatus == nil else { return }  // a reaped PID may belong to someone else now
        kill(group ? -pid : pid, signal)
    }

    /// SIGTERM, up to `grace` to exit, then SIGKILL; always reaps.
    func terminate(grace: Duration, group: Bool = false) {
        guard !poll() else { return }
        signal(SIGTERM, group: group)
        let deadline = ContinuousClock.now + grace
        while !poll() && ContinuousClock.now < deadline {
            usleep(5_000)
        }
        if !poll() {
            signal(SIGKILL, group: group)
            wait()
        }
    }

    /// Exit status, or 128 + signal number for a child killed by a signal (like a shell).
    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}

struct ChildProcessError: Error, CustomStringConvertible {
    let path: String
    let errno: Int32
    var description: String { "posix_spawn \(path): \(String(cString: strerror(errno)))" }
}

/// glibc's posix_spawn extensions (2.29/2.34), which Swift's Glibc module does not import.
enum SpawnExtensions {
    typealias AddCloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
    typealias AddChdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>?) -> Int32

    static let addCloseFrom: AddCloseFrom? = lookup("posix_spawn_file_actions_addclosefrom_np")
    static let addChdir: AddChdir? = lookup("posix_spawn_file_actions_addchdir_np")

    private static func lookup<F>(_ name: String) -> F? {
        guard let symbol = dlsym(nil, name) else { return nil }
        return unsafeBitCast(symbol, to: F.self)
    }
}
