import Foundation
import PgsqlStateCore
import Testing
import TestSupport

/// The source tree and the files it ships, as `make install` and `make deb` see them.
enum SourceTree {
    static var root: String { Repository.root }

    static func read(_ relativePath: String) throws -> String {
        try String(contentsOfFile: Repository.path(relativePath), encoding: .utf8)
    }

    /// Every file under `directory` (not recursive), sorted: what the Makefile must install.
    static func shipped(_ directory: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: root + "/" + directory)
            .filter { !$0.hasPrefix(".") }.sorted()
    }

    /// The path the shipped units and xinetd files name; installed copies name the installed binary.
    static let shippedBinaryPath = "/usr/local/bin/pgsql-state"

    /// What the shipped files become when installed with the binary at `binary`: the only differences
    /// `make install` and the package may make.
    static func installedCopy(of text: String, binary: String, xinetd: Bool) -> String {
        var lines = text.replacingOccurrences(of: shippedBinaryPath, with: binary)
            .split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if xinetd {
            lines = lines.map { line in
                let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard fields.count == 3, fields[0] == "disable", fields[1] == "=", fields[2] == "no" else { return line }
                return String(line.dropLast(2)) + "yes"
            }
        }
        return lines.joined(separator: "\n")
    }
}

enum Shell {
    /// Runs a program, failing the test with its output when it exits non-zero (unless `allowFailure`).
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], environment: [String: String] = [:],
                    timeout: Duration = .seconds(120), allowFailure: Bool = false,
                    sourceLocation: SourceLocation = #_sourceLocation) throws -> Command.Output {
        let result = try Command.run(executable, arguments, environment: Command.environment(adding: environment),
                                     timeout: timeout)
        if !allowFailure && result.status != 0 {
            Issue.record("""
                \(executable) \(arguments.joined(separator: " ")) exited \(result.status)
                stdout: \(result.stdout)
                stderr: \(result.stderr)
                """, sourceLocation: sourceLocation)
            throw ShellFailure(status: result.status)
        }
        return result
    }

    struct ShellFailure: Error {
        let status: Int32
    }

    @discardableResult
    static func make(_ arguments: [String], environment: [String: String] = [:],
                     sourceLocation: SourceLocation = #_sourceLocation) throws -> Command.Output {
        try run("/usr/bin/make", ["-C", SourceTree.root, "--no-print-directory"] + arguments,
                environment: environment, timeout: .seconds(300), sourceLocation: sourceLocation)
    }
}

/// The release binary the packaging tests install: the shipped Embedded build (`scripts/build-release`, what
/// `make release` runs) into a scratch path of its own, so that it matches the sources under test and never
/// waits for the lock `swift test` holds on `.build`. Built once per test process (incremental: a second or
/// two when nothing changed, ~1 min from scratch).
enum ReleaseBinary {
    static let scratchPath = SourceTree.root + "/.build/packaging-tests"

    private static let built: Result<String, BuildFailure> = {
        do {
            let result = try Command.run(SourceTree.root + "/scripts/build-release", ["--scratch-path", scratchPath],
                                         timeout: .seconds(600))
            guard result.status == 0 else {
                return .failure(BuildFailure(description: "scripts/build-release failed (\(result.status)):\n\(result.stdout)\n\(result.stderr)"))
            }
            return .success(scratchPath + "/release/pgsql-state")
        } catch {
            return .failure(BuildFailure(description: "scripts/build-release: \(error)"))
        }
    }()

    static func path() throws -> String { try built.get() }

    struct BuildFailure: Error, CustomStringConvertible {
        let description: String
    }
}

enum TemporaryDirectory {
    static func make(_ label: String) throws -> String {
        let path = FileManager.default.temporaryDirectory
            .appendingPathComponent("pgsql-state-\(label).\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Regular files and symlinks under `root`, relative to it, sorted.
    static func files(under root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var files: [String] = []
        while let relative = enumerator.nextObject() as? String {
            let type = (try? FileManager.default.attributesOfItem(atPath: root + "/" + relative))?[.type] as? FileAttributeType
            if type != .typeDirectory { files.append(relative) }
        }
        return files.sorted()
    }
}
