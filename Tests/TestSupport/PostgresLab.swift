import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away PostgreSQL primary (and optional streaming standby) started by `scripts/pg-cluster`
/// in a fresh root-owned directory under /tmp. Servers run as `postgres`, listen on unix sockets in
/// `socketDir` (trust authentication) and on 127.0.0.1 (TLS only, with a certificate for 127.0.0.1
/// signed by the lab's own CA, `rootCertificate`; scram-sha-256 with the generated passwords in
/// `passFile`). Roles: `postgres` (superuser), `checker` (LOGIN only) and, with `monitorRole`,
/// `checker_monitor` (LOGIN, member of pg_monitor).
///
/// Call `stop()` when done (e.g. in a `defer`); labs still running at exit are stopped by an
/// `atexit` handler. There is deliberately no `deinit` teardown: Swift may release a lab right after
/// its last use, which could be before the test's last connection to it.
public final class PostgresLab: Sendable, CustomStringConvertible {
    public let labDir: String
    public let socketDir: String
    public let binDir: String
    public let primaryPort: UInt16
    /// nil when started without a standby.
    public let standbyPort: UInt16?
    public let primaryDataDir: String
    /// nil when started without a standby.
    public let standbyDataDir: String?
    /// Whether the servers take TLS: the PyPI builds of PostgreSQL 16 and 18 have no TLS at all.
    public let tls: Bool
    /// The lab's CA certificate (PEM), for `sslrootcert`.
    public var rootCertificate: String { labDir + "/tls/root.crt" }
    /// The lab's passwords (root's, mode 0600), as libpq's `passfile` reads them.
    public var passFile: String { labDir + "/pgpass" }

    private let teardownToken = Locked<Teardown.Token?>(nil)
    /// Port and data directory of `.third`, once added.
    private let thirdNode = Locked<(port: UInt16, dataDir: String)?>(nil)

    /// Runs `pg-cluster up` in a new directory `/tmp/pgsql-state-lab.XXXXXX`.
    /// - Parameter binDir: PostgreSQL binaries; default `$PG_BINDIR`, else `pg_config --bindir`.
    public static func start(standby: Bool, monitorRole: Bool = false, binDir: String? = nil) throws -> PostgresLab {
        var template = Array("/tmp/pgsql-state-lab.XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else {
            throw LabError.startFailed("mkdtemp failed: \(String(cString: strerror(errno)))")
        }
        let dir = String(cString: created)
        var args = ["up", dir]
        if standby { args.append("--standby") }
        if monitorRole { args.append("--monitor-role") }
        let environment = binDir.map { Command.environment(adding: ["PG_BINDIR": $0]) }
        let output: Command.Output
        do {
            output = try Command.run(Repository.pgCluster, args, environment: environment, timeout: .seconds(120))
        } catch {
            PostgresLab.down(dir)
            throw LabError.startFailed("\(error)")
        }
        guard output.status == 0 else {
            PostgresLab.down(dir)
            throw LabError.startFailed("pg-cluster up exited with status \(output.status)\n\(output.stderr)")
        }
        let values: [String: String]
        do {
            values = try parseEnvFile(dir + "/env")
        } catch {
            PostgresLab.down(dir)
            throw error
        }
        func value(_ key: String) -> String { values[key] ?? "" }
        guard let primaryPort = UInt16(value("PRIMARY_PORT")) else {
            PostgresLab.down(dir)
            throw LabError.startFailed("no PRIMARY_PORT in \(dir)/env")
        }
        let lab = PostgresLab(
            labDir: value("LABDIR"), socketDir: value("SOCKET_DIR"), binDir: value("PG_BINDIR"),
            primaryPort: primaryPort, standbyPort: UInt16(value("STANDBY_PORT")),
            primaryDataDir: value("PRIMARY_DATA"),
            standbyDataDir: value("STANDBY_DATA").isEmpty ? nil : value("STANDBY_DATA"),
            tls: value("TLS") == "on"
        )
        let token = Teardown.register { PostgresLab.down(dir) }
        lab.teardownToken.withLock { $0 = token }
        return lab
    }

