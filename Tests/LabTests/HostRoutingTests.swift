import Foundation
import Testing
import TestSupport

extension LabTests {
    /// The multi-host lab (`scripts/lab`): booted once for every test below, each node its own host under a
    /// real systemd. Tests leave the roles as they found them (pg1 primary, pg2 standby).
    @Suite(.hostLab) struct Hosts {}
}

extension LabTests.Hosts {
    static let listeners: [(port: Int, name: String, writes: Bool)] = [
        (5000, "postgres-rw", true), (5001, "postgres-ro", false), (5002, "postgres-ro-lag", false),
        (5003, "postgres-rw-tcp", true), (5004, "postgres-rw-agent", true),
    ]

    /// From this machine through every HAProxy node and every listener of the example: httpchk (rw, ro, ro-lag),
    /// tcp-check (rw-tcp) and agent-check (rw-agent). pg1 serves the checker through the shipped sockets, pg2
    /// through the shipped xinetd files, so both ways answer both roles here and after a switchover.
    @Test func everyListenerOfTheExampleRoutesToTheRightHost() throws {
        let lab = try currentLab()
        let roles = try lab.roles()
        let primary = try #require(roles.first { $0.value == "primary" }?.key)
        let standby = try #require(roles.first { $0.value == "standby" }?.key)
        for haproxy in lab.haproxies {
            for listener in Self.listeners {
                let expected = lab.address(listener.writes ? primary : standby)
                let read = PostgresWire.query(host: lab.address(haproxy), port: listener.port,
                                              "SELECT inet_server_addr()::text, pg_is_in_recovery()")
                #expect(read == .row(["\(expected)/32", listener.writes ? "f" : "t"]), "\(haproxy) \(listener.name)")
                let write = PostgresWire.query(host: lab.address(haproxy), port: listener.port,
                                               "INSERT INTO lab_writes (via) VALUES ('\(haproxy)/\(listener.name)') RETURNING 1")
                if listener.writes {
                    #expect(write == .row(["1"]), "\(haproxy) \(listener.name)")
                } else {
                    #expect(write == .error(code: "25006", message: "cannot execute INSERT in a read-only transaction"),
                            "\(haproxy) \(listener.name)")
                }
            }
        }
    }

    /// What the lab installed is the shipped files: HAProxy's configuration differs from haproxy.cfg.example in
    /// server addresses only, the xinetd files from the package's in `disable` and `only_from` only, and the
    /// socket/service drop-ins add addresses to the shipped IP access lists and nothing else.
    @Test func installedFilesAreTheShippedOnesWithAddressesAdded() throws {
        let lab = try currentLab()
        let example = try String(contentsOfFile: Repository.path("haproxy.cfg.example"), encoding: .utf8)
        for haproxy in lab.haproxies {
            let installed = try lab.shell(haproxy, "cat /etc/haproxy/haproxy.cfg")
            let (old, new) = changedLines(example, installed)
            #expect(old.count == 10 && new.count == 10, "\(haproxy): \(old) -> \(new)")
            #expect(old.allSatisfy { $0.contains(#/^\s+server pg[12] 192\.0\.2\.1[12]:5432 /#) }, "\(old)")
            let stripped = new.map { $0.replacing(#/ 10\.231\.0\.1[12]:/#, with: " ADDRESS:") }
            #expect(stripped == old.map { $0.replacing(#/ 192\.0\.2\.1[12]:/#, with: " ADDRESS:") }, "\(haproxy)")
            #expect(try lab.shell(haproxy, "systemctl is-active haproxy").hasPrefix("active"))
        }
        let allowed = lab.haproxies.map { lab.address($0) }.joined(separator: " ")
        for node in lab.databases where lab.hosts[node]?.what == "xinetd" {
            for file in ["pgsql-state", "pgsql-state-text", "pgsql-state-agent"] {
                let shipped = try lab.shell(node, "dpkg-deb --fsys-tarfile /root/pgsql-state.deb | tar -xOf - ./etc/xinetd.d/\(file)")
                let installed = try lab.shell(node, "cat /etc/xinetd.d/\(file)")
                let (old, new) = changedLines(shipped, installed)
                #expect(old.map { $0.replacing(#/\s+/#, with: " ") } == [" disable = yes", " only_from = 127.0.0.1 ::1"], "\(node) \(file)")
                #expect(new.map { $0.replacing(#/\s+/#, with: " ") } == [" disable = no", " only_from = 127.0.0.1 ::1 \(allowed)"],
                        "\(node) \(file)")
            }
        }
        for node in lab.databases where lab.hosts[node]?.what == "systemd" {
            for socket in ["pgsql-state", "pgsql-state-text", "pgsql-state-agent"] {
                let shown = try lab.shell(node, "systemctl show -p IPAddressAllow -p IPAddressDeny -p DropInPaths \(socket).socket")
                #expect(shown.contains("IPAddressDeny=::/0 0.0.0.0/0") || shown.contains("IPAddressDeny=0.0.0.0/0 ::/0"),
                        "\(node) \(socket): \(shown)")
                #expect(shown.contains("127.0.0.0/8") && shown.contains("::1/128"), "\(node) \(socket): \(shown)")
                #expect(shown.contains("DropInPaths=/etc/systemd/system/\(socket).socket.d/lab-haproxy.conf\n"),
                        "\(node) \(socket): \(shown)")
                for address in lab.haproxies.map({ lab.address($0) }) {
                    #expect(shown.contains(address + "/32"), "\(node) \(socket): \(shown)")
                }
                #expect(try lab.shell(node, "systemctl is-active \(socket).socket").hasPrefix("active"))
                #expect(try lab.shell(node, "systemctl is-enabled \(socket).socket").hasPrefix("enabled"))
            }
        }
    }
}

