import Foundation
import Testing
import TestSupport

extension SyslogOwners {
    /// `--share-facts`: concurrent checks cost one backend on the local server and one on each peer, a change
    /// is seen by every check started a window after it, and a shared file this user does not own alone is not
    /// believed. Against real servers: a primary and its streaming standby.
    @Suite(.serialized) struct SharedFactsTests {
        /// Sessions PostgreSQL has counted for the database (`pg_stat_database.sessions`, 14 and later), read
        /// over one connection of its own.
        private static func sessions(_ lab: PostgresLab, _ node: Node) throws -> Int {
            Int(try lab.sql(node, "SELECT sessions FROM pg_stat_database WHERE datname = 'postgres'")) ?? -1
        }

        /// CLOCK_MONOTONIC, which the checker stamps its entries with.
        private static func monotonicNanoseconds() -> UInt64 {
            var time = timespec()
            clock_gettime(CLOCK_MONOTONIC, &time)
            return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
        }

        private static func runtimeDirectory() throws -> String {
            var template = Array("/tmp/pgsql-state-shared-XXXXXX".utf8CString)
            guard let made = mkdtemp(&template) else { throw CommandError.failed(command: "mkdtemp", status: errno, stdout: "", stderr: "") }
            let directory = String(cString: made)
            _ = Teardown.register { try? FileManager.default.removeItem(atPath: directory) }
            return directory
        }

        /// `count` checks started together, each in its own thread; their words.
        private static func together(_ count: Int, _ arguments: [String], directory: String) -> [String] {
            let words = Locked<[String]>([])
            let threads = (0..<count).map { _ in
                Thread {
                    let run = try? Checker.run(arguments, environment: ["RUNTIME_DIRECTORY": directory])
                    words.withLock { $0.append(run?.output.trimmingCharacters(in: .newlines) ?? "no run") }
                }
            }
            threads.forEach { $0.start() }
            try? Wait.until(timeout: .seconds(60), "\(count) checks answer") { words.value.count == count }
            return words.value
        }

        /// How many sessions `count` checks together cost `node`, with and without sharing: without, one each
        /// (which proves the count sees them); with, one probe for all (plus the two sessions that read the count).
        private static func sessionsCost(_ lab: PostgresLab, _ node: Node, _ count: Int, _ arguments: [String],
                                         expect word: String) throws -> (alone: Int, shared: Int) {
            var costs: [Int] = []
            for share in ["0", "1"] {
                let before = try sessions(lab, node)
                let words = together(count, arguments + ["--share-facts", share], directory: try runtimeDirectory())
                #expect(words == Array(repeating: word, count: count), "--share-facts \(share)")
                var after = before
                try Wait.until(timeout: .seconds(10), "the sessions are counted") {
                    after = try sessions(lab, node)
                    return after - before >= (share == "0" ? count : 1)
                }
                costs.append(after - before)
            }
            return (costs[0], costs[1])
        }

        @Test func concurrentChecksCostOneBackendLocallyAndOneOnEachPeer() throws {
            let lab = try PostgresLab.start(standby: true, binDir: PostgresVersions.primaryBinDir)
            defer { lab.stop() }
            let local = try Self.sessionsCost(lab, .second, 12, ["--format", "text", "--conninfo", lab.conninfo(.second)], expect: "standby")
            #expect(local.alone >= 12)
            #expect(local.shared <= 3, "one probe for twelve checks, and the count's own sessions")
            // A primary asks its peer: twelve checks, one question to the standby.
            let peers = try Self.sessionsCost(lab, .second, 12, ["--format", "text", "--conninfo", lab.conninfo(.first),
                                                                "--peer", lab.peerConninfo(.second)], expect: "production")
            #expect(peers.alone >= 12)
            #expect(peers.shared <= 3)
        }

        /// The bound: every answer comes from a probe started at most the window before its check started. A
        /// check started within the window of the last probe may still say what was; the first one started a
        /// window after a change says what is.
        @Test func aPromotionAndAStopAreSeenAWindowAfterThem() throws {
            let lab = try PostgresLab.start(standby: true, binDir: PostgresVersions.primaryBinDir)
            defer { lab.stop() }
            let directory = try Self.runtimeDirectory()
            let window: Duration = .seconds(1)
            func word(_ node: Node) throws -> String {
                try Checker.run(["--format", "text", "--conninfo", lab.conninfo(node), "--share-facts", "1"],
                                environment: ["RUNTIME_DIRECTORY": directory]).output.trimmingCharacters(in: .newlines)
            }
            for (node, before, change, after) in [
                (Node.second, "standby", { try lab.promote(.second) }, "production"),
                (Node.first, "production", { try lab.stopNode(.first) }, "unreachable"),
            ] as [(Node, String, () throws -> Void, String)] {
                let warmed = ContinuousClock.now
                #expect(try word(node) == before)
                try change()
                let changed = ContinuousClock.now
                let soon = ContinuousClock.now
                let stale = try word(node)
                if soon - warmed < window - .milliseconds(100) {
                    #expect(stale == before, "a check within the window answers from the shared probe")
                } else {
                    print("SharedFactsTests: the check after the change started \(soon - warmed) after the probe: whether it was shared is not asserted")
                }
                blockingSleep(changed + window + .milliseconds(10) - ContinuousClock.now)
                #expect(try word(node) == after, "the first check a window after the change")
            }
        }

