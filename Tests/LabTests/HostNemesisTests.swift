import Foundation
import Testing
import TestSupport

extension LabTests {
    /// Seeded random faults against the multi-host lab (`scripts/lab nemesis`), its own lab.
    @Suite(.hostLab) struct HostsNemesis {}
}

extension LabTests.HostsNemesis {
    /// A short seeded run (`LAB_NEMESIS_MINUTES`, default 2.5; `LAB_NEMESIS_SEED`, default 19): writers through
    /// every read-write listener of both HAProxy nodes and of the client VIP, faults drawn from the seed (every
    /// kind once first, in a seeded order). Fails on any write acknowledged on an older timeline after another
    /// node's promotion began (the stale-primary class), on such rows in the nodes' tables, and on a run that does
    /// not end healed and converged. Prints the summary table (per fault kind: acknowledged, unconfirmed,
    /// stale-primary, lost, unavailability p50/p99/max).
    /// Deterministic replay: the schedule is a function of the seed alone, and its first round has every kind.
    @Test func theSameSeedGivesTheSameSchedule() throws {
        func schedule(_ seed: Int) throws -> String {
            let result = try Command.run("/usr/bin/env", ["python3", Repository.path("scripts/lab-nemesis"), "--seed", String(seed),
                                                          "--minutes", "5", "--schedule-only"], timeout: .seconds(30))
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout
        }
        let first = try schedule(19)
        #expect(try schedule(19) == first)
        #expect(try schedule(20) != first)
        let kinds = first.split(separator: "\n").prefix(12).compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["kind"] as? String
        }
        #expect(Set(kinds).count == 12, "first round: \(kinds)")
        // --kinds keeps only the kinds named, still a function of the seed.
        let only = try Command.run("/usr/bin/env", ["python3", Repository.path("scripts/lab-nemesis"), "--seed", "19", "--minutes", "5",
                                                    "--kinds", "stale-fast-restart,run-full", "--schedule-only"], timeout: .seconds(30))
        let onlyKinds = Set(only.stdout.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])?["kind"] as? String
        })
        #expect(onlyKinds == ["stale-fast-restart", "run-full"], "\(only.stdout) \(only.stderr)")
    }

    @Test func seededFaultsLeaveNoStalePrimaryWrite() throws {
        _ = try currentLab()
        let environment = ProcessInfo.processInfo.environment
        let minutes = environment["LAB_NEMESIS_MINUTES"] ?? "2.5"
        let seed = environment["LAB_NEMESIS_SEED"] ?? "19"
        let out = FileManager.default.temporaryDirectory.appendingPathComponent("pgsql-state-nemesis-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: out) }
        let clock = ContinuousClock(), start = clock.now
        let result = try HostLab.run(["nemesis", "--minutes", minutes, "--seed", seed, "--out", out],
                                     timeout: .seconds(Int((Double(minutes) ?? 2.5) * 60) + 420))
        print(result.stdout)
        print("lab: nemesis seed \(seed), \(minutes) min of faults: \(clock.now - start) wall")
        #expect(result.status == 0, "scripts/lab nemesis --seed \(seed) --minutes \(minutes): exit \(result.status)\n\(result.stderr.suffix(4000))")
        #expect(result.stdout.contains("must be 0: **0**"), "stale-primary writes")
        #expect(result.stdout.contains("- converged: yes"), "the run did not converge")
        // Every fault of the run was applied and healed: the schedule covers every kind once before repeating.
        #expect(result.stderr.contains("healed n=1 "), "no fault was applied")
    }
}
