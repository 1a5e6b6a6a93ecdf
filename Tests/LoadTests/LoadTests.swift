import Foundation
import Testing
import TestSupport
#if canImport(Glibc)
import Glibc
#endif

/// A checker that misbehaves takes the database offline for every client at once. These tests load the
/// checker through the shipped xinetd file and the shipped systemd units (scripts/lab-local) the way a fleet of
/// HAProxies does, and look for what goes wrong under load: RSTs, truncated answers, refusals, a deactivated
/// xinetd service, and PostgreSQL complaining about clients that vanished.
///
/// One test at a time: each starts its own lab and keeps both cores busy; a second one alongside would
/// distort the figures.
@Suite(.serialized) struct Load {
    /// The answer every check of the primary gets (role check by default: `/`).
    static let primaryAnswer = (status: 200, body: "primary\n")

    // MARK: 1. 10 000 checks through xinetd

    /// 10 000 checks through the shipped xinetd file from 8 concurrent clients, half of them reading 50-150 ms
    /// late: every check gets the complete answer followed by EOF (0 resets, 0 truncated, 0 refused), xinetd
    /// never deactivates the service, and PostgreSQL logs no "could not receive data from client" /
    /// "unexpected EOF on client connection" for any check.
    @Test(.timeLimit(.minutes(8)))
    func tenThousandChecksThroughXinetdWithSlowReaders() throws {
        let lab = try ShippedLab.up(name: "pgsql-state-load-lab")
        defer { lab.down() }
        try Self.traceConnections(lab)
        let port = try lab.port("PG1_XINETD_HTTP")
        Self.expectNormalAnswer(port: port, "before the load")

        let generator = LoadGenerator(port: port, expected: Self.primaryAnswer)
        let report = generator.run()

        let total = generator.clients * generator.checksPerClient
        let fast = report.checks.filter { $0.client < generator.firstSlowClient }
        let slow = report.checks.filter { $0.client >= generator.firstSlowClient }
        let fastLatency = fast.map(\.elapsed.inMilliseconds)
        // A slow reader's own delay is not the checker's: what it waited beyond it.
        let slowOvershoot = slow.map { ($0.elapsed - $0.delay).inMilliseconds }
        let figures = """
            load: \(report.checks.count) checks through xinetd (shipped file) in \(format(report.wall.inSeconds)) s = \
            \(format(Double(report.checks.count) / report.wall.inSeconds)) checks/s overall; \
            fast readers \(fast.count) in \(format(report.fastWall.inSeconds)) s = \
            \(format(Double(fast.count) / report.fastWall.inSeconds)) checks/s; all \(generator.clients) clients running (first \
            \(format(report.allRunning.inSeconds)) s): \(format(report.rateWhileAllRunning)) checks/s; checker \(lab.checker)
            load: fast readers connect->EOF p50 \(format(percentile(fastLatency, 50))) ms, \
            p99 \(format(percentile(fastLatency, 99))) ms, max \(format(fastLatency.max() ?? .nan)) ms; \
            slow readers (delay \(generator.slowDelayMilliseconds.lowerBound)-\(generator.slowDelayMilliseconds.upperBound) ms) \
            beyond their delay p50 \(format(percentile(slowOvershoot, 50))) ms, p99 \(format(percentile(slowOvershoot, 99))) ms
            load: outcomes: ok \(report.count(.ok)), reset \(report.count(.reset)), truncated \(report.count(.truncated)), \
            refused \(report.count(.refused)), wrong answer \(report.count(.wrongAnswer)), timeout \(report.count(.timeout)), \
            error \(report.count(.error)), not started \(report.notStarted)
            """
        print(figures)
        for failure in report.failures.prefix(10) {
            print("load: client \(failure.client) \(failure.outcome): \(failure.detail ?? "")")
        }

        #expect(report.notStarted == 0, "checks not started within \(generator.runTimeout)")
        #expect(report.checks.count == total)
        #expect(report.count(.reset) == 0, "RSTs: \(Self.examples(report, .reset))")
        #expect(report.count(.truncated) == 0, "truncated answers: \(Self.examples(report, .truncated))")
        #expect(report.count(.refused) == 0, "refused: \(Self.examples(report, .refused))")
        #expect(report.count(.wrongAnswer) == 0, "wrong answers: \(Self.examples(report, .wrongAnswer))")
        #expect(report.count(.timeout) == 0, "timeouts: \(Self.examples(report, .timeout))")
        #expect(report.count(.error) == 0, "errors: \(Self.examples(report, .error))")
        #expect(report.count(.ok) == total)

        Self.expectNormalAnswer(port: port, "after the load")
        Self.expectNoDeactivation(lab)
        try Self.expectNoVanishedChecks(lab, atLeast: total)
    }

