import Foundation
import Testing
import TestSupport

extension LabTests.Hosts {
    /// Issue: sockets that listen to the world. From an address that is not allowed (this machine, on the lab's
    /// bridge) a connection to a node's checker gets nothing, and no checker starts: the socket unit's
    /// IP access list drops it in the kernel; xinetd's only_from refuses it before starting the server. The
    /// same request from an allowed HAProxy node is answered, and its instance is seen starting, which shows
    /// the evidence would be there.
    @Test func aNonAllowedAddressGetsNoCheckerProcess() throws {
        let lab = try currentLab()
        let haproxy = try #require(lab.haproxies.first)
        let outsider = lab.address("pgsl0")
        for node in lab.databases {
            let systemd = lab.hosts[node]?.what == "systemd"
            // Every instance start logged with its peer's address (unit name) while the test runs.
            if systemd {
                try lab.shell(node, """
                    mkdir -p /run/systemd/system/pgsql-state@.service.d
                    printf '[Service]\\nLogLevelMax=info\\n' > /run/systemd/system/pgsql-state@.service.d/lab-visible.conf
                    systemctl daemon-reload
                    """)
            }
            defer {
                if systemd {
                    _ = try? lab.shell(node, "rm -rf /run/systemd/system/pgsql-state@.service.d; systemctl daemon-reload")
                }
            }
            let cursor = try lab.cursor(node)
            let outside = try Command.run("/usr/bin/timeout", ["3", "/bin/bash", "-c", """
                exec 3<>/dev/tcp/\(lab.address(node))/23267 || exit 0
                printf 'GET /primary HTTP/1.0\\r\\n\\r\\n' >&3
                head -c 100 <&3
                """], timeout: .seconds(10))
            #expect(outside.stdout.isEmpty, "\(node): answered \(outside.stdout) to \(outsider)")
            let inside = try lab.ask(from: haproxy, node, port: 23267, "GET / HTTP/1.0\\r\\n\\r\\n")
            #expect(inside.hasPrefix("HTTP/1.1 20"), "\(node) from \(haproxy): \(inside)")
            let journal = try lab.journal(node, after: cursor)
            let fromOutsider = journal.filter { $0.contains("-\(outsider):") && $0.contains("Started") }
            #expect(fromOutsider.isEmpty, "\(node): \(fromOutsider)")
            if systemd {
                #expect(journal.contains { $0.contains("Started") && $0.contains("-\(lab.address(haproxy)):") },
                        "\(node): no instance seen for the allowed address:\n\(journal.joined(separator: "\n"))")
            } else {
                #expect(journal.contains { $0.contains("FAIL: pgsql-state") && $0.contains(outsider) },
                        "\(node): xinetd did not log the refusal:\n\(journal.joined(separator: "\n"))")
            }
        }
    }

    /// Issue: PID 1 logged two lines for every negative answer. Under the shipped units (SuccessExitStatus=1 2,
    /// LogLevelMax=notice) 100 positive and 100 negative checks from a HAProxy node leave no journal line at
    /// all, while a usage error (64), a crash (a signal) and a kill at RuntimeMaxSec are still logged.
    @Test func theJournalHasNoLineForAnswersAndOneForEveryFailure() throws {
        let lab = try currentLab()
        let haproxy = try #require(lab.haproxies.first)
        let roles = try lab.roles()
        let node = try #require(lab.databases.first { lab.hosts[$0]?.what == "systemd" })
        let negative = roles[node] == "primary" ? "/replica" : "/primary"
        let cursor = try lab.cursor(node)
        let counts = try lab.shell(haproxy, """
            ask() { exec 3<>/dev/tcp/\(lab.address(node))/23267; printf "GET $1 HTTP/1.0\\r\\n\\r\\n" >&3; head -1 <&3; exec 3<&-; }
            for j in 1 2 3 4; do (for i in $(seq 25); do ask /; ask \(negative); done) & done | sort | uniq -c
            """, timeout: .seconds(120))
        #expect(counts.contains("100 HTTP/1.1 200 OK") || counts.contains("100 HTTP/1.1 206"), "\(counts)")
        #expect(counts.contains("100 HTTP/1.1 503 Service Unavailable"), "\(counts)")
        let quiet = try lab.journal(node, after: cursor).filter { !$0.contains("systemd-journald") }
        #expect(quiet.isEmpty, "\(quiet.count) journal lines for 200 correct answers:\n\(quiet.prefix(10).joined(separator: "\n"))")

        // A usage error: an unknown option in the config file every command line reads (exit 64).
        let failures = try lab.cursor(node)
        try lab.shell(node, "cp /etc/pgsql-state/pgsql-state.conf /root/conf.saved && echo 'no-such-option = 1' >> /etc/pgsql-state/pgsql-state.conf")
        defer { _ = try? lab.shell(node, "cp /root/conf.saved /etc/pgsql-state/pgsql-state.conf") }
        _ = try lab.ask(from: haproxy, node, port: 23267, "GET / HTTP/1.0\\r\\n\\r\\n")
        try lab.shell(node, "cp /root/conf.saved /etc/pgsql-state/pgsql-state.conf")
        // A crash and a hang: a connection from the loopback (HAProxy's checks come from the bridge, so the
        // instance is ours) that sends nothing keeps its checker waiting for
        // the request; that process is killed (SIGKILL), or stopped (SIGSTOP) until RuntimeMaxSec, shortened
        // to 2 s by a runtime drop-in for the test.
        let instance = """
            exec 3<>/dev/tcp/127.0.0.1/23267
            pid=
            for _ in $(seq 100); do
                unit=$(systemctl list-units --plain --no-legend 'pgsql-state@*-127.0.0.1:*.service' | awk '$4 == "running" { print $1; exit }')
                [ -n "$unit" ] && pid=$(systemctl show -p MainPID --value "$unit") && [ "$pid" != 0 ] && break
                sleep 0.01
            done
            [ -n "$pid" ] && [ "$pid" != 0 ] || { echo "no running instance" >&2; exit 1; }
            """
        try lab.shell(node, instance + "\nkill -KILL $pid; timeout 5 cat <&3 >/dev/null || true")
        try lab.shell(node, """
            mkdir -p /run/systemd/system/pgsql-state@.service.d
            printf '[Service]\\nRuntimeMaxSec=2\\n' > /run/systemd/system/pgsql-state@.service.d/lab-runtime.conf
            systemctl daemon-reload
            """)
        defer { _ = try? lab.shell(node, "rm -rf /run/systemd/system/pgsql-state@.service.d; systemctl daemon-reload") }
        try lab.shell(node, instance + "\nkill -STOP $pid; timeout 10 cat <&3 >/dev/null || true", timeout: .seconds(30))
        let logged = try lab.journal(node, after: failures)
        let text = logged.joined(separator: "\n")
        #expect(logged.contains { $0.contains("status=64") }, "usage error not logged:\n\(text)")
        #expect(logged.contains { $0.contains("code=killed, status=9/KILL") }, "crash not logged:\n\(text)")
        #expect(logged.contains { $0.contains("runtime time limit") }, "RuntimeMaxSec kill not logged:\n\(text)")
        print("lab: journal of \(node) for a usage error, a crash and a RuntimeMaxSec kill:\n  " + logged.joined(separator: "\n  "))
    }

    /// `systemd-analyze security` of a live instance, as systemd applies the unit (not --offline).
    @Test func liveInstanceExposureIsLow() throws {
        let lab = try currentLab()
        let node = try #require(lab.databases.first { lab.hosts[$0]?.what == "systemd" })
        let output = try lab.shell(node, """
            exec 3<>/dev/tcp/127.0.0.1/23267
            for _ in $(seq 100); do
                unit=$(systemctl list-units --plain --no-legend 'pgsql-state@*-127.0.0.1:*.service' | awk '$4 == "running" { print $1; exit }')
                [ -n "$unit" ] && break; sleep 0.01
            done
            systemd-analyze security --no-pager "$unit" 2>&1 | tail -1
            """)
        let match = try #require(output.firstMatch(of: #/Overall exposure level for \S+: (\d+\.\d+)/#), "\(output)")
        let score = try #require(Double(match.1))
        print("lab: systemd-analyze security of a live instance on \(node): \(score)")
        #expect(score <= 2.0, "\(output)")
    }
}

