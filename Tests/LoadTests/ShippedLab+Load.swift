import Foundation
import Testing
import TestSupport

/// What the load tests read from a lab.
extension ShippedLab {
    /// A port named in lab.env, e.g. `PG1_XINETD_HTTP`.
    func port(_ key: String) throws -> UInt16 {
        guard let value = env[key], let port = UInt16(value) else {
            throw Failure(description: "lab.env has no port \(key)")
        }
        return port
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
