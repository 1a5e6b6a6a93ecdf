import Foundation
import Synchronization
import Testing
import TestSupport

extension LabTests.Hosts {
    static let writeListeners = listeners.filter(\.writes)

    /// Seconds since `start` until the first write through HOST:PORT lands on `address`, probing every 50 ms;
    /// nil if none did within `timeout`. Also counts writes that landed anywhere else.
    static func firstWrite(_ lab: HostLab, via haproxy: String, port: Int, landingOn address: String, tag: String,
                           since start: ContinuousClock.Instant, timeout: Duration = .seconds(30))
        -> (seconds: Double?, failed: Int, elsewhere: Int) {
        var failed = 0, elsewhere = 0
        let clock = ContinuousClock()
        while clock.now - start < timeout {
            let outcome = PostgresWire.query(host: lab.address(haproxy), port: port,
                                             "INSERT INTO lab_writes (via) VALUES ('\(tag)') RETURNING inet_server_addr()::text, pg_is_in_recovery()",
                                             timeout: .seconds(2))
            if outcome == .row(["\(address)/32", "f"]) { return ((clock.now - start).seconds, failed, elsewhere) }
            if case .row = outcome { elsewhere += 1 } else { failed += 1 }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return (nil, failed, elsewhere)
    }

    /// Probes every read-write listener of HAProxy node `haproxy`, and of the client VIP the HAProxy nodes share,
    /// at once; prints and returns the figures (keyed "VIA LISTENER").
    static func measureFirstWrites(_ lab: HostLab, _ scenario: String, via haproxy: String, landingOn node: String,
                                   since start: ContinuousClock.Instant) -> [String: Double?] {
        let results = Mutex<[String: (seconds: Double?, failed: Int, elsewhere: Int)]>([:])
        let targets = [haproxy, "vip-ha"].flatMap { via in writeListeners.map { (via, $0) } }
        // Every probe on a thread of its own, all from the same start (concurrentPerform ran 2 at a time on 2 cores:
        // the later targets' first writes were timed from when an earlier one ended).
        together(targets.count) { index in
            let (via, listener) = targets[index]
            let result = firstWrite(lab, via: via, port: listener.port, landingOn: lab.address(node),
                                    tag: "\(scenario)/\(via)/\(listener.name)", since: start)
            results.withLock { $0["\(via) \(listener.name)"] = result }
        }
        return results.withLock { results in
            var seconds: [String: Double?] = [:]
            for (name, result) in results.sorted(by: { $0.key < $1.key }) {
                print("lab: \(scenario): promotion -> first write through \(name) on \(node): "
                      + (result.seconds.map { String(format: "%.2f s", $0) } ?? "none")
                      + " (\(result.failed) failed, \(result.elsewhere) elsewhere)")
                #expect(result.elsewhere == 0, "\(scenario) \(name): \(result.elsewhere) writes landed on another node")
                #expect(result.seconds != nil || result.failed > 0, "\(scenario) \(name): no attempt made")
                seconds[name] = result.seconds
            }
            return seconds
        }
    }

    /// Fencing and peer checks under the shipped sandbox, on separate hosts: the primary pg1 (checker from the sockets, peers
    /// allowed by the IPAddressAllow= drop-in) crashes, pg2 is promoted, and pg1 boots again as a primary on the
    /// old timeline. Its checker reaches pg2 over the network despite IPAddressDeny=any, answers 503 superseded,
    /// and no write through any HAProxy node reaches it. Then pg1 rejoins as a standby, and a switchover (old
    /// primary stopped, then the standby promoted) gives the roles back. Both promotions are timed to the first
    /// write through HAProxy.
    @Test func failoverThenSwitchoverWithAStalePrimaryThatNeverTakesWrites() throws {
        let lab = try currentLab()
        let haproxy = try #require(lab.haproxies.first)
        let stale = try #require(lab.databases.first { lab.hosts[$0]?.what == "systemd" })
        let other = try #require(lab.databases.first { $0 != stale })
        try #require(try lab.roles() == [stale: "primary", other: "standby"], "the lab must start with \(stale) primary")
        let clock = ContinuousClock()

        // Failover: crash, promote.
        try lab.step(["crash", stale])
        var promoted = clock.now
        try lab.step(["promote", other])
        let failover = Self.measureFirstWrites(lab, "failover", via: haproxy, landingOn: other, since: promoted)
        #expect(failover.count == 2 * Self.writeListeners.count && failover.values.allSatisfy { $0 != nil }, "failover: \(failover)")

        // The old primary boots again, as Debian would start it: a primary on the old timeline. Writers on every
        // HAProxy node keep going until it has been superseded for longer than HAProxy's rise (2 x 2 s).
        let stop = Atomic<Bool>(false)
        let landed = Mutex<[String: Int]>([:])
        let superseded = Mutex<String>("")
        // Attempts per HAProxy node while the stale primary runs (before `stop`): every writer must have made some.
        let attempts = Mutex<[String: Int]>([:])
        // The stale primary's start and every writer on threads of their own (concurrentPerform ran 2 at a time on
        // 2 cores: ha2's writer could start only once `stop` was set, so only ha1's writes were measured).
        together(1 + lab.haproxies.count) { index in
            if index == 0 {
                defer { stop.store(true, ordering: .sequentiallyConsistent) }
                do {
                    try lab.step(["start", stale])
                    try Wait.until(timeout: .seconds(30), poll: .milliseconds(200), "\(stale) answers superseded") {
                        let answer = try lab.shell(haproxy, """
                            exec 3<>/dev/tcp/\(lab.address(stale))/23267; printf 'GET /primary HTTP/1.0\\r\\n\\r\\n' >&3; timeout 5 cat <&3
                            """)
                        superseded.withLock { $0 = answer }
                        return answer.hasPrefix("HTTP/1.1 503") && answer.hasSuffix("superseded\n")
                    }
                    let since = clock.now
                    try Wait.until(timeout: .seconds(20), poll: .milliseconds(200), "8 s of writes") { clock.now - since > .seconds(8) }
                } catch {
                    Issue.record(error)
                }
            } else {
                let via = lab.haproxies[index - 1]
                while !stop.load(ordering: .sequentiallyConsistent) {
                    for listener in Self.writeListeners {
                        let outcome = PostgresWire.query(host: lab.address(via), port: listener.port,
                                                         "INSERT INTO lab_writes (via) VALUES ('stale/\(via)') RETURNING inet_server_addr()::text",
                                                         timeout: .seconds(2))
                        let key: String
                        if case .row(let row) = outcome { key = row.first.flatMap { $0 } ?? "?" } else { key = "failed" }
                        landed.withLock { $0[key, default: 0] += 1 }
                        attempts.withLock { $0[via, default: 0] += 1 }
                    }
                    Thread.sleep(forTimeInterval: 0.05)
                }
            }
        }
        let writes = landed.withLock { $0 }
        let tried = attempts.withLock { $0 }
        print("lab: stale \(stale) back as a primary: write attempts per HAProxy node: \(tried)")
        for via in lab.haproxies {
            #expect((tried[via] ?? 0) > 0, "the writer through \(via) made no attempt while the stale primary ran: \(tried)")
        }
        print("lab: stale \(stale) back as a primary: writes through HAProxy by node: \(writes); its answer: "
              + superseded.withLock { $0 }.split(separator: "\n").joined(separator: " | "))
        #expect(writes["\(lab.address(stale))/32"] == nil, "writes reached the stale primary: \(writes)")
        #expect((writes["\(lab.address(other))/32"] ?? 0) > 0, "\(writes)")
        #expect(try lab.sql(stale, "SELECT count(*) FROM lab_writes WHERE via LIKE 'stale/%'") == "0")
        #expect(try lab.sql(stale, "SELECT pg_is_in_recovery()") == "f")

        // The stale node rejoins as a standby; then a switchover gives the roles back.
        try lab.step(["rejoin", stale], timeout: .seconds(120))
        try lab.waitForView(40)
        try lab.shell(other, "systemctl stop postgresql@15-main")
        promoted = clock.now
        try lab.step(["promote", stale])
        let switchover = Self.measureFirstWrites(lab, "switchover", via: haproxy, landingOn: stale, since: promoted)
        #expect(switchover.count == 2 * Self.writeListeners.count && switchover.values.allSatisfy { $0 != nil }, "switchover: \(switchover)")
        try lab.step(["rejoin", other], timeout: .seconds(120))
        try lab.waitForView(40)
        #expect(try lab.roles() == [stale: "primary", other: "standby"])
    }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
