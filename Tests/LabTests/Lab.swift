import Foundation
import Testing
import TestSupport

/// Every lab test, one after the other: the multi-host suite (Hosts) boots its lab once; the others each start a
/// single-host lab (PostgreSQL pair, xinetd, systemd-socket-activate, two HAProxies). All of them time
/// HAProxy's reactions, which a second lab on 2 cores would distort.
@Suite(.serialized) enum LabTests {}

/// What the routing, switchover and lag tests read from a lab.
extension ShippedLab {
    static let vias = ["xinetd", "systemd"]
    static let writeListeners = ["rw", "rw-tcp", "rw-agent"]
    static let readListeners = ["ro", "ro-lag"]

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

    /// psql through a HAProxy listener, as a client would connect.
    func client(_ via: String, _ listener: String, _ statement: String) throws -> Command.Output {
        try Command.run(Self.binDir + "/psql", ["-X", "-At", "-h", "127.0.0.1", "-p", String(self.listener(via, listener)),
                                                "-U", "postgres", "-d", "postgres", "-c", statement],
                        environment: Command.environment(adding: ["PGCONNECT_TIMEOUT": "3", "PGPASSFILE": passFile],
                                                         removingPrefixes: ["PG"]),
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