    private init(labDir: String, socketDir: String, binDir: String, primaryPort: UInt16, standbyPort: UInt16?,
                 primaryDataDir: String, standbyDataDir: String?, tls: Bool) {
        self.tls = tls
        self.labDir = labDir
        self.socketDir = socketDir
        self.binDir = binDir
        self.primaryPort = primaryPort
        self.standbyPort = standbyPort
        self.primaryDataDir = primaryDataDir
        self.standbyDataDir = standbyDataDir
    }

    /// `pg-cluster down`: stops every server (SIGCONT first, immediate shutdown, SIGKILL leftovers) and
    /// removes `labDir`. Idempotent.
    public func stop() {
        guard let token = teardownToken.withLock({ token -> Teardown.Token? in
            defer { token = nil }
            return token
        }) else { return }
        Teardown.unregister(token)
        PostgresLab.down(labDir)
    }

    public var description: String {
        "PostgresLab(\(labDir), primary :\(primaryPort)" + (standbyPort.map { ", standby :\($0)" } ?? "") + ")"
    }

    /// `pg-cluster add-standby`: `.third`, a second streaming standby of the current primary.
    public func addStandby() throws {
        let output = try Command.run(Repository.pgCluster, ["add-standby", labDir, Node.third.rawValue],
                                     environment: Command.environment(adding: ["PG_BINDIR": binDir]), timeout: .seconds(120))
        guard output.status == 0 else {
            throw LabError.startFailed("pg-cluster add-standby exited with status \(output.status)\n\(output.stderr)")
        }
        let values = try Self.parseEnvFile(labDir + "/env")
        guard let port = UInt16(values["THIRD_PORT"] ?? ""), let data = values["THIRD_DATA"] else {
            throw LabError.startFailed("no THIRD_PORT in \(labDir)/env")
        }
        thirdNode.withLock { $0 = (port, data) }
    }

    // MARK: Addresses

    /// The node's TCP port (and unix socket number). A lab without a standby has no `.standby` port.
    public func port(_ node: Node) -> UInt16 {
        switch node {
        case .first: return primaryPort
        case .second:
            guard let standbyPort else { preconditionFailure("\(self) has no standby") }
            return standbyPort
        case .third:
            guard let third = thirdNode.withLock({ $0 }) else { preconditionFailure("\(self) has no third node") }
            return third.port
        }
    }

    public func dataDir(_ node: Node) -> String {
        switch node {
        case .first: return primaryDataDir
        case .second:
            guard let standbyDataDir else { preconditionFailure("\(self) has no standby") }
            return standbyDataDir
        case .third:
            guard let third = thirdNode.withLock({ $0 }) else { preconditionFailure("\(self) has no third node") }
            return third.dataDir
        }
    }

    /// The node's server log (`pg_ctl -l`).
    public func logPath(_ node: Node) -> String {
        "\(labDir)/\(node.rawValue).log"
    }

    /// libpq keyword/value string over the unix socket: `host=SOCKET_DIR port=P user=U dbname=postgres`.
    public func conninfo(_ node: Node, user: String = "postgres") -> String {
        "host=\(socketDir) port=\(port(node)) user=\(user) dbname=postgres"
    }

    /// The `lab_probe` role's login (clear-text password, loopback, no TLS: for the tests' wire client).
    public func probeLogin() throws -> ProbeLogin { try ProbeLogin.read(passFile: passFile) }

    /// The same over TCP: `host=127.0.0.1 port=P user=U dbname=postgres passfile=…`. TLS and SCRAM as
    /// libpq negotiates them by default (`sslmode=prefer`, no certificate check): a checker adds
    /// `channel_binding=require` to such a peer line.
    public func tcpConninfo(_ node: Node, user: String = "postgres") -> String {
        "host=127.0.0.1 port=\(port(node)) user=\(user) dbname=postgres passfile=\(passFile)"
    }