        /// An answer from shared facts, `--peer` lines included, never loads libpq (ld.so's LD_DEBUG=files lists
        /// every library it loads, dlopen(3)'s too).
        @Test func aSharedAnswerLoadsNoLibpq() throws {
            let binary = try CheckerBinary.require()
            let needed = try Command.run("/usr/bin/readelf", ["-d", binary]).stdout
            guard !needed.contains("libpq") else {
                print("SharedFactsTests: \(binary) links libpq (not the shipped build): lazy loading not checked, skipped")
                return
            }
            let lab = try PostgresLab.start(standby: true, binDir: PostgresVersions.primaryBinDir)
            defer { lab.stop() }
            let directory = try Self.runtimeDirectory()
            let arguments = ["--format", "text", "--conninfo", lab.conninfo(.first), "--peer", lab.peerConninfo(.second), "--share-facts", "1"]
            let environment = ["RUNTIME_DIRECTORY": directory, "LD_DEBUG": "files"]
            let first = try Checker.run(arguments, environment: environment)
            #expect(first.output == "production\n")
            #expect(first.stderr.contains("libpq.so.5"), "the first check probes, with libpq: \(first.stderr.suffix(300))")
            let shared = try Checker.run(arguments, environment: environment)
            #expect(shared.output == "production\n")
            #expect(!shared.stderr.contains("libpq"), "\(shared.stderr.suffix(500))")
        }

        /// A check with another libpq environment (a unit's drop-in pointing PGHOST elsewhere) never answers
        /// from a probe made with this one, however recent.
        @Test func anotherEnvironmentIsAnotherProbe() throws {
            let lab = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
            defer { lab.stop() }
            let directory = try Self.runtimeDirectory()
            let arguments = ["--format", "text", "--conninfo", "port=\(lab.port(.first)) user=postgres", "--share-facts", "1"]
            #expect(try Checker.run(arguments, environment: ["RUNTIME_DIRECTORY": directory, "PGHOST": lab.socketDir]).output == "production\n")
            #expect(try Checker.run(arguments, environment: ["RUNTIME_DIRECTORY": directory, "PGHOST": "/nonexistent"]).output == "unreachable\n")
            #expect(try Checker.run(arguments, environment: ["RUNTIME_DIRECTORY": directory, "PGHOST": lab.socketDir]).output == "production\n")
        }

        /// Someone else's file, or one others may write, is not read: every check probes for itself.
        @Test func aSharedFileOthersMayWriteIsNotBelieved() throws {
            let lab = try PostgresLab.start(standby: false, binDir: PostgresVersions.primaryBinDir)
            defer { lab.stop() }
            let directory = try Self.runtimeDirectory()
            let arguments = ["--format", "text", "--conninfo", lab.conninfo(.first), "--share-facts", "1"]
            #expect(try Checker.run(arguments, environment: ["RUNTIME_DIRECTORY": directory]).output == "production\n")
            let files = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix("probe-") }
            #expect(files.count == 1)
            let path = directory + "/" + (files.first ?? "")
            #expect(files.first?.hasSuffix(".\(geteuid())") == true, "named for the user")
            let key = files.first.map { String($0.prefix { $0 != "." }) } ?? ""
            // A lie: a server that does not answer, taken now.
            let lie = "pgsql-state-shared 1 \(key) \(Self.monotonicNanoseconds()) 3\n6:failed11:unreachable0:"
            try lie.write(toFile: path, atomically: false, encoding: .utf8)
            chmod(path, 0o666)
            let syslog = try SyslogCapture.start()
            defer { syslog.stop() }
            let alone = try Checker.traced(arguments, environment: ["RUNTIME_DIRECTORY": directory])
            #expect(alone.output == "production\n")
            #expect(syslog.messages(pid: alone.pid).contains { $0.contains("--share-facts: this check probed alone: \(path) is not a file this user alone may write") },
                    "\(syslog.messages(pid: alone.pid))")
            #expect(try String(contentsOfFile: path, encoding: .utf8) == lie, "not written either")
            chmod(path, 0o600)
            #expect(try Checker.run(arguments, environment: ["RUNTIME_DIRECTORY": directory]).output == "unreachable\n",
                    "the same file, private: believed (which shows the lie would have been read)")
        }
    }
}
