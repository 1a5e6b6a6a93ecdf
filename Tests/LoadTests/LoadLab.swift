import Foundation
import Testing
import TestSupport

/// `scripts/lab` for the load tests (a trimmed copy of LabTests' `Lab`): a primary pg1 and a streaming standby
/// pg2, each with the checker behind the shipped xinetd files (one xinetd per node) and behind the shipped systemd
/// units run by `systemd-socket-activate --accept --inetd`, and two HAProxies checking through them.
/// `down()` stops every process the lab started; call it in a `defer`. A test process that dies first still
/// takes the lab down (`Teardown`).
struct LoadLab: Sendable {
    static let script = Repository.path("scripts/lab")

    /// The PostgreSQL binaries: LAB_PG_BINDIR, else the first of PG_BINDIRS (scripts/test), else pg_config's.
    static let binDir: String = {
        let environment = ProcessInfo.processInfo.environment
        if let dir = environment["LAB_PG_BINDIR"], !dir.isEmpty { return dir }
        if let list = environment["PG_BINDIRS"], let first = list.split(separator: ":").first { return String(first) }
        let result = try? Command.run("/usr/bin/pg_config", ["--bindir"], timeout: .seconds(10))
        return result?.stdout.trimmingCharacters(in: .whitespacesAndNewlines) ?? "/usr/lib/postgresql/15/bin"
    }()

    let directory: String
    let env: [String: String]
    /// The checker the lab copied (`PGSQL_STATE_BIN`, else the debug build next to the tests).
    let checker: String
    private let teardown: Teardown.Token

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    static func up() throws -> LoadLab {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("pgsql-state-load-lab.\(UUID().uuidString.prefix(8))").path
        let teardown = Teardown.register { LoadLab.down(directory) }
        do {
            let checker = try CheckerBinary.require()
            let result = try run(["up", directory], checker: checker, timeout: .seconds(120))
            guard result.status == 0 else {
                throw Failure(description: "scripts/lab up failed (\(result.status)):\n\(result.stderr)")
            }
            return LoadLab(directory: directory, env: try keyValues(directory + "/lab.env"), checker: checker,
                           teardown: teardown)
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
        _ = try? run(["down", directory], checker: CheckerBinary.path, timeout: .seconds(90))
        try? FileManager.default.removeItem(atPath: directory)
    }

    private static func run(_ arguments: [String], checker: String, timeout: Duration) throws -> Command.Output {
        let environment = Command.environment(adding: ["PGSQL_STATE_BIN": checker, "PG_BINDIR": binDir])
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

    /// A port named in lab.env, e.g. `PG1_XINETD_HTTP`.
    func port(_ key: String) throws -> UInt16 {
        guard let value = env[key], let port = UInt16(value) else {
            throw Failure(description: "lab.env has no port \(key)")
        }
        return port
    }

    /// SQL on a node as the superuser, over its Unix socket (NODE pg1|pg2|primary|standby).
    @discardableResult
    func sql(_ node: String, _ statement: String) throws -> String {
        let result = try Self.run(["psql", directory, node, statement], checker: checker, timeout: .seconds(30))
        guard result.status == 0 else { throw Failure(description: "psql on \(node): \(result.stderr)") }
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The server log of pg1 or pg2: pg-cluster and the lab keep it at LABDIR/<data directory name>.log.
    func serverLog(_ node: String) throws -> String {
        guard let data = env["\(node.uppercased())_DATA"] else { throw Failure(description: "lab.env has no \(node)_DATA") }
        return directory + "/" + URL(fileURLWithPath: data).lastPathComponent + ".log"
    }

    /// xinetd's own log for a node (`-filelog`): start-up, "Deactivating service ...".
    func xinetdLog(_ node: String) -> String { directory + "/logs/xinetd-\(node).log" }

    func read(_ path: String) -> String {
        (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
    }
}