    // MARK: 2. Bursts of 500 simultaneous connections

    /// 500 simultaneous connections against the shipped xinetd file (per_source 32, instances 100,
    /// cps 1000 1): each one gets a complete answer or is refused before any byte of one; one second later
    /// the service answers normally, and xinetd never logged "Deactivating".
    @Test(.timeLimit(.minutes(3)))
    func burstOf500AgainstXinetdIsAnsweredOrRefusedCleanly() throws {
        let lab = try ShippedLab.up(name: "pgsql-state-load-lab")
        defer { lab.down() }
        try Self.traceConnections(lab)
        try Self.burst(lab, portKey: "PG1_XINETD_HTTP", via: "xinetd")
        Self.expectNoDeactivation(lab)
        try Self.expectNoVanishedChecks(lab)
    }

    /// The same burst against the shipped HTTP unit as the lab serves it (systemd-socket-activate --accept
    /// --inetd with the unit's ExecStart= and Environment=). systemd-socket-activate implements none of the
    /// .socket unit's limits (MaxConnections=256, MaxConnectionsPerSource=64, TriggerLimit*) nor the
    /// service's resource limits: this is the checker's own behaviour with no admission control in front.
    @Test(.timeLimit(.minutes(3)))
    func burstOf500AgainstSystemdSocketActivateIsAnsweredOrRefusedCleanly() throws {
        let lab = try ShippedLab.up(name: "pgsql-state-load-lab")
        defer { lab.down() }
        try Self.traceConnections(lab)
        try Self.burst(lab, portKey: "PG1_SYSTEMD_HTTP", via: "systemd-socket-activate")
        try Self.expectNoVanishedChecks(lab)
    }

    // MARK: The harness's own judgement

    /// The classic failure (answer written, socket closed with the request unread) must show up as resets
    /// or lost answers in the load generator, never as good checks.
    @Test(.timeLimit(.minutes(1)))
    func loadGeneratorSeesAnswersLostToAnRST() throws {
        let server = try FakeServer(connections: 8) { fd, _ in
            blockingSleep(.milliseconds(20))  // the request has arrived, and stays unread
            FakeServer.write(fd, FakeServer.answer)
        }
        var generator = LoadGenerator(port: server.port, expected: Self.primaryAnswer)
        generator.clients = 2
        generator.firstSlowClient = 1
        generator.checksPerClient = 4
        let report = generator.run()
        #expect(server.wait())
        #expect(report.checks.count == 8)
        #expect(report.count(.ok) == 0, "\(report.checks.map(\.outcome))")
        let slow = report.checks.filter { $0.client == 1 }
        #expect(slow.allSatisfy { $0.outcome == .reset }, "\(slow.map(\.outcome))")
    }

    /// The burst's judge: complete answers, clean refusals, and everything else (a partial answer, an
    /// answer with a wrong Content-Length) as broken.
    @Test(.timeLimit(.minutes(1)))
    func burstTellsPartialAnswersFromCleanRefusals() throws {
        let head = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\n".utf8)
        let server = try FakeServer(connections: 40) { fd, index in
            FakeServer.readRequest(fd)
            switch index % 4 {
            case 0: FakeServer.write(fd, FakeServer.answer)  // complete
            case 1: FakeServer.write(fd, head + Array("pri".utf8))  // body cut short
            case 2: FakeServer.write(fd, Array(head.prefix(20)))  // head cut short
            default: return  // closed after reading, nothing said: a clean refusal
            }
            shutdown(fd, Int32(SHUT_WR))
            FakeServer.lingerUntilEOF(fd)
        }
        let report = Burst(port: server.port, count: 40, timeout: .seconds(20)).run()
        #expect(server.wait())
        #expect(report.answered == 10, "\(report.summary)")
        #expect(report.refused == 10, "\(report.summary)")
        #expect(report.broken.count == 20, "\(report.summary)")
    }

