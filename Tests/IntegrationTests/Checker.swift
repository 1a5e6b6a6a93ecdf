import Foundation
import TestSupport

/// Runs the built `pgsql-state` as a shell would (command mode: stdin /dev/null, stdout a pipe).
struct CheckerRun {
    var status: Int32
    var output: String
    var stderr: String
    var elapsed: Duration
}

enum Checker {
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: Duration = .seconds(20)) throws -> CheckerRun {
        var env = ProcessInfo.processInfo.environment
        for (key, value) in environment { env[key] = value }
        let start = ContinuousClock.now
        let result = try Command.run(CheckerBinary.path, arguments, environment: env, timeout: timeout)
        return CheckerRun(status: result.status, output: result.stdout, stderr: result.stderr, elapsed: ContinuousClock.now - start)
    }

    /// `--format text` against one node: the word and the exit status.
    static func text(_ lab: PostgresLab, _ node: Node, check: String = "role", user: String = "postgres",
                     extra: [String] = []) throws -> (word: String, status: Int32) {
        let run = try run(["--format", "text", "--check", check, "--conninfo", lab.conninfo(node, user: user)] + extra)
        return (run.output.trimmingCharacters(in: .newlines), run.status)
    }
}
