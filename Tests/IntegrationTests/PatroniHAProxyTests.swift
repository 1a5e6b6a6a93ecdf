import Foundation
import Testing
import TestSupport

/// HAProxy configurations written for Patroni, unchanged but for addresses and ports, against a primary
/// and a streaming standby checked by pgsql-state. The checkers read a config file with `check = primary`,
/// which is what README's migration note asks for: Patroni's `/` is its primary check.
@Suite(.serialized) struct PatroniHAProxyTests {
    final class Setup {
        let lab: PostgresLab
        var checkers: [Node: SocketActivated] = [:]
        let directory: String

        init() throws {
            lab = try PostgresLab.start(standby: true, monitorRole: true, binDir: ShippedLab.binDir)
            directory = "/tmp/pgsql-state-patroni-haproxy-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
            do {
                try lab.waitForStreaming()
                try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
                for (node, other) in [(Node.first, Node.second), (.second, .first)] {
                    let config = "\(directory)/\(node.rawValue).conf"
                    try """
                        check = primary
                        conninfo = \(lab.conninfo(node, user: "checker_monitor"))
                        peer = \(lab.conninfo(other, user: "checker"))

                        """.write(toFile: config, atomically: true, encoding: .utf8)
                    checkers[node] = try SocketActivated.start(CheckerBinary.path, ["--config", config])
                }
            } catch {
                down()
                throw error
            }
        }

        func down() {
            checkers.values.forEach { $0.stop() }
            lab.stop()
            try? FileManager.default.removeItem(atPath: directory)
        }

        func haproxy(_ config: String) throws -> BackgroundCommand {
            let path = "\(directory)/haproxy-\(UInt32.random(in: 0...UInt32.max)).cfg"
            try config.write(toFile: path, atomically: true, encoding: .utf8)
            let check = try Command.run("/usr/sbin/haproxy", ["-c", "-f", path], timeout: .seconds(10))
            try #require(check.status == 0, "\(check.stdout)\(check.stderr)")
            return try BackgroundCommand.start("/usr/sbin/haproxy", ["-f", path, "-db"])
        }

        /// The node a new client connection through HAProxy lands on: its port and whether it is in recovery.
        func landing(_ port: UInt16) throws -> String {
            let output = try Command.run(lab.binDir + "/psql", ["-X", "-At", "-h", "127.0.0.1", "-p", String(port), "-U", "postgres",
                                                                "-d", "postgres", "-c", "SELECT inet_server_port() || ' ' || pg_is_in_recovery()"],
                                         environment: Command.environment(adding: ["PGPASSFILE": lab.passFile]), timeout: .seconds(10))
            return output.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
    }

    /// patroni/patroni's top-level haproxy.cfg: `option httpchk` (HAProxy sends `OPTIONS / HTTP/1.0` and
    /// accepts any 2xx or 3xx), servers UP at start until `fall` (3) failed checks every 2 s.
    @Test func patronisOwnHAProxyConfig() throws {
        let setup = try Setup()
        defer { setup.down() }
        let lab = setup.lab
        let front = FreePort.tcp()
        let haproxy = try setup.haproxy("""
            global
            \tmaxconn 100

            defaults
            \tlog\tglobal
            \tmode\ttcp
            \tretries 2
            \ttimeout client 30m
            \ttimeout connect 4s
            \ttimeout server 30m
            \ttimeout check 5s

            frontend ft_postgresql
            \tbind 127.0.0.1:\(front)
            \tdefault_backend bk_db

            backend bk_db
            \toption httpchk

                server postgresql_127.0.0.1_\(lab.port(.first)) 127.0.0.1:\(lab.port(.first)) maxconn 100 check port \(setup.checkers[.first]!.port)
                server postgresql_127.0.0.1_\(lab.port(.second)) 127.0.0.1:\(lab.port(.second)) maxconn 100 check port \(setup.checkers[.second]!.port)

            """)
        defer { haproxy.stop() }
        let primary = "\(lab.port(.first)) false"
        // Round robin over both until the standby is DOWN; then every connection reaches the primary.
        try Wait.until(timeout: .seconds(30), poll: .milliseconds(200), "only the primary is UP") {
            try (0..<4).allSatisfy { _ in try setup.landing(front) == primary }
        }
        for _ in 0..<10 { #expect(try setup.landing(front) == primary) }
        #expect(haproxy.isRunning)
    }

    /// The stanzas Patroni's users copy from its documentation: `OPTIONS /master` and `OPTIONS /replica`
    /// with `http-check expect status 200`, and a stats page, which shows each server's state.
    @Test func patroniDocumentationStanzas() throws {
        let setup = try Setup()
        defer { setup.down() }
        let lab = setup.lab
        let stats = FreePort.tcp(), primaryPort = FreePort.tcp(), replicaPort = FreePort.tcp()
        func servers() -> String {
            [Node.first, .second].map { node in
                "    server postgresql_127.0.0.1_\(lab.port(node)) 127.0.0.1:\(lab.port(node)) maxconn 100 check port \(setup.checkers[node]!.port)"
            }.joined(separator: "\n")
        }
        let haproxy = try setup.haproxy("""
            global
                maxconn 100

            defaults
                log global
                mode tcp
                retries 2
                timeout client 30m
                timeout connect 4s
                timeout server 30m
                timeout check 5s

            listen stats
                mode http
                bind 127.0.0.1:\(stats)
                stats enable
                stats uri /

            listen primary
                bind 127.0.0.1:\(primaryPort)
                option httpchk OPTIONS /master
                http-check expect status 200
                default-server inter 3s fall 3 rise 2 on-marked-down shutdown-sessions
            \(servers())

            listen replicas
                bind 127.0.0.1:\(replicaPort)
                balance roundrobin
                option httpchk OPTIONS /replica
                http-check expect status 200
                default-server inter 3s fall 3 rise 2 on-marked-down shutdown-sessions
            \(servers())

            """)
        defer { haproxy.stop() }
        func state(_ proxy: String, _ node: Node) -> String {
            let csv = RawClient.exchange(port: stats, request: "GET /;csv HTTP/1.0\r\n\r\n", timeout: .seconds(5)).text
            for line in csv.split(separator: "\n") {
                let fields = line.split(separator: ",", omittingEmptySubsequences: false)
                if fields.count > 17, fields[0] == proxy, fields[1] == "postgresql_127.0.0.1_\(lab.port(node))" { return String(fields[17]) }
            }
            return "unknown"
        }
        try Wait.until(timeout: .seconds(40), poll: .milliseconds(300), "the primary UP in primary, the standby UP in replicas, the others DOWN") {
            state("primary", .first) == "UP" && state("primary", .second) == "DOWN"
                && state("replicas", .first) == "DOWN" && state("replicas", .second) == "UP"
        }
        #expect(try setup.landing(primaryPort) == "\(lab.port(.first)) false")
        #expect(try setup.landing(replicaPort) == "\(lab.port(.second)) true")
    }
}