    @Test func answerParserIsStrict() {
        let good = "HTTP/1.1 206 Partial Content\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nstandby\n"
        #expect(HTTPAnswer.parse(Array(good.utf8)) == .success(HTTPAnswer(
            status: 206, headers: ["Content-Type": "text/plain", "Content-Length": "8", "Connection": "close"], body: "standby\n")))
        for cut in [1, 9, 30, good.utf8.count - 10, good.utf8.count - 1] {
            guard case .failure(.truncated) = HTTPAnswer.parse(Array(good.utf8.prefix(cut))) else {
                Issue.record("\(cut) bytes not seen as truncated")
                continue
            }
        }
        #expect(HTTPAnswer.parse([]) == .failure(.empty))
        guard case .failure(.malformed) = HTTPAnswer.parse(Array((good + "x").utf8)) else {
            Issue.record("extra byte after the body accepted")
            return
        }
        guard case .failure(.malformed) = HTTPAnswer.parse(Array("HTTP/1.1 200 OK\r\n\r\nprimary\n".utf8)) else {
            Issue.record("answer without Content-Length accepted")
            return
        }
    }

    // MARK: Helpers

    /// The burst, then the service's recovery: probed every 50 ms from the burst's end until a normal
    /// answer, and it must answer normally one second after the burst.
    static func burst(_ lab: ShippedLab, portKey: String, via: String) throws {
        let port = try lab.port(portKey)
        expectNormalAnswer(port: port, "\(via) before the burst")
        let burst = Burst(port: port)
        let report = burst.run()
        let end = ContinuousClock.now
        var recovery: Duration?
        var probes = 0
        while recovery == nil, ContinuousClock.now - end < .seconds(10) {
            probes += 1
            let result = RawClient.exchange(port: port, request: "GET / HTTP/1.0\r\n\r\n", timeout: .seconds(5))
            if isNormal(result) {
                recovery = ContinuousClock.now - end
            } else {
                blockingSleep(.milliseconds(50))
            }
        }
        let ends = report.connections.compactMap { $0.endedAfter?.inSeconds }
        let answeredEnds = zip(report.connections, report.verdicts).compactMap { connection, verdict -> Double? in
            guard case .answered = verdict else { return nil }
            return connection.endedAfter?.inSeconds
        }
        print("""
            burst: \(via): \(burst.count) connections (connect loop \(format(report.connectLoop.inMilliseconds)) ms): \
            \(report.answered) answered, \(report.refused) refused cleanly, \(report.broken.count) broken \
            [\(report.summary)]; ended after p50 \(format(percentile(ends, 50))) s, p99 \(format(percentile(ends, 99))) s, \
            last \(format(ends.max() ?? .nan)) s, \(ends.filter { $0 > 2 }.count) after more than 2 s \
            (answered: p50 \(format(percentile(answeredEnds, 50))) s, last \(format(answeredEnds.max() ?? .nan)) s); \
            first normal answer \(recovery.map { "\(format($0.inMilliseconds)) ms" } ?? "never") after the burst \
            (\(probes) probes)
            """)
        for broken in report.broken.prefix(10) { print("burst: \(via): \(broken)") }

        #expect(report.broken.isEmpty, "\(via): \(report.broken.count) connections neither answered nor refused cleanly: \(report.broken.prefix(5))")
        #expect(report.answered + report.refused == burst.count, "\(via): \(report.summary)")
        #expect(report.answered > 0, "\(via): no connection of the burst was answered: \(report.summary)")
        #expect(recovery != nil, "\(via): no normal answer within 10 s of the burst")
        let oneSecondLater = end + .seconds(1)
        blockingSleep(oneSecondLater - ContinuousClock.now)
        expectNormalAnswer(port: port, "\(via) one second after the burst")
    }

    static func isNormal(_ result: ExchangeResult) -> Bool {
        guard result.endedWith == .eof, case let .success(answer) = HTTPAnswer.parse(result.bytes) else { return false }
        return answer.status == primaryAnswer.status && answer.body == primaryAnswer.body
    }

    static func expectNormalAnswer(port: UInt16, _ when: String,
                                   sourceLocation: SourceLocation = #_sourceLocation) {
        let result = RawClient.exchange(port: port, request: "GET / HTTP/1.0\r\n\r\n", timeout: .seconds(5))
        #expect(isNormal(result), "\(when): \(result)", sourceLocation: sourceLocation)
    }

    /// log_connections on both nodes, so that every line a backend logs can be traced to its connection.
    static func traceConnections(_ lab: ShippedLab) throws {
        for node in ["pg1", "pg2"] {
            try lab.sql(node, "ALTER SYSTEM SET log_connections = on")
            try lab.sql(node, "SELECT pg_reload_conf()")
        }
        try Wait.until(timeout: .seconds(10), "log_connections in effect on pg1 and pg2") {
            try ["pg1", "pg2"].allSatisfy { lab.read(try lab.serverLog($0)).contains("connection authorized:") }
        }
    }

    /// xinetd's log (both nodes) never says it deactivated a service.
    static func expectNoDeactivation(_ lab: ShippedLab, sourceLocation: SourceLocation = #_sourceLocation) {
        for node in ["pg1", "pg2"] {
            let log = lab.read(lab.xinetdLog(node))
            #expect(log.contains("Started working"), "xinetd-\(node).log is not xinetd's log: \(log.suffix(500))",
                    sourceLocation: sourceLocation)
            let deactivations = log.split(separator: "\n").filter { $0.contains("Deactivating") }
            #expect(deactivations.isEmpty, "xinetd \(node): \(deactivations)", sourceLocation: sourceLocation)
        }
    }

    /// No "could not receive data from client" / "unexpected EOF on client connection" caused by a check in
    /// either server log (the checker ends every connection with PQfinish). `atLeast`: how many check
    /// connections pg1 must have logged.
    static func expectNoVanishedChecks(_ lab: ShippedLab, atLeast: Int = 1,
                                       sourceLocation: SourceLocation = #_sourceLocation) throws {
        // A check still lingering finishes within its 1 s deadline + 1 s linger.
        blockingSleep(.seconds(2))
        let role = lab.env["CHECK_ROLE"] ?? "checker_monitor"
        for node in ["pg1", "pg2"] {
            let log = try PostgresLog(path: try lab.serverLog(node))
            let vanished = log.clientVanished
            let byChecks = vanished.filter { log.isCheck($0, checkRole: role) }
            // Not asserted (a check that hits its own deadline mid-connection leaves these), but reported.
            let lost = log.lines.filter { $0.text.contains("connection to client lost") && log.isCheck($0, checkRole: role) }
            print("pglog: \(node): \(log.checkConnections) check connections, \(vanished.count) vanished-client lines "
                  + "(\(byChecks.count) from checks), \(lost.count) 'connection to client lost' from checks")
            #expect(byChecks.isEmpty, "\(node): \(byChecks.prefix(10).map(\.text))", sourceLocation: sourceLocation)
            if node == "pg1" {
                #expect(log.checkConnections >= atLeast, "pg1 logged \(log.checkConnections) check connections",
                        sourceLocation: sourceLocation)
            }
        }
    }

    static func examples(_ report: LoadGenerator.Report, _ outcome: LoadGenerator.Outcome) -> String {
        report.checks.filter { $0.outcome == outcome }.prefix(3).map { "client \($0.client): \($0.detail ?? "")" }
            .joined(separator: "; ")
    }
}

func format(_ value: Double) -> String {
    value.isNaN ? "n/a" : String(format: value >= 100 ? "%.0f" : "%.1f", value)
}
