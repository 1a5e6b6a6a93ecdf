import Foundation

/// A PostgreSQL server log as the lab writes it (`log_line_prefix = '%m [%p] %q%a '`), with
/// `log_connections = on`: every backend's lines can be traced to the connection that started it.
struct PostgresLog: Sendable {
    /// What a client that goes away without PQfinish (or with unread input, hence an RST) leaves in the log.
    static let clientVanishedMarkers = ["could not receive data from client", "unexpected EOF on client connection"]

    struct Backend: Sendable {
        var host: String?
        var user: String?
        var application: String?
    }

    struct Line: Sendable, CustomStringConvertible {
        let pid: Int?
        let text: String
        /// What was known about the line's backend when it was written (pids are reused: the latest
        /// connection with this pid).
        let backend: Backend?
        var description: String { text }
    }

    let lines: [Line]
    /// Connections that authenticated as checks (application_name pgsql-state).
    let checkConnections: Int

    init(text: String) {
        var lines: [Line] = []
        var backends: [Int: Backend] = [:]
        var checkConnections = 0
        for raw in text.split(separator: "\n") where !raw.hasPrefix("\t") {
            let text = String(raw)
            let pid = text.firstMatch(of: #/ \[(\d+)\] /#).flatMap { Int($0.1) }
            if let pid {
                if let match = text.firstMatch(of: #/connection received: host=(\S+)/#) {
                    backends[pid] = Backend(host: String(match.1))
                }
                if let match = text.firstMatch(of: #/connection authorized: user=(\S+)(?: database=\S+)?(?: application_name=(\S+))?/#) {
                    backends[pid, default: Backend()].user = String(match.1)
                    backends[pid, default: Backend()].application = match.2.map(String.init)
                    if match.2 == "pgsql-state" { checkConnections += 1 }
                }
            }
            lines.append(Line(pid: pid, text: text, backend: pid.flatMap { backends[$0] }))
        }
        self.lines = lines
        self.checkConnections = checkConnections
    }

    init(path: String) throws {
        try self.init(text: String(contentsOfFile: path, encoding: .utf8))
    }

    /// Lines saying a client went away without a proper goodbye.
    var clientVanished: [Line] {
        lines.filter { line in Self.clientVanishedMarkers.contains { line.text.contains($0) } }
    }

    /// Was this backend a check? Checks connect over the Unix socket as the lab's check role with
    /// application_name pgsql-state. A backend that died before authentication (so no user or application
    /// is known) and came over the Unix socket counts as a check too: nothing else in the lab connects that
    /// way but the lab's own psql and the standby's WAL receiver, which always authenticate.
    func isCheck(_ line: Line, checkRole: String) -> Bool {
        if line.text.contains(" pgsql-state LOG:") || line.text.contains(" pgsql-state FATAL:") { return true }
        guard let backend = line.backend else { return false }
        if backend.application == "pgsql-state" || backend.user == checkRole { return true }
        return backend.user == nil && backend.host == "[local]"
    }
}