    /// A `--peer` line the checker can authenticate: over TCP (channel binding is added) where the servers
    /// take TLS, else over the unix socket with `requirepeer=postgres` (no TLS, no channel binding there).
    public func peerConninfo(_ node: Node, user: String = "checker") -> String {
        tls ? tcpConninfo(node, user: user) : conninfo(node, user: user) + " requirepeer=postgres"
    }

    /// Over TCP with the server's certificate verified against the lab's CA (`sslmode=verify-full`).
    public func verifiedConninfo(_ node: Node, user: String = "postgres") -> String {
        tcpConninfo(node, user: user) + " sslmode=verify-full sslrootcert=\(rootCertificate)"
    }

    // MARK: SQL

    /// Runs `query` with psql (`-X -At -v ON_ERROR_STOP=1`) and returns its output without the final
    /// newline: one row per line, columns separated by `|`. Throws `LabError.sqlFailed` on any error.
    @discardableResult
    public func sql(_ node: Node, _ query: String, user: String = "postgres",
                    timeout: Duration = .seconds(15)) throws -> String {
        let environment = Command.environment(adding: ["PGCONNECT_TIMEOUT": "5"], removingPrefixes: ["PG"])
        let output = try Command.run(
            binDir + "/psql",
            ["-X", "-At", "-q", "-v", "ON_ERROR_STOP=1", "-h", socketDir, "-p", String(port(node)),
             "-U", user, "-d", "postgres", "-c", query],
            environment: environment, timeout: timeout
        )
        guard output.status == 0 else {
            throw LabError.sqlFailed(node: node, query: query,
                                     message: output.stderr.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        var text = output.stdout
        while text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    // MARK: Server control

    /// `pg_ctl -D DATA ARGS…` as postgres; returns its stdout, throws `LabError.commandFailed`.
    @discardableResult
    public func pgCtl(_ node: Node, _ args: [String], timeout: Duration = .seconds(60)) throws -> String {
        let output = try Command.runAs(user: "postgres", binDir + "/pg_ctl", ["-D", dataDir(node)] + args,
                                       timeout: timeout)
        guard output.status == 0 else {
            throw LabError.commandFailed(
                "pg_ctl \(args.joined(separator: " ")) on \(node) exited with status \(output.status)\n"
                    + output.stdout + output.stderr + "\n--- log tail ---\n" + logTail(node)
            )
        }
        return output.stdout
    }

    /// `pg_ctl stop -m MODE -w -t 30`. A suspended postmaster is not resumed first (see `resume`).
    public func stopNode(_ node: Node, mode: StopMode = .fast) throws {
        try pgCtl(node, ["stop", "-m", mode.rawValue, "-w", "-t", "30"])
    }

    /// `pg_ctl start -l LOG`, waiting (up to 30 s) until it accepts connections unless `wait` is false.
    public func startNode(_ node: Node, wait: Bool = true) throws {
        try pgCtl(node, ["start", "-l", logPath(node), wait ? "-w" : "-W", "-t", "30"])
    }

    /// `pg_ctl promote -w -t 30`.
    public func promote(_ node: Node) throws {
        try pgCtl(node, ["promote", "-w", "-t", "30"])
    }

    /// The postmaster's PID: first line of DATA/postmaster.pid.
    public func postmasterPID(_ node: Node) throws -> pid_t {
        let path = dataDir(node) + "/postmaster.pid"
        guard let text = try? String(contentsOfFile: path, encoding: .utf8),
              let first = text.split(separator: "\n", omittingEmptySubsequences: false).first,
              let pid = pid_t(first.trimmingCharacters(in: .whitespaces)), pid > 0
        else {
            throw LabError.commandFailed("\(node) is not running (no readable \(path))")
        }
        return pid
    }

    /// SIGSTOP the postmaster and wait (up to 5 s) until the kernel shows it stopped: new connections
    /// then queue in the listen backlog unanswered. Its backends keep running.
    public func suspend(_ node: Node) throws {
        let pid = try signal(node, SIGSTOP)
        try Wait.until(timeout: .seconds(5), poll: .milliseconds(1), "\(node) postmaster \(pid) stopped") {
            Self.processState(pid) == "T"
        }
    }

    /// SIGCONT the postmaster and wait (up to 5 s) until it is no longer stopped.
    public func resume(_ node: Node) throws {
        let pid = try signal(node, SIGCONT)
        try Wait.until(timeout: .seconds(5), poll: .milliseconds(1), "\(node) postmaster \(pid) resumed") {
            Self.processState(pid) != "T"
        }
    }

    /// Waits until `upstream`'s pg_stat_replication shows `standby` (by its cluster_name, the node
    /// name) as streaming.
    public func waitForStreaming(_ standby: Node = .second, upstream: Node = .first,
                                 timeout: Duration = .seconds(30)) throws {
        try Wait.until(timeout: timeout, poll: .milliseconds(100), "\(standby) streaming from \(upstream)") {
            try sql(upstream, "SELECT count(*) FROM pg_stat_replication WHERE application_name = '\(standby.rawValue)' AND state = 'streaming'") == "1"
        }
    }

    /// Rebuilds `node` (e.g. the old primary after a switchover) as a streaming standby of `upstream`
    /// with `pg-cluster reinit-standby` (pg_basebackup); `node` keeps its port.
    public func reinitStandby(_ node: Node, from upstream: Node) throws {
        let output = try Command.run(Repository.pgCluster,
                                     ["reinit-standby", labDir, String(port(upstream)), node.rawValue],
                                     timeout: .seconds(120))
        guard output.status == 0 else {
            throw LabError.commandFailed("pg-cluster reinit-standby \(node) from \(upstream) failed\n\(output.stderr)")
        }
    }

    // MARK: Logs

    /// The node's whole server log ("" if there is none yet).
    public func logText(_ node: Node) -> String {
        (try? String(contentsOfFile: logPath(node), encoding: .utf8)) ?? ""
    }

    /// The last `lines` lines of the node's server log.
    public func logTail(_ node: Node, lines: Int = 30) -> String {
        logText(node).split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    // MARK: Private

    @discardableResult
    private func signal(_ node: Node, _ signal: Int32) throws -> pid_t {
        let pid = try postmasterPID(node)
        guard kill(pid, signal) == 0 else {
            throw LabError.commandFailed("kill(\(pid), \(signal)) for \(node): \(String(cString: strerror(errno)))")
        }
        return pid
    }

    /// The state letter of /proc/PID/stat (R, S, T...), "" if the process is gone.
    private static func processState(_ pid: pid_t) -> String {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return "" }
        return stat[stat.index(after: close)...].split(separator: " ").first.map(String.init) ?? ""
    }

    /// `pg-cluster down DIR` (bounded inside the script); usable from the atexit handler.
    private static func down(_ dir: String) {
        guard let child = try? ChildProcess.spawn(Repository.pgCluster, ["down", dir], stdout: .null) else { return }
        child.wait()
    }

    private static func parseEnvFile(_ path: String) throws -> [String: String] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw LabError.startFailed("cannot read \(path)")
        }
        var values: [String: String] = [:]
        for line in text.split(separator: "\n") {
            guard let equals = line.firstIndex(of: "=") else { continue }
            values[String(line[..<equals])] = String(line[line.index(after: equals)...])
        }
        return values
    }
}

/// Errors of `PostgresLab`.
public enum LabError: Error, CustomStringConvertible {
    case startFailed(String)
    case sqlFailed(node: Node, query: String, message: String)
    case commandFailed(String)

    public var description: String {
        switch self {
        case let .startFailed(message): return "could not start the PostgreSQL lab: \(message)"
        case let .sqlFailed(node, query, message): return "SQL on \(node) failed: \(query)\n\(message)"
        case let .commandFailed(message): return message
        }
    }
}
