import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Runs a program to completion, collecting stdout and stderr, with a hard deadline: on timeout the
/// child's whole process group gets SIGKILL and `CommandError.timedOut` is thrown. Children are
/// started with posix_spawn, not Foundation `Process` (see `ChildProcess` for why).
public enum Command {
    /// `status` is the exit status, or 128 + signal number when the child was killed by a signal.
    public typealias Output = (status: Int32, stdout: String, stderr: String)

    /// Runs `executable` (a path, or a name looked up in `PATH`) with `args`.
    /// - Parameters:
    ///   - environment: `nil` inherits this process's environment; otherwise exactly these variables
    ///     (see `Command.environment(adding:removing:)` to derive one from the current environment).
    ///   - stdinNull: stdin is /dev/null (default) or, when false, inherited. Ignored when `input` is set.
    ///   - input: bytes written to the child's stdin through a pipe, which is then closed.
    ///   - currentDirectory: working directory of the child (`nil`: inherited).
    ///   - timeout: deadline for the whole run; the child is killed when it passes.
    public static func run(
        _ executable: String,
        _ args: [String],
        environment: [String: String]? = nil,
        stdinNull: Bool = true,
        input: [UInt8]? = nil,
        currentDirectory: String? = nil,
        timeout: Duration = .seconds(60)
    ) throws -> Output {
        let path = try resolve(executable)
        let display = ([path] + args).joined(separator: " ")
        let stdoutPipe = try CloexecPipe()
        let stderrPipe = try CloexecPipe()
        let stdinPipe = input == nil ? nil : try CloexecPipe()
        let stdinStream: ChildProcess.Stream = stdinPipe.map { .fd($0.readEnd) } ?? (stdinNull ? .null : .inherit)

        let start = ContinuousClock.now
        let child: ChildProcess
        do {
            child = try ChildProcess.spawn(
                path, args, environment: environment, stdin: stdinStream,
                stdout: .fd(stdoutPipe.writeEnd), stderr: .fd(stderrPipe.writeEnd),
                currentDirectory: currentDirectory
            )
        } catch {
            for pipe in [stdoutPipe, stderrPipe, stdinPipe].compactMap({ $0 }) { pipe.closeBoth() }
            throw CommandError.launchFailed(command: display, reason: "\(error)")
        }
        stdoutPipe.closeWriteEnd()
        stderrPipe.closeWriteEnd()
        stdinPipe?.closeReadEnd()

        var collector = PipeCollector(
            stdout: stdoutPipe.readEnd, stderr: stderrPipe.readEnd,
            stdin: stdinPipe?.writeEnd, input: input ?? []
        )
        defer {
            collector.closeStdin()
            stdoutPipe.closeBoth()
            stderrPipe.closeBoth()
        }

        let deadline = start + timeout
        var exitedAt: ContinuousClock.Instant?
        while true {
            let now = ContinuousClock.now
            if exitedAt == nil, child.poll() { exitedAt = now }
            if let exitedAt {
                // Output is complete at EOF; a background grandchild holding the pipes gets 0.5 s.
                if collector.outputClosed || now - exitedAt > .milliseconds(500) { break }
            } else if now >= deadline {
                child.signal(SIGKILL, group: true)
                child.signal(SIGKILL)
                child.wait()
                collector.pump(maxWait: .milliseconds(50))
                throw CommandError.timedOut(
                    command: display, after: timeout,
                    stdout: collector.stdoutText, stderr: collector.stderrText
                )
            }
            collector.pump(maxWait: exitedAt == nil ? min(.milliseconds(10), deadline - now) : .milliseconds(10))
        }
        return (child.wait(), collector.stdoutText, collector.stderrText)
    }

    /// Runs `executable` as `user` through `runuser -u USER --`, from `/` (a directory every user can
    /// enter: PostgreSQL programs complain when they cannot read their working directory).
    public static func runAs(
        user: String,
        _ executable: String,
        _ args: [String],
        environment: [String: String]? = nil,
        stdinNull: Bool = true,
        input: [UInt8]? = nil,
        timeout: Duration = .seconds(60)
    ) throws -> Output {
        try run(
            runuserPath, ["-u", user, "--", try resolve(executable)] + args,
            environment: environment, stdinNull: stdinNull, input: input,
            currentDirectory: "/", timeout: timeout
        )
    }

    /// Like `run`, but a non-zero status throws `CommandError.failed`; returns stdout.
    @discardableResult
    public static func checked(
        _ executable: String,
        _ args: [String],
        environment: [String: String]? = nil,
        currentDirectory: String? = nil,
        timeout: Duration = .seconds(60)
    ) throws -> String {
        let output = try run(executable, args, environment: environment,
                             currentDirectory: currentDirectory, timeout: timeout)
        guard output.status == 0 else {
            throw CommandError.failed(
                command: ([executable] + args).joined(separator: " "),
                status: output.status, stdout: output.stdout, stderr: output.stderr
            )
        }
        return output.stdout
    }

    /// The current environment with `adding` set and every variable named in `removing` (or starting
    /// with one of `removingPrefixes`, e.g. `["PG"]`) removed.
    public static func environment(
        adding: [String: String] = [:],
        removing: [String] = [],
        removingPrefixes: [String] = []
    ) -> [String: String] {
        var environment = ProcessInfo.processInfo.environment
        for key in Array(environment.keys)
        where removing.contains(key) || removingPrefixes.contains(where: { key.hasPrefix($0) }) {
            environment.removeValue(forKey: key)
        }
        environment.merge(adding) { _, new in new }
        return environment
    }

    static let runuserPath: String = {
        for candidate in ["/usr/sbin/runuser", "/sbin/runuser", "/usr/bin/runuser"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        return "runuser"
    }()

    /// An absolute or relative path is used as is; a bare name is looked up in `PATH`.
    static func resolve(_ executable: String) throws -> String {
        if executable.contains("/") { return executable }
        let searchPath = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in searchPath.split(separator: ":") {
            let candidate = "\(directory)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        for directory in ["/usr/sbin", "/sbin"] {
            let candidate = "\(directory)/\(executable)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        throw CommandError.launchFailed(command: executable, reason: "not found in PATH (\(searchPath))")
    }
}

/// Why `Command` could not give an `Output`.
public enum CommandError: Error, CustomStringConvertible {
    case launchFailed(command: String, reason: String)
    case timedOut(command: String, after: Duration, stdout: String, stderr: String)
    case failed(command: String, status: Int32, stdout: String, stderr: String)

    public var description: String {
        switch self {
        case let .launchFailed(command, reason):
            return "could not run \(command): \(reason)"
        case let .timedOut(command, after, stdout, stderr):
            return "\(command) did not finish within \(after) (killed)"
                + Self.excerpt("stdout", stdout) + Self.excerpt("stderr", stderr)
        case let .failed(command, status, stdout, stderr):
            return "\(command) exited with status \(status)"
                + Self.excerpt("stdout", stdout) + Self.excerpt("stderr", stderr)
        }
    }

    private static func excerpt(_ name: String, _ text: String) -> String {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { return "" }
        let tail = trimmed.count > 4000 ? "…" + trimmed.suffix(4000) : Substring(trimmed)
        return "\n--- \(name) ---\n\(tail)"
    }
}
