import Foundation

/// One `scripts/lab-local` (see its header) in a temporary directory: a primary pg1 and a streaming standby pg2,
/// each with the checker behind the shipped xinetd files and behind the shipped systemd units, and two
/// HAProxies from haproxy.cfg.example, one checking through xinetd, one through systemd-socket-activate.
/// `down()` stops every process the lab started; call it in a `defer`. A test process that exits first
/// still takes the lab down (`Teardown`).
public struct ShippedLab: Sendable {
    public static let repository = Repository.root
    public static let script = Repository.path("scripts/lab-local")

    /// The PostgreSQL binaries: LAB_PG_BINDIR, else the first of `PostgresBinaries.directories`.
    public static let binDir: String = {
        if let dir = ProcessInfo.processInfo.environment["LAB_PG_BINDIR"], !dir.isEmpty { return dir }
        return PostgresBinaries.directories[0]
    }()

    public let directory: String
    /// LABDIR/lab.env: every port and path of the lab.
    public let env: [String: String]
    /// The checker the lab copied (`PGSQL_STATE_BIN`, else the debug build next to the tests).
    public let checker: String
    private let teardown: Teardown.Token

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    /// `scripts/lab-local up` in a new temporary directory named after `name`. Whatever happens (a failed start, a
    /// test that throws, a test process that exits without `down()`), the lab is taken down.
    public static func up(name: String = "pgsql-state-lab") throws -> ShippedLab {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("\(name).\(UUID().uuidString.prefix(8))").path
        let teardown = Teardown.register { ShippedLab.down(directory) }
        do {
            let checker = try CheckerBinary.require()
            let result = try run(["up", directory], checker: checker, timeout: .seconds(120))
            guard result.status == 0 else {
                throw Failure(description: "scripts/lab-local up failed (\(result.status)):\n\(result.stderr)")
            }
            return ShippedLab(directory: directory, env: try keyValues(directory + "/lab.env"), checker: checker,
                              teardown: teardown)
        } catch {
            down(directory)
            Teardown.unregister(teardown)
            throw error
        }
    }

    /// The PostgreSQL pair's passwords (`scripts/pg-cluster`: root's, mode 0600): TCP takes no trust.
    public var passFile: String { directory + "/pgpass" }

    /// The `lab_probe` role, for the tests' wire client.
    public func probeLogin() throws -> ProbeLogin { try ProbeLogin.read(passFile: passFile) }

    public func down() {
        Self.down(directory)
        Teardown.unregister(teardown)
    }

    private static func down(_ directory: String) {
        _ = try? run(["down", directory], checker: CheckerBinary.path, timeout: .seconds(90))
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `scripts/lab-local COMMAND LABDIR ARGS...`.
    @discardableResult
    public func lab(_ command: String, _ arguments: [String] = [], timeout: Duration = .seconds(60)) throws -> Command.Output {
        try Self.run([command, directory] + arguments, checker: checker, timeout: timeout)
    }

    /// `scripts/lab-local COMMAND LABDIR ARGS...`, which must succeed.
    public func step(_ command: String, _ arguments: [String] = [], timeout: Duration = .seconds(60)) throws {
        let result = try lab(command, arguments, timeout: timeout)
        guard result.status == 0 else {
            throw Failure(description: "scripts/lab \(command) \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }

    /// SQL on a node as the superuser, over its Unix socket (NODE pg1|pg2|primary|standby).
    @discardableResult
    public func sql(_ node: String, _ statement: String) throws -> String {
        let result = try lab("psql", [node, statement], timeout: .seconds(30))
        guard result.status == 0 else { throw Failure(description: "psql on \(node): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    private static func run(_ arguments: [String], checker: String, timeout: Duration) throws -> Command.Output {
        let environment = Command.environment(adding: ["PGSQL_STATE_BIN": checker, "PG_BINDIR": binDir])
        return try Command.run("/bin/bash", [script] + arguments, environment: environment, timeout: timeout)
    }

    /// KEY=VALUE lines, as scripts/lab-local writes them.
    public static func keyValues(_ path: String) throws -> [String: String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }
}
