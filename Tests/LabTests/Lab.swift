import Foundation
import Testing
import TestSupport

/// Every lab test, one after the other: each starts its own lab (PostgreSQL pair, xinetd, systemd-socket-
/// activate, two HAProxies) and times HAProxy's reactions, which a second lab on 2 cores would distort.
@Suite(.serialized) enum LabTests {}

/// One `scripts/lab` (see its header) in a temporary directory: a primary pg1 and a streaming standby pg2,
/// each with the checker behind the shipped xinetd files and behind the shipped systemd units, and two
/// HAProxies from haproxy.cfg.example, one checking through xinetd, one through systemd-socket-activate.
/// `down()` stops every process the lab started; call it in a `defer`.
struct Lab: Sendable {
    static let repository = Repository.root
    static let script = Repository.path("scripts/lab")

    /// The PostgreSQL binaries: LAB_PG_BINDIR, else the first of PG_BINDIRS (scripts/test), else pg_config's.
    static let binDir: String = {
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["LAB_PG_BINDIR"], !dir.isEmpty { return dir }
        if let list = environment["PG_BINDIRS"], let first = list.split(separator: ":").first { return String(first) }
        let result = try? Command.run("/usr/bin/pg_config", ["--bindir"], timeout: .seconds(10))
        return result?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "/usr/lib/postgresql/15/bin"
    }()

    static let vias = ["xinetd", "systemd"]
    static let writeListeners = ["rw", "rw-tcp", "rw-agent"]
    static let readListeners = ["ro", "ro-lag"]

    let directory: String
    let env: [String: String]
    private let teardown: Teardown.Token

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// `scripts/lab up` in a new temporary directory. Whatever happens (a failed start, a test that throws,
    /// a test process that exits without `down()`), the lab is taken down.
    static func up() throws -> Lab {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pgsql-state-haproxy-lab.\(UUID().uuidString.prefix(8))").path
        let teardown = Teardown.register { Lab.down(directory) }
        do {
            let result = try run(["up", directory], timeout: .seconds(120))
            guard result.status == 0 else {
                throw Failure(description: "scripts/lab up failed (\(result.status)):\n\(result.stderr)")
            }
            return Lab(directory: directory, env: try keyValues(directory + "/lab.env"), teardown: teardown)
        } catch {
            down(directory)
            Teardown.unregister(teardown)
            throw error
        }
    }

    func down() {
        Self.down(directory)
        Teardown.unregister(teardown)
    }

    private static func down(_ directory: String) {
        _ = try? run(["down", directory], timeout: .seconds(90))
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// `scripts/lab COMMAND LABDIR ARGS...`.
    @discardableResult
    func lab(_ command: String, _ arguments: [String] = [], timeout: Duration = .seconds(60)) throws -> Command.Output {
        try Self.run([command, directory] + arguments, timeout: timeout)
    }

    /// `scripts/lab COMMAND LABDIR ARGS...`, which must succeed.
    func step(_ command: String, _ arguments: [String] = [], timeout: Duration = .seconds(60)) throws {
        let result = try lab(command, arguments, timeout: timeout)
        guard result.status == 0 else {
            throw Failure(description: "scripts/lab \(command) \(arguments.joined(separator: " ")): \(result.stderr)")
        }
    }

    static func run(_ arguments: [String], timeout: Duration) throws -> Command.Output {
        let environment = Command.environment(adding: ["PGSQL_STATE_BIN": try CheckerBinary.require(), "PG_BINDIR": binDir])
        return try Command.run("/bin/bash", [script] + arguments, environment: environment, timeout: timeout)
    }

    static func keyValues(_ path: String) throws -> [String: String] {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }

    func port(_ key: String) -> Int {
        guard let value = env[key], let port = Int(value) else {
            Issue.record("lab.env has no port \(key)")
            return 0
        }
        return port
    }

    /// A HAProxy listener's port: VIA xinetd|systemd, LISTENER rw|ro|ro-lag|rw-tcp|rw-agent.
    func listener(_ via: String, _ listener: String) -> Int {
        port("\(via.uppercased())_\(listener.uppercased().replacingOccurrences(of: "-", with: "_"))")
    }

    /// The PostgreSQL port of pg1 or pg2.
    func nodePort(_ node: String) -> Int { port("\(node.uppercased())_PORT") }

    /// SQL on a node as the superuser, over its Unix socket (NODE pg1|pg2|primary|standby).
    func sql(_ node: String, _ statement: String) throws -> String {
        let result = try lab("psql", [node, statement], timeout: .seconds(30))
        guard result.status == 0 else { throw Failure(description: "psql on \(node): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// psql through a HAProxy listener, as a client would connect.
    func client(_ via: String, _ listener: String, _ statement: String) throws -> Command.Output {
        try Command.run(Self.binDir + "/psql", ["-X", "-At", "-h", "127.0.0.1", "-p", String(self.listener(via, listener)),
                                                "-U", "postgres", "-d", "postgres", "-c", statement],
                        environment: Command.environment(adding: ["PGCONNECT_TIMEOUT": "3"], removingPrefixes: ["PG"]),
                        timeout: .seconds(10))
    }

    /// Waits until both HAProxies show the expected view for the current roles, with overrides such as
    /// "postgres-ro-lag/pg2=DOWN". Throws with HAProxy's last view otherwise.
    func waitForView(_ overrides: [String] = [], timeout: Int = 30) throws {
        let result = try lab("wait", [String(timeout)] + overrides, timeout: .seconds(timeout + 30))
        guard result.status == 0 else { throw Failure(description: "HAProxy's view: \(result.stderr)") }
    }

    /// HAProxy's view: "via listener server" -> status column of "show stat".
    func view() throws -> [String: String] {
        var states: [String: String] = [:]
        for line in try lab("view").stdout.split(separator: "\n") {
            let fields = line.split(separator: "|", omittingEmptySubsequences: false).map(String.init)
            guard fields.count > 3 else { continue }
            states["\(fields[0]) \(fields[1]) \(fields[2])"] = fields[3]
        }
        return states
    }
}
