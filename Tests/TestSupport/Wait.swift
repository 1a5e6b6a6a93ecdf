/// Bounded polling: the only way TestSupport (and the tests using it) wait for something to happen.
public enum Wait {
    /// Calls `condition` every `poll` until it returns true; throws `WaitTimeout` once `timeout` has
    /// passed. An error thrown by `condition` counts as "not yet" (a server that is still starting
    /// refuses queries) and is quoted in the timeout error. The condition is always tried at least
    /// twice: once at the start and once after the deadline.
    public static func until(
        timeout: Duration,
        poll: Duration = .milliseconds(50),
        _ what: String,
        _ condition: () throws -> Bool
    ) throws {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + timeout
        var attempts = 0
        var lastError: (any Error)?
        while true {
            let late = clock.now >= deadline
            attempts += 1
            do {
                if try condition() { return }
                lastError = nil
            } catch {
                lastError = error
            }
            if late {
                throw WaitTimeout(what: what, timeout: timeout, attempts: attempts,
                                  lastError: lastError.map { "\($0)" })
            }
            blockingSleep(min(poll, max(deadline - clock.now, .zero)))
        }
    }
}

/// `Wait.until` gave up.
public struct WaitTimeout: Error, CustomStringConvertible {
    public let what: String
    public let timeout: Duration
    public let attempts: Int
    /// The error thrown by the last attempt, if it threw.
    public let lastError: String?

    public var description: String {
        var text = "timed out after \(timeout) (\(attempts) attempts) waiting for: \(what)"
        if let lastError { text += "; last attempt failed: \(lastError)" }
        return text
    }
}
