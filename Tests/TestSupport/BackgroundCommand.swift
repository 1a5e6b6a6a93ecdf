#if canImport(Glibc)
import Glibc
#endif

/// A command left running while a test works (a psql session holding a connection slot, say). Stopped by
/// `stop()` or, failing that, when the test process exits.
public final class BackgroundCommand: Sendable {
    private let child: ChildProcess
    private let token: Locked<Teardown.Token?> = Locked(nil)

    private init(child: ChildProcess) { self.child = child }

    /// Output goes to /dev/null; `environment` nil means ours.
    public static func start(_ executable: String, _ arguments: [String],
                             environment: [String: String]? = nil) throws -> BackgroundCommand {
        let child = try ChildProcess.spawn(executable, arguments, environment: environment,
                                           stdin: .null, stdout: .null, stderr: .null)
        let command = BackgroundCommand(child: child)
        let token = Teardown.register { [child] in child.terminate(grace: .seconds(2), group: true) }
        command.token.withLock { $0 = token }
        return command
    }

    public var isRunning: Bool { !child.poll() }

    /// SIGTERM to its process group, SIGKILL after a grace period; reaps it. Idempotent.
    public func stop() {
        child.terminate(grace: .seconds(2), group: true)
        if let token = token.withLock({ $0 }) { Teardown.unregister(token) }
    }
}
