import Foundation
import Synchronization
import Testing
import TestSupport

extension LabTests.Hosts {
    /// One write through `host:port` every 50 ms until `done` says so (checked after each write), with the
    /// time of each outcome and the host name of the node that took it (a VIP hides the node's address).
    struct WriteLog: Sendable {
        enum Outcome: Sendable, Equatable { case wrote(String), standby, failed }
        var entries: [(at: ContinuousClock.Instant, outcome: Outcome)] = []

        /// The longest time without a write, between the last write before `instant` and the last write of the
        /// log; nil if no write came after `instant`.
        func outage(around instant: ContinuousClock.Instant) -> Double? {
            guard entries.contains(where: { $0.at > instant && $0.outcome.wrote }) else { return nil }
            var previous = entries.last(where: { $0.at <= instant && $0.outcome.wrote })?.at ?? instant
            var longest = Duration.zero
            for entry in entries where entry.at > previous && entry.outcome.wrote {
                longest = max(longest, entry.at - previous)
                previous = entry.at
            }
            return longest.seconds
        }
        func count(_ predicate: (Outcome) -> Bool) -> Int { entries.filter { predicate($0.outcome) }.count }
    }

    static func writeContinuously(host: String, port: Int, tag: String, log: borrowing Mutex<WriteLog>, until done: () -> Bool) {
        let clock = ContinuousClock()
        while !done() {
            let outcome = PostgresWire.query(host: host, port: port,
                                             "INSERT INTO lab_writes (via) VALUES ('\(tag)') RETURNING btrim(pg_read_file('/etc/hostname'), E' \\n')",
                                             timeout: .milliseconds(500))
            let entry: WriteLog.Outcome
            switch outcome {
            case .row(let row): entry = .wrote(row.first.flatMap { $0 } ?? "?")
            case .error(code: "25006", _): entry = .standby
            default: entry = .failed
            }
            log.withLock { $0.entries.append((clock.now, entry)) }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    /// keepalived on the HAProxy nodes (keepalived/haproxy-vip.conf): clients write through the VIP; the host
    /// holding it is killed at once (its systemd and everything in it); the VIP moves to the other HAProxy
    /// node and writes continue. The outage is printed. The killed host is booted again and takes the VIP back.
    @Test func theClientVIPMovesWhenTheActiveHAProxyHostDies() throws {
        let lab = try currentLab()
        let active = try lab.step(["holders", "vip-ha"]).trimmingCharacters(in: .whitespacesAndNewlines)
        try #require(lab.haproxies.contains(active), "vip-ha held by '\(active)'")
        let clock = ContinuousClock()
        let log = Mutex(WriteLog())
        let killedAt = Mutex<ContinuousClock.Instant?>(nil)
        DispatchQueue.concurrentPerform(iterations: 2) { index in
            if index == 0 {
                Self.writeContinuously(host: lab.address("vip-ha"), port: 5000, tag: "vip-ha", log: log) {
                    guard let killed = killedAt.withLock({ $0 }) else { return clock.now - log.withLock { $0.entries.first?.at ?? clock.now } > .seconds(30) }
                    // Until 2 s of writes after the first one that made it, or 30 s.
                    let lastWrites = log.withLock { $0.entries.filter { $0.at > killed && $0.outcome.wrote } }
                    return (lastWrites.last.map { $0.at - lastWrites[0].at > .seconds(2) } ?? false) || clock.now - killed > .seconds(30)
                }
            } else {
                do {
                    try Wait.until(timeout: .seconds(10), "a second of writes through the VIP") {
                        log.withLock { $0.count(\.wrote) } >= 10
                    }
                    killedAt.withLock { $0 = clock.now }
                    try lab.step(["kill-host", active])
                } catch {
                    Issue.record(error)
                    killedAt.withLock { $0 = clock.now }
                }
            }
        }
        let result = log.withLock { $0 }
        let killed = try #require(killedAt.withLock { $0 })
        let outage = result.outage(around: killed)
        let holder = try lab.step(["holders", "vip-ha"]).trimmingCharacters(in: .whitespacesAndNewlines)
        print("lab: keepalived, HAProxy host \(active) killed: writes through the VIP stopped for "
              + (outage.map { String(format: "%.2f s", $0) } ?? "ever")
              + " (\(result.count { $0 == .failed }) failed attempts); VIP now on \(holder)")
        #expect(outage != nil && outage! < 10, "writes through the VIP did not resume within 10 s")
        #expect(holder != active && lab.haproxies.contains(holder))
        #expect(result.count { $0 == .standby } == 0)
        try lab.step(["revive", active], timeout: .seconds(120))
        #expect(try lab.step(["holders", "vip-ha"]).trimmingCharacters(in: .whitespacesAndNewlines) == active)
    }

    /// keepalived on the PostgreSQL nodes (keepalived/pgsql-write-vip.conf, README's HAProxy-less shape):
    /// pgsql-state's exit status holds the write VIP on the primary. A switchover (old primary stopped, the
    /// standby promoted, the old primary re-initialised as a standby) and one back: writes through the VIP fail
    /// for a while (printed) and never reach a standby.
    @Test func theWriteVIPFollowsThePrimaryThroughSwitchovers() throws {
        let lab = try currentLab()
        let first = try #require(lab.databases.first { lab.hosts[$0]?.what == "systemd" })
        let second = try #require(lab.databases.first { $0 != first })
        try #require(try lab.roles() == [first: "primary", second: "standby"])
        try #require(try lab.step(["holders", "vip-db"]).trimmingCharacters(in: .whitespacesAndNewlines) == first)
        for (old, new) in [(first, second), (second, first)] {
            let clock = ContinuousClock()
            let log = Mutex(WriteLog())
            let promotedAt = Mutex<ContinuousClock.Instant?>(nil)
            DispatchQueue.concurrentPerform(iterations: 2) { index in
                if index == 0 {
                    Self.writeContinuously(host: lab.address("vip-db"), port: 5432, tag: "vip-db", log: log) {
                        guard let promoted = promotedAt.withLock({ $0 }) else {
                            return clock.now - (log.withLock { $0.entries.first?.at } ?? clock.now) > .seconds(40)
                        }
                        let on = log.withLock { $0.entries.filter { $0.at > promoted && $0.outcome == .wrote(new) } }
                        return (on.last.map { $0.at - on[0].at > .seconds(2) } ?? false) || clock.now - promoted > .seconds(40)
                    }
                } else {
                    do {
                        try Wait.until(timeout: .seconds(10), "a second of writes through the write VIP") {
                            log.withLock { $0.count(\.wrote) } >= 10
                        }
                        try lab.shell(old, "systemctl stop postgresql@15-main")
                        promotedAt.withLock { $0 = clock.now }
                        try lab.step(["promote", new])
                    } catch {
                        Issue.record(error)
                        promotedAt.withLock { $0 = clock.now }
                    }
                }
            }
            let result = log.withLock { $0 }
            let promoted = try #require(promotedAt.withLock { $0 })
            let firstOnNew = result.entries.first { $0.at > promoted && $0.outcome == .wrote(new) }
            let outage = result.outage(around: promoted)
            print("lab: keepalived write VIP, switchover \(old) -> \(new): promotion -> first write through the VIP "
                  + (firstOnNew.map { String(format: "%.2f s", ($0.at - promoted).seconds) } ?? "never")
                  + ", writes failed for " + (outage.map { String(format: "%.2f s", $0) } ?? "ever")
                  + " (\(result.count { $0 == .failed }) failed attempts, \(result.count { $0 == .standby }) reached a standby)")
            #expect(firstOnNew != nil, "\(old) -> \(new): no write reached \(new) through the VIP")
            #expect(result.count { $0 == .standby } == 0, "\(old) -> \(new): writes reached a standby")
            #expect(result.entries.allSatisfy { entry in
                if case .wrote(let node) = entry.outcome { return node == (entry.at > promoted ? new : old) }
                return true
            }, "\(old) -> \(new): a write landed on the wrong node")
            try lab.step(["rejoin", old], timeout: .seconds(120))
            try lab.waitForView(40)
        }
        #expect(try lab.roles() == [first: "primary", second: "standby"])
    }

    /// README's keepalived blocks are the shipped files, word for word.
    @Test func readmeShowsTheShippedKeepalivedFiles() throws {
        let readme = try String(contentsOfFile: Repository.path("README.md"), encoding: .utf8)
        for file in ["keepalived/pgsql-write-vip.conf", "keepalived/haproxy-vip.conf"] {
            let text = try String(contentsOfFile: Repository.path(file), encoding: .utf8)
            #expect(readme.contains("```\n" + text + "```\n"), "README does not show \(file) as shipped")
        }
    }
}

extension LabTests.Hosts.WriteLog.Outcome {
    var wrote: Bool { if case .wrote = self { true } else { false } }
}