extension LabTests.Hosts {
    /// The socket's limits as systemd applies them: one source (a HAProxy node) holding more connections than
    /// MaxConnectionsPerSource=32 gets the extra ones closed at once (each a failed check, logged by PID 1),
    /// while the socket keeps listening; a burst of 500 connections leaves it active (no trigger limit, systemd
    /// #15633) and answering.
    @Test func connectionLimitsRefuseTheExtraAndKeepTheSocketListening() throws {
        let lab = try currentLab()
        let haproxy = try #require(lab.haproxies.first)
        let node = try #require(lab.databases.first { lab.hosts[$0]?.what == "systemd" })
        let address = lab.address(node)
        let cursor = try lab.cursor(node)
        // 40 idle connections at once: each accepted one holds a checker waiting for its request.
        let held = try lab.shell(haproxy, """
            fds=()
            for i in $(seq 40); do exec {fd}<>/dev/tcp/\(address)/23267 && fds+=($fd); done
            answered=0 dropped=0
            for fd in "${fds[@]}"; do
                if [ "$(timeout 5 cat <&$fd | wc -c)" -gt 0 ]; then answered=$((answered + 1)); else dropped=$((dropped + 1)); fi
            done
            echo "$answered $dropped"
            """, timeout: .seconds(240)).split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(held.count == 2)
        print("lab: 40 connections at once from \(haproxy) to \(node): \(held[0]) served, \(held[1]) dropped")
        #expect(held[0] <= 32 && held[0] >= 24, "\(held)")
        #expect(held[1] >= 8, "\(held)")
        let journal = try lab.journal(node, after: cursor)
        #expect(journal.contains { $0.contains("Too many incoming connections") && $0.contains(lab.address(haproxy)) },
                "\(journal.suffix(5))")
        // A burst of 500.
        try lab.shell(haproxy, """
            for i in $(seq 500); do
                ( exec 3<>/dev/tcp/\(address)/23267 && printf 'GET / HTTP/1.0\\r\\n\\r\\n' >&3 && timeout 5 cat <&3 >/dev/null ) 2>/dev/null &
            done
            wait
            """, timeout: .seconds(120))
        #expect(try lab.shell(node, "systemctl is-active pgsql-state.socket").hasPrefix("active"))
        let answer = try lab.ask(from: haproxy, node, port: 23267, "GET / HTTP/1.0\\r\\n\\r\\n")
        #expect(answer.hasPrefix("HTTP/1.1 20"), "after the burst: \(answer)")
    }
}
