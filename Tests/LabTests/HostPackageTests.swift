import Foundation
import Testing
import TestSupport

extension LabTests.Hosts {
    /// The sandbox as it runs: with PGHOST pointed (by a runtime drop-in) at a host where something listens on
    /// 5432 but that IPAddressAllow= does not list, the checker cannot reach it (the listener sees no
    /// connection from the node; the kernel drops the packets, systemd.resource-control(5)) and still answers
    /// within its deadline, 503. Outside the sandbox the same address is reachable.
    @Test func theCheckerCannotReachANonAllowedAddress() throws {
        let lab = try currentLab()
        let node = try #require(lab.databases.first { lab.hosts[$0]?.what == "systemd" })
        let target = try #require(lab.haproxies.last)
        // A listener that accepts and never answers: a PostgreSQL that would make the checker wait.
        try lab.shell(target, "systemd-run --quiet --unit=lab-silent socat -d -d TCP-LISTEN:5432,fork,reuseaddr SYSTEM:'sleep 30'")
        defer { _ = try? lab.shell(target, "systemctl stop lab-silent") }
        // Every connection the listener accepts is in its journal (socat -d -d: "accepting connection from"), in
        // the order accepted. An unconfined probe from the node (root, outside any unit's sandbox) is a sentinel.
        let probe = "timeout 2 bash -c 'exec 3<>/dev/tcp/\(lab.address(target))/5432' && echo open"
        let logged = "journalctl --sync; journalctl -q -u lab-silent -o cat | grep -c 'accepting connection from AF=2 \(lab.address(node)):' || true"
        func accepted(atLeast count: Int) throws -> Int {
            var seen = 0
            try Wait.until(timeout: .seconds(10), "\(count) connections from \(node) in \(target)'s listener log") {
                seen = Int(try lab.shell(target, logged).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                return seen >= count
            }
            return seen
        }
        try Wait.until(timeout: .seconds(10), "the silent listener on \(target)") { (try? lab.shell(node, probe)) == "open\n" }
        let before = try accepted(atLeast: 1)
        try lab.shell(node, """
            mkdir -p /run/systemd/system/pgsql-state@.service.d
            printf '[Service]\\nEnvironment=PGHOST=\(lab.address(target))\\n' > /run/systemd/system/pgsql-state@.service.d/lab-remote.conf
            systemctl daemon-reload
            """)
        defer { _ = try? lab.shell(node, "rm -rf /run/systemd/system/pgsql-state@.service.d; systemctl daemon-reload") }
        let timed = try lab.shell(node, """
            start=$(date +%s%N)
            exec 3<>/dev/tcp/127.0.0.1/23267; printf 'GET /primary HTTP/1.0\\r\\n\\r\\n' >&3
            answer=$(timeout 10 cat <&3 | tr -d '\\r' | sed -n '1p;$p' | xargs)
            echo "$(( ($(date +%s%N) - start) / 1000000 )) $answer"
            """).trimmingCharacters(in: .whitespacesAndNewlines)
        let milliseconds = Int(timed.prefix { $0.isNumber }) ?? 99999
        print("lab: checker with PGHOST=\(lab.address(target)) (not allowed) under the sandbox: \(timed)")
        #expect(timed.contains("HTTP/1.1 503"), "\(timed)")
        #expect(milliseconds < 1500, "no answer within the deadline (1 s) and a margin: \(timed)")
        // The sentinel's line comes after the checker's, had there been one: exactly one more.
        #expect(try lab.shell(node, probe) == "open\n")
        let after = try accepted(atLeast: before + 1)
        #expect(after == before + 1, "the checker's connection reached \(target): \(before) -> \(after) connections from \(node)")
    }

    /// The package on a host with the sockets running: install an older build, enable the socket, upgrade to
    /// this build (the socket stays enabled and answers), remove (the socket stops, the config file stays),
    /// purge (the config file goes, the system user stays: Debian practice, see packaging/postrm).
    @Test func packageInstallEnableUpgradeRemovePurge() throws {
        let lab = try currentLab()
        let host = try #require(lab.haproxies.last)  // no PostgreSQL there: the checker answers 503, which is enough
        let current = try #require(try String(contentsOfFile: "/run/pgsql-state-lab/files/deb", encoding: .utf8)
            .split(separator: "\n").first.map(String.init))
        let older = FileManager.default.temporaryDirectory.appendingPathComponent("pgsql-state-old-deb.\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: older) }
        let built = try Command.run(Repository.path("packaging/build-deb"),
                                    ["--version", "0.0.1", "--binary", Repository.path(".build/embedded/release/pgsql-state"), "--out", older],
                                    timeout: .seconds(120))
        try #require(built.status == 0, "\(built.stderr)")
        let olderDeb = try #require(built.stdout.split(separator: "\n").last.map(String.init))
        for (deb, path) in [(olderDeb, "/root/old.deb"), (current, "/root/new.deb")] {
            let copied = try Command.run("/bin/bash", ["-c", "\"$0\" run \"$1\" sh -c \"cat > $2\" < \"$3\"", HostLab.script, host, path, deb],
                                         timeout: .seconds(60))
            try #require(copied.status == 0, "\(copied.stderr)")
        }
        func state() throws -> String {
            try lab.shell(host, """
                echo "version=$(dpkg-query -W -f='${Version}' pgsql-state 2>/dev/null)"
                echo "enabled=$(systemctl is-enabled pgsql-state.socket 2>/dev/null)"
                echo "active=$(systemctl is-active pgsql-state.socket 2>/dev/null)"
                echo "conf=$(test -e /etc/pgsql-state/pgsql-state.conf && echo yes || echo no)"
                echo "user=$(getent passwd pgsql-state >/dev/null && echo yes || echo no)"
                answer=$(timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/23267 && printf "GET /primary HTTP/1.0\\r\\n\\r\\n" >&3 && head -1 <&3' 2>/dev/null | tr -d '\\r')
                echo "answer=${answer:-refused}"
                """)
        }
        try lab.shell(host, "dpkg -i /root/old.deb >/dev/null && systemctl enable --now --quiet pgsql-state.socket")
        let installed = try state()
        try lab.shell(host, "dpkg -i /root/new.deb >/dev/null")
        let upgraded = try state()
        try lab.shell(host, "dpkg -r pgsql-state >/dev/null")
        let removed = try state()
        try lab.shell(host, "dpkg -P pgsql-state >/dev/null")
        let purged = try state()
        print("lab: package on \(host):\n  installed 0.0.1: \(installed.split(separator: "\n").joined(separator: " "))\n"
              + "  upgraded: \(upgraded.split(separator: "\n").joined(separator: " "))\n"
              + "  removed: \(removed.split(separator: "\n").joined(separator: " "))\n"
              + "  purged: \(purged.split(separator: "\n").joined(separator: " "))")
        #expect(installed.contains("version=0.0.1\nenabled=enabled\nactive=active\nconf=yes\nuser=yes\nanswer=HTTP/1.1 503"), "\(installed)")
        #expect(upgraded.contains("enabled=enabled\nactive=active\nconf=yes\nuser=yes\nanswer=HTTP/1.1 503"), "\(upgraded)")
        #expect(!upgraded.contains("version=0.0.1"), "\(upgraded)")
        #expect(removed.contains("active=inactive") && removed.contains("conf=yes") && removed.contains("answer=refused"), "\(removed)")
        #expect(purged.contains("version=\n") && purged.contains("conf=no") && purged.contains("user=yes"), "\(purged)")
    }
}
