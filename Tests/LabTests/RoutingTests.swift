import Foundation
import Testing
import TestSupport

extension LabTests {
    /// Clients through HAProxy land where the shipped files say, for every check style (httpchk,
    /// tcp-check string, agent-check) and through both ways of serving the checker.
    @Suite struct Routing {
        @Test func everyListenerRoutesToTheRightNode() throws {
            let lab = try Lab.up(name: "pgsql-state-haproxy-lab")
            defer { lab.down() }
            let primary = lab.nodePort("pg1"), standby = lab.nodePort("pg2")
            for via in Lab.vias {
                for listener in Lab.writeListeners + Lab.readListeners {
                    let result = try lab.client(via, listener, "SELECT pg_is_in_recovery(), inet_server_port()")
                    let expected = Lab.writeListeners.contains(listener) ? "f|\(primary)" : "t|\(standby)"
                    #expect(result.status == 0, "\(via) \(listener): \(result.stderr)")
                    #expect(result.stdout.trimmingCharacters(in: .newlines) == expected, "\(via) \(listener)")
                }
            }
            // A write through a read-write listener is taken; through a read-only one it is refused by the standby.
            for via in Lab.vias {
                for listener in Lab.writeListeners {
                    let result = PostgresWire.query(port: lab.listener(via, listener),
                                                    "INSERT INTO lab_writes (via) VALUES ('\(via)/\(listener)') RETURNING inet_server_port()")
                    #expect(result == .row([String(primary)]), "\(via) \(listener)")
                }
                for listener in Lab.readListeners {
                    let result = PostgresWire.query(port: lab.listener(via, listener), "INSERT INTO lab_writes (via) VALUES ('x')")
                    #expect(result == .error(code: "25006", message: "cannot execute INSERT in a read-only transaction"),
                            "\(via) \(listener)")
                }
            }
        }

        /// The lab runs the shipped files, not look-alikes: the rendered configurations differ from them only
        /// in addresses, ports, the binary's path, the user and the libpq environment.
        @Test func labConfigurationsAreTheShippedFilesWithAddressesAndPortsRewritten() throws {
            let lab = try Lab.up(name: "pgsql-state-haproxy-lab")
            defer { lab.down() }
            let directory = URL(fileURLWithPath: lab.directory)
            func changedLines(_ path: String) throws -> (old: [String], new: [String]) {
                let diff = try String(contentsOf: directory.appendingPathComponent(path), encoding: .utf8)
                let lines = diff.split(separator: "\n").map(String.init)
                return (lines.filter { $0.hasPrefix("< ") }.map { String($0.dropFirst(2)) },
                        lines.filter { $0.hasPrefix("> ") }.map { String($0.dropFirst(2)) })
            }
            // HAProxy: with every number a placeholder (and "*" written as an address, the Runtime API's
            // socket path as one word), old and new lines are the same lines: nothing but addresses, ports and
            // the socket's place changed.
            func normalized(_ line: String) -> String {
                line.replacingOccurrences(of: "*:", with: "0.0.0.0:")
                    .replacing(#/stats socket \S+/#, with: "stats socket PATH").replacing(#/\d+/#, with: "N")
            }
            for via in Lab.vias {
                let (old, new) = try changedLines("haproxy/\(via).diff")
                #expect(old.count == 17, "\(via): \(old.count) lines rewritten")  // 5 x (bind + 2 servers), stats page, API socket
                #expect(old.map(normalized).sorted() == new.map(normalized).sorted(), "haproxy/\(via).diff")
                #expect(new.allSatisfy { !$0.contains("*:") && !$0.contains(":5432 ") && !$0.contains(":5433 ") })
            }
            // xinetd: only the port, the binary's path, the user/group, the libpq environment and the config
            // file's path (the lab's own, naming the other node as peer).
            for node in ["pg1", "pg2"] {
                for file in ["pgsql-state", "pgsql-state-text", "pgsql-state-agent"] {
                    let (old, new) = try changedLines("xinetd/\(node)-\(file).diff")
                    for line in old + new {
                        #expect(line.contains(#/^\s+(port|server|user|group|env|server_args)\s+=/#), "\(node) \(file): \(line)")
                        if line.contains("server_args") {
                            #expect(line.contains(#/--config (/etc/pgsql-state/pgsql-state|\S+/etc/pg\d).conf --format/#), "\(line)")
                        }
                    }
                    #expect(new.contains { $0.contains(#/^\s+port\s+=\s+\d+$/#) })
                    #expect(new.contains { $0.contains("PGPORT=\(lab.nodePort(node))") })
                }
            }
            // The systemd-socket-activate command lines run the units' ExecStart= (path replaced) with their
            // Environment= (PGHOST rewritten).
            for unit in ["pgsql-state", "pgsql-state-text", "pgsql-state-agent"] {
                let service = try String(contentsOfFile: "\(Lab.repository)/systemd/\(unit)@.service", encoding: .utf8)
                let execStart = service.split(separator: "\n").first { $0.hasPrefix("ExecStart=") }!
                    .dropFirst("ExecStart=".count)
                    .replacingOccurrences(of: "/usr/local/bin/pgsql-state", with: "\(lab.directory)/bin/pgsql-state")
                for node in ["pg1", "pg2"] {
                    let execStart = execStart.replacingOccurrences(of: "/etc/pgsql-state/pgsql-state.conf",
                                                                   with: "\(lab.directory)/etc/\(node).conf")
                    let command = try String(contentsOf: directory.appendingPathComponent("systemd/\(node)-\(unit).cmd"),
                                             encoding: .utf8)
                    #expect(command.contains("systemd-socket-activate --accept --inetd -l 127.0.0.1:"))
                    #expect(command.hasSuffix(" \(execStart)\n"), "\(node) \(unit): \(command)")
                    #expect(command.contains("-E PGPORT=\(lab.nodePort(node))"))
                }
            }
        }
    }
}
