import Foundation
import Testing
import TestSupport

/// Writes through HAProxy listeners, a new connection every `interval` per listener, overlapping (a
/// connection HAProxy sends to a dead server takes ~2 s of retries), each recorded with its outcome.
final class WriteProbes: @unchecked Sendable {
    struct Record: Sendable {
        let target: String
        let start: Double  // seconds since the epoch (same clock as `date +%s.%N` in scripts/lab-local)
        let end: Double
        let outcome: PostgresWire.Outcome

        /// The PostgreSQL port of the node that took the write, if one did.
        var port: Int? {
            if case .row(let values) = outcome, let port = values.first ?? nil { return Int(port) }
            return nil
        }
        /// A write that reached a node in recovery: the standby refused it (read-only transaction), or, worse,
        /// a node answered while in recovery.
        var reachedRecovery: Bool {
            switch outcome {
            case .error(let code, _): return code == "25006"
            case .row(let values): return values.count > 1 && values[1] == "t"
            case .failed: return false
            }
        }
    }

    private let lock = NSLock()
    private var records: [Record] = []
    private var running = true
    private var inFlight = 0
    private let targets: [(name: String, port: Int)]
    private let interval: TimeInterval
    private let login: ProbeLogin

    /// `login`: the lab's `lab_probe` role (TCP to the lab's servers takes no trust).
    init(_ targets: [(name: String, port: Int)], interval: TimeInterval = 0.2, login: ProbeLogin) {
        self.targets = targets
        self.interval = interval
        self.login = login
    }

    static let statement = "INSERT INTO lab_writes (via) VALUES ('probe') RETURNING inet_server_port(), pg_is_in_recovery()"

    func start() {
        for target in targets {
            Thread.detachNewThread { [self] in
                while isRunning {
                    lock.withLock { inFlight += 1 }
                    Thread.detachNewThread { [self] in
                        let start = Date().timeIntervalSince1970
                        let outcome = PostgresWire.query(port: target.port, Self.statement, user: login.user,
                                                                          password: login.password, timeout: .seconds(5))
                        let record = Record(target: target.name, start: start, end: Date().timeIntervalSince1970,
                                            outcome: outcome)
                        lock.withLock {
                            records.append(record)
                            inFlight -= 1
                        }
                    }
                    Thread.sleep(forTimeInterval: interval)
                }
            }
        }
    }

    private var isRunning: Bool { lock.withLock { running } }

    /// The records so far, while probing goes on.
    var recorded: [Record] { lock.withLock { records } }

    /// Stops probing, waits (bounded) for the probes in flight, returns every record.
    @discardableResult
    func stop() -> [Record] {
        lock.withLock { running = false }
        let deadline = Date().addingTimeInterval(10)
        while lock.withLock({ inFlight }) > 0 && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        return lock.withLock { records }
    }
}

extension LabTests {
    @Suite struct Switchover {
        /// Promote the standby, stop the old primary, bring it back as a standby of the new one, while every
        /// read-write listener (httpchk, tcp-check, agent-check; via xinetd and via systemd) is written to
        /// several times a second: writes move to the new primary within the bound, and no write ever
        /// reaches a node in recovery (it either fails to connect or is taken by a primary).
        @Test func writesMoveToTheNewPrimaryAndNeverReachANodeInRecovery() throws {
            let lab = try ShippedLab.up(name: "pgsql-state-haproxy-lab")
            defer { lab.down() }
            let oldPort = lab.nodePort("pg1"), newPort = lab.nodePort("pg2")
            let targets = ShippedLab.vias.flatMap { via in
                ShippedLab.writeListeners.map { (name: "\(via) \($0)", port: lab.listener(via, $0)) }
            }
            let probes = WriteProbes(targets, login: try lab.probeLogin())
            probes.start()
            defer { probes.stop() }
            Thread.sleep(forTimeInterval: 1)  // writes on the old primary first

            let result = try lab.lab("switchover", timeout: .seconds(150))
            let settled = Date().timeIntervalSince1970
            // The re-initialised old primary is the first server of every rw listener ("balance first"): keep
            // writing for a few health-check rounds after the new view has settled.
            Thread.sleep(forTimeInterval: 4)
            let records = probes.stop()
            #expect(result.status == 0, "scripts/lab-local switchover: \(result.stderr)")

            let summary = try ShippedLab.keyValues(lab.directory + "/switchover.result")
            let timeline = (try? String(contentsOfFile: lab.directory + "/switchover.timeline", encoding: .utf8)) ?? ""
            let promotion = try #require(Double(summary["PROMOTE_START"] ?? ""))
            var measured: [String] = []
            for target in targets {
                let mine = records.filter { $0.target == target.name }
                #expect(mine.count > 20, "\(target.name): only \(mine.count) probes")
                let intoRecovery = mine.filter(\.reachedRecovery)
                #expect(intoRecovery.isEmpty, "\(target.name): \(intoRecovery.count) writes reached a node in recovery")
                // Before the promotion every write was the old primary's.
                let before = mine.filter { $0.end < promotion }
                #expect(!before.isEmpty && before.allSatisfy { $0.port == oldPort }, "\(target.name) before the promotion")
                // Every write taken went to one of the two nodes, each while it was the primary.
                #expect(mine.allSatisfy { $0.port == nil || $0.port == oldPort || $0.port == newPort })
                let first = mine.filter { $0.port == newPort }.map(\.end).min()
                let seconds = try #require(first, "\(target.name): no write reached the new primary") - promotion
                #expect(seconds < 15, "\(target.name): first write on the new primary \(seconds) s after the promotion; HAProxy:\n\(timeline)")
                // Nothing but the new primary once a write has reached it... except the old primary in the
                // short window before it is stopped (both are primaries then; see the notes).
                let lateOld = mine.filter { $0.start > first! && $0.port == oldPort }
                #expect(lateOld.isEmpty, "\(target.name): \(lateOld.count) writes on the old primary after the new one took one")
                // After the switchover: every write lands on the new primary.
                let after = mine.filter { $0.start > settled }
                #expect(!after.isEmpty && after.allSatisfy { $0.port == newPort },
                        "\(target.name) after the switchover: \(after.map(\.outcome))")
                measured.append("\(target.name) \(String(format: "%.2f", seconds))s")
            }
            // The lab's own measurement (scripts/lab-local switchover probes with psql) agrees: no write on a standby.
            let labLines = try String(contentsOfFile: lab.directory + "/switchover.result", encoding: .utf8)
                .split(separator: "\n").filter { $0.hasPrefix("FIRST_WRITE ") }
            #expect(labLines.count == 6)
            #expect(labLines.allSatisfy { $0.hasSuffix("on_standby=0") && !$0.contains(" none ") }, "\(labLines)")
            print("lab: promotion -> first write on the new primary through HAProxy: " + measured.joined(separator: ", "))
            print("lab: scripts/lab-local's own measurement:\n  " + labLines.joined(separator: "\n  "))

            // The roles really swapped: reads through the read-only listeners reach the old primary, a standby now.
            for via in ShippedLab.vias {
                for listener in ShippedLab.readListeners {
                    let read = try lab.client(via, listener, "SELECT pg_is_in_recovery(), inet_server_port()")
                    #expect(read.stdout.trimmingCharacters(in: .newlines) == "t|\(oldPort)", "\(via) \(listener)")
                }
            }
        }
    }
}
