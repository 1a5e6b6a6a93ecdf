#if canImport(Glibc)
import Glibc
#endif

/// Process-wide registry of cleanups (labs, socket-activated servers) that an `atexit` handler runs
/// for whatever a test forgot to stop. `stop()` methods unregister themselves.
public enum Teardown {
    public struct Token: Hashable, Sendable {
        fileprivate let id: Int
    }

    private struct State: Sendable {
        var nextID = 0
        var actions: [Int: @Sendable () -> Void] = [:]
    }

    private static let state = Locked(State())

    private static let installAtExit: Void = {
        atexit { Teardown.runAll() }
    }()

    /// Registers `action`, to run at exit unless `unregister`ed first.
    public static func register(_ action: @escaping @Sendable () -> Void) -> Token {
        _ = installAtExit
        return state.withLock {
            $0.nextID += 1
            $0.actions[$0.nextID] = action
            return Token(id: $0.nextID)
        }
    }

    public static func unregister(_ token: Token) {
        _ = state.withLock { $0.actions.removeValue(forKey: token.id) }
    }

    /// Runs and forgets every registered action, newest first.
    public static func runAll() {
        let actions = state.withLock { state -> [@Sendable () -> Void] in
            let sorted = state.actions.sorted { $0.key > $1.key }.map(\.value)
            state.actions.removeAll()
            return sorted
        }
        for action in actions { action() }
    }
}