/// Lines only in `old` and lines only in `new`, in order (a line-set diff; the files are small).
func changedLines(_ old: String, _ new: String) -> (old: [String], new: [String]) {
    let a = old.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    let b = new.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var count: [String: Int] = [:]
    for line in b { count[line, default: 0] += 1 }
    var removed: [String] = []
    for line in a {
        if let n = count[line], n > 0 { count[line] = n - 1 } else { removed.append(line) }
    }
    count = [:]
    for line in a { count[line, default: 0] += 1 }
    var added: [String] = []
    for line in b {
        if let n = count[line], n > 0 { count[line] = n - 1 } else { added.append(line) }
    }
    return (removed.filter { !$0.isEmpty }, added.filter { !$0.isEmpty })
}

extension LabTests.Hosts {
    /// The example's admin and stats settings under Debian's haproxy.service: the Runtime API is a Unix socket,
    /// /run/haproxy/admin.sock, mode 660, root and group haproxy (the lab reads every view through it); the stats
    /// page on 127.0.0.1:8404 asks for the password and shows the page with it, read-only; nothing listens on
    /// 8404 from outside.
    @Test func runtimeAPIAndStatsPageAsShipped() throws {
        let lab = try currentLab()
        for haproxy in lab.haproxies {
            let socket = try lab.shell(haproxy, "stat -c '%a %U %G %F' /run/haproxy/admin.sock")
            #expect(socket == "660 root haproxy socket\n", "\(haproxy): \(socket)")
            let page = try lab.shell(haproxy, """
                get() { exec 3<>/dev/tcp/127.0.0.1/8404; printf "GET / HTTP/1.0\\r\\n$1\\r\\n" >&3; timeout 5 cat <&3 | head -1 | tr -d '\\r'; exec 3<&-; }
                echo "without: $(get '')"
                echo "with: $(get "Authorization: Basic $(printf stats:change-me | base64)\\r\\n")"
                """)
            #expect(page.contains("without: HTTP/1.1 401"), "\(haproxy): \(page)")
            #expect(page.contains("with: HTTP/1.1 200"), "\(haproxy): \(page)")
            let outside = try Command.run("/usr/bin/timeout", ["3", "/bin/bash", "-c", "exec 3<>/dev/tcp/\(lab.address(haproxy))/8404 && echo open"],
                                          timeout: .seconds(10))
            #expect(!outside.stdout.contains("open"), "\(haproxy): stats page reachable from outside")
        }
    }
}
