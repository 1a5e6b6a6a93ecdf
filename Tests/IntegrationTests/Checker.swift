import Foundation
import TestSupport

/// Runs the built `pgsql-state` as a shell would (command mode: stdin /dev/null, stdout a pipe).
struct CheckerRun {
    var status: Int32
    var output: String
    var stderr: String
    var elapsed: Duration
}

struct TracedRun {
    var pid: pid_t
    var status: Int32
    var output: String
    var stderr: String
}

enum Checker {
    /// The environment of one run: the test's, with `environment` over it. Without a RUNTIME_DIRECTORY of
    /// its own, a run gets a fresh one, so no log budget is shared with other runs (or with the host's
    /// /run/pgsql-state) unless a test means it to be.
    static func environment(_ environment: [String: String]) throws -> (values: [String: String], cleanup: () -> Void) {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        guard environment["RUNTIME_DIRECTORY"] == nil else { return (env, {}) }
        var template = Array("/tmp/pgsql-state-runtime-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw CommandError.failed(command: "mkdtemp", status: errno, stdout: "", stderr: "") }
        let directory = String(cString: made)
        env["RUNTIME_DIRECTORY"] = directory
        return (env, { try? FileManager.default.removeItem(atPath: directory) })
    }

    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(20)) throws -> CheckerRun {
        let (env, cleanup) = try Self.environment(environment)
        defer { cleanup() }
        let start = ContinuousClock.now
        let result = try Command.run(CheckerBinary.path, arguments, environment: env, timeout: timeout)
        return CheckerRun(status: result.status, output: result.stdout, stderr: result.stderr, elapsed: ContinuousClock.now - start)
    }

    /// Runs the checker through `sh -c 'echo $$; exec …'` so that its PID is known (exec keeps it), as
    /// `user` through runuser when given. The PID finds its syslog lines.
    static func traced(_ arguments: [String], environment: [String: String] = [:], asUser user: String? = nil) throws -> TracedRun {
        let (env, cleanup) = try Self.environment(environment)
        defer { cleanup() }
        let binary = user == nil ? CheckerBinary.path : try publicCopy()
        let shell = ["/bin/sh", "-c", "echo $$; exec \"$0\" \"$@\"", binary] + arguments
        let result = if let user {
            try Command.run("/usr/sbin/runuser", ["-u", user, "--"] + shell, environment: env, timeout: .seconds(20))
        } else {
            try Command.run(shell[0], Array(shell.dropFirst()), environment: env, timeout: .seconds(20))
        }
        let lines = result.stdout.split(separator: "\n", maxSplits: 1, omittingEmptySubsequences: false)
        return TracedRun(pid: pid_t(lines.first ?? "") ?? -1, status: result.status,
                         output: lines.count > 1 ? String(lines[1]) : "", stderr: result.stderr)
    }

    /// The build directory may sit where other users cannot enter (a clone under /root): unprivileged
    /// runs use a copy in a world-readable temporary directory.
    static func publicCopy() throws -> String {
        try copyLock.withLock {
            if let copy = copiedBinary { return copy }
            let directory = "/tmp/pgsql-state-bin-\(getpid())"
            try? FileManager.default.removeItem(atPath: directory)
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o755])
            let copy = directory + "/pgsql-state"
            try FileManager.default.copyItem(atPath: CheckerBinary.path, toPath: copy)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: copy)
            _ = Teardown.register { try? FileManager.default.removeItem(atPath: directory) }
            copiedBinary = copy
            return copy
        }
    }

    private static let copyLock = NSLock()
    nonisolated(unsafe) private static var copiedBinary: String?

    /// `--format text` against one node: the word and the exit status.
    static func text(_ lab: PostgresLab, _ node: Node, check: String = "role", user: String = "postgres",
                     extra: [String] = []) throws -> (word: String, status: Int32) {
        let run = try run(["--format", "text", "--check", check, "--conninfo", lab.conninfo(node, user: user)] + extra)
        return (run.output.trimmingCharacters(in: .newlines), run.status)
    }
}
