/// A PostgreSQL server held in the "starting" state for as long as it runs: a standby restored from a base
/// backup without its WAL (`-X none`) and with an upstream it can never reach cannot become consistent, so
/// it refuses every connection with SQLSTATE 57P03 ("the database system is not yet accepting connections").
public final class StartingServer: Sendable {
    public let port: UInt16
    private let binDir: String
    private let dataDir: String

    /// Base-backs up `lab`'s first node into LABDIR/starting and starts it; `stop()` removes nothing (the lab's
    /// own teardown removes LABDIR).
    public init(from lab: PostgresLab) throws {
        port = FreePort.tcp()
        binDir = lab.binDir
        dataDir = lab.labDir + "/starting"
        // LABDIR is root's: root makes what postgres writes in it (as scripts/pg-cluster does).
        try Command.checked("/usr/bin/install", ["-d", "-o", "postgres", "-g", "postgres", "-m", "0700", dataDir])
        try Command.checked("/usr/bin/install", ["-o", "postgres", "-g", "postgres", "-m", "0600", "/dev/null", dataDir + ".log"])
        try Self.asPostgres([lab.binDir + "/pg_basebackup", "-D", dataDir, "-X", "none",
                             "-h", lab.socketDir, "-p", String(lab.primaryPort), "-U", "postgres"])
        try Self.asPostgres(["/bin/sh", "-c", """
            printf "port = %s\\nprimary_conninfo = 'host=/nonexistent port=1'\\nhot_standby = on\\n" \(port) >> \(dataDir)/postgresql.auto.conf && \
            touch \(dataDir)/standby.signal
            """])
        try Self.asPostgres([lab.binDir + "/pg_ctl", "start", "-W", "-D", dataDir, "-l", dataDir + ".log"])
    }

    public func stop() {
        try? Self.asPostgres([binDir + "/pg_ctl", "stop", "-m", "immediate", "-D", dataDir])
    }

    private static func asPostgres(_ arguments: [String]) throws {
        try Command.checked("/usr/sbin/runuser", ["-u", "postgres", "--"] + arguments, currentDirectory: "/")
    }
}
