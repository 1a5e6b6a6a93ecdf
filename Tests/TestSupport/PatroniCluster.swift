import Foundation

/// A two-node Patroni 4.1.5 cluster (etcd, PostgreSQL 15) started by `scripts/patroni-cluster`, for
/// comparing Patroni's REST API with pgsql-state on the same PostgreSQL nodes. Any failure to install or
/// start it throws: the differential test must fail, never pass silently, without real Patroni.
public final class PatroniCluster: Sendable {
    public struct Member: Sendable {
        public var name: String
        /// Patroni's REST API on 127.0.0.1.
        public var apiPort: UInt16
        /// PostgreSQL's port (its unix socket is in `socketDirectory`).
        public var postgresPort: UInt16
    }

    public let directory: String
    public let members: [Member]
    public let socketDirectory: String
    private let environment: [String: String]
    private let teardownToken = Locked<Teardown.Token?>(nil)

    public static var script: String { Repository.path("scripts/patroni-cluster") }
    public static let binDir = "/usr/lib/postgresql/15/bin"

    public static func start(timeout: Duration = .seconds(240)) throws -> PatroniCluster {
        var template = Array("/tmp/patroni-differential-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else {
            throw CommandError.failed(command: "mkdtemp", status: errno, stdout: "", stderr: "")
        }
        let directory = String(cString: made)
        let token = Teardown.register { _ = try? Command.run(PatroniCluster.script, ["stop", directory], timeout: .seconds(60)) }
        do {
            try Command.checked(script, ["start", directory], timeout: timeout)
        } catch {
            _ = try? Command.run(script, ["stop", directory], timeout: .seconds(60))
            Teardown.unregister(token)
            throw error
        }
        let text = try String(contentsOfFile: directory + "/cluster.env", encoding: .utf8)
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        func port(_ key: String) throws -> UInt16 {
            guard let port = values[key].flatMap({ UInt16($0) }) else {
                throw CommandError.failed(command: "read \(directory)/cluster.env", status: 1, stdout: text, stderr: "no \(key)")
            }
            return port
        }
        let members = [
            Member(name: "node1", apiPort: try port("NODE1_API"), postgresPort: try port("NODE1_PG")),
            Member(name: "node2", apiPort: try port("NODE2_API"), postgresPort: try port("NODE2_PG")),
        ]
        let cluster = PatroniCluster(directory: directory, members: members, socketDirectory: values["SOCKET_DIR"] ?? "",
                                     environment: values)
        cluster.teardownToken.withLock { $0 = token }
        return cluster
    }

    private init(directory: String, members: [Member], socketDirectory: String, environment: [String: String]) {
        self.directory = directory
        self.members = members
        self.socketDirectory = socketDirectory
        self.environment = environment
    }

    /// libpq's keyword/value line for a member's unix socket, as superuser (trust on the socket).
    public func conninfo(_ member: Member) -> String {
        "host=\(socketDirectory) port=\(member.postgresPort) user=postgres dbname=postgres"
    }

    /// One SQL statement on a member through psql; the unaligned output.
    @discardableResult
    public func sql(_ member: Member, _ statement: String) throws -> String {
        try Command.checked(Self.binDir + "/psql", ["-X", "-At", "-h", socketDirectory, "-p", String(member.postgresPort),
                                                     "-U", "postgres", "-d", "postgres", "-c", statement], timeout: .seconds(30))
            .trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `patronictl ARGUMENTS` against this cluster (node1's configuration names the DCS).
    @discardableResult
    public func patronictl(_ arguments: [String]) throws -> String {
        let program = "import sys; from patroni.ctl import ctl; sys.argv[0] = 'patronictl'; ctl()"
        let env = Command.environment(adding: ["PYTHONPATH": environment["PYTHONPATH"] ?? ""])
        return try Command.checked("/usr/bin/python3", ["-c", program, "-c", environment["PATRONI_CONFIG"] ?? ""] + arguments,
                                   environment: env, timeout: .seconds(120))
    }

    /// Stops the cluster and removes its directory (some 200 MB). A cluster that failed to start keeps it,
    /// for its logs (`start` throws with the script's stderr).
    public func stop() {
        _ = try? Command.run(Self.script, ["stop", directory], timeout: .seconds(60))
        try? FileManager.default.removeItem(atPath: directory)
        if let token = teardownToken.withLock({ token in defer { token = nil }; return token }) { Teardown.unregister(token) }
    }
}
