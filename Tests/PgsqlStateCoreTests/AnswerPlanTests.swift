import PgsqlStateCore
import Testing

private typealias Tag = PgsqlStateCore.Tag

/// The whole run, driven by value: each action the plan returns is answered with an event, as the
/// executable would after performing it.
@Suite struct AnswerPlanTests {
    private func options(_ format: Format = .http, check: Check = .role, maintenance: String? = nil,
                         peers: [String] = [], conninfo: String? = nil) -> Options {
        var options = Options()
        options.format = format
        options.check = check
        options.maintenanceFile = maintenance
        options.peers = SamplePeer.peers(peers)
        options.conninfo = conninfo
        return options
    }

    private func text(_ answer: Answer) -> String { String(decoding: answer.bytes ?? [], as: UTF8.self) }

    private func finished(_ action: AnswerPlan.Action) -> Answer? {
        if case .finish(let answer) = action { return answer }
        return nil
    }

    @Test func httpReadsTheRequestThenProbesAndAnswers() throws {
        var plan = AnswerPlan(options: options(), client: .socket)
        #expect(plan.start() == .readClient(.requestHead(nanoseconds: 500_000_000)))
        #expect(plan.next(.requestHead(.head(HTTPRequestHead(method: .head, target: "/replica")))) == .probe(useReportedParameters: true))
        let answer = try #require(finished(plan.next(.probed(SampleFacts.standby(), diagnostic: nil))))
        #expect(text(answer) == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\n")
        #expect(answer.exitStatus == .passed)
        #expect(answer.logLines.isEmpty)
    }

    @Test func aPeerThatSendsNothingGetsTheDefaultCheck() throws {
        var plan = AnswerPlan(options: options(check: Check(kind: .primary)), client: .socket)
        _ = plan.start()
        #expect(plan.next(.requestHead(.noRequest)) == .probe(useReportedParameters: true))
        let answer = try #require(finished(plan.next(.probed(SampleFacts.standby(), diagnostic: nil))))
        #expect(text(answer).hasPrefix("HTTP/1.1 503 "))
        #expect(answer.exitStatus == .wrongRole)
    }

    @Test func badRequestsAreRejectedWithinTheBudgetAndLogged() throws {
        var plan = AnswerPlan(options: options(), client: .socket)
        _ = plan.start()
        let answer = try #require(finished(plan.next(.requestHead(.head(HTTPRequestHead(method: .get, target: "/nope"))))))
        #expect(text(answer).hasPrefix("HTTP/1.1 404 Not Found\r\n"))
        #expect(answer.exitStatus == .unavailable)
        #expect(answer.logLines == [LogLine(.notice, "rejected request: 404 not-found", budget: .rejectedRequest)])
        var gone = AnswerPlan(options: options(), client: .socket)
        _ = gone.start()
        #expect(finished(gone.next(.requestHead(.clientGone))) == Answer(bytes: nil, exitStatus: .unavailable))
    }

    @Test func textAnswersAtOnceAndAgentWaitsForItsLine() throws {
        var text = AnswerPlan(options: options(.text), client: .socket)
        #expect(text.start() == .probe(useReportedParameters: true))
        #expect(self.text(try #require(finished(text.next(.probed(SampleFacts.primary, diagnostic: nil))))) == "production\n")

        var agent = AnswerPlan(options: options(.agent, check: Check(kind: .primary)), client: .socket)
        #expect(agent.start() == .readClient(.agentLine(nanoseconds: 500_000_000)))
        #expect(agent.next(.agentLine("replica")) == .probe(useReportedParameters: true))
        #expect(self.text(try #require(finished(agent.next(.probed(SampleFacts.standby(), diagnostic: nil))))) == "up ready\n")

        var silent = AnswerPlan(options: options(.agent, check: Check(kind: .primary)), client: .socket)
        _ = silent.start()
        _ = silent.next(.agentLine(nil))
        #expect(self.text(try #require(finished(silent.next(.probed(SampleFacts.standby(), diagnostic: nil))))) == "maint\n")

        var bad = AnswerPlan(options: options(.agent), client: .socket)
        _ = bad.start()
        let rejected = try #require(finished(bad.next(.agentLine("nonsense"))))
        #expect(self.text(rejected) == "down #bad-request\n")
        #expect(rejected.logLines == [LogLine(.notice, "rejected agent-send line", budget: .rejectedRequest)])
    }

    @Test func maintenanceWinsAndFailsClosed() throws {
        var plan = AnswerPlan(options: options(.text, maintenance: "/run/m"), client: .command)
        #expect(plan.start() == .checkMaintenanceFile("/run/m"))
        #expect(plan.next(.maintenanceFile(.absent, errorText: "")) == .probe(useReportedParameters: true))

        var present = AnswerPlan(options: options(.agent, maintenance: "/run/m"), client: .command)
        _ = present.start()
        let drain = try #require(finished(present.next(.maintenanceFile(.present, errorText: ""))))
        #expect(text(drain) == "drain\n")
        #expect(drain.exitStatus == .unavailable)

        var hidden = AnswerPlan(options: options(.text, maintenance: "/home/x/m"), client: .command)
        _ = hidden.start()
        let answer = try #require(finished(hidden.next(.maintenanceFile(.uncheckable(Errno(rawValue: 13)), errorText: "Permission denied"))))
        #expect(text(answer) == "maintenance\n")
        #expect(answer.logLines == [LogLine(.warning, "maintenance file /home/x/m cannot be checked (Permission denied): treated as present", budget: .unavailable(.maintenance))])
    }

    @Test func failuresAreLoggedAtTheLevelTheirReasonDeserves() throws {
        var refused = AnswerPlan(options: options(.text), client: .command)
        _ = refused.start()
        let down = try #require(finished(refused.next(.probed(.unanswered(.unreachable), diagnostic: "connection refused"))))
        #expect(down.logLines == [LogLine(.warning, "unavailable: unreachable (connection refused)", budget: .unavailable(.unreachable))])
        var starting = AnswerPlan(options: options(.text), client: .command)
        _ = starting.start()
        let notice = try #require(finished(starting.next(.probed(.unanswered(.starting), diagnostic: nil))))
        #expect(notice.logLines == [LogLine(.notice, "unavailable: starting", budget: .unavailable(.starting))])
        // A healthy check logs nothing; from a shell an HTTP answer is printed as for GET.
        var healthy = AnswerPlan(options: options(), client: .command)
        #expect(healthy.start() == .probe(useReportedParameters: true))
        let ok = try #require(finished(healthy.next(.probed(SampleFacts.primary, diagnostic: nil))))
        #expect(text(ok).hasSuffix("\r\n\r\nprimary\n"))
        #expect(ok.logLines.isEmpty)
    }

    /// pg_is_wal_replay_paused() raises 55000 when the server was promoted after pg_is_in_recovery() in the
    /// same query: the plan probes once more, and the second probe's answer stands whatever it is.
    @Test func aQueryThatRacedAPromotionIsProbedOnceMore() throws {
        var plan = AnswerPlan(options: options(.text), client: .socket)
        #expect(plan.start() == .probe(useReportedParameters: true))
        let raced = AnswerPlan.Event.probed(.unanswered(.error), diagnostic: "ERROR:  recovery is not in progress", sqlState: "55000")
        #expect(plan.next(raced) == .probe(useReportedParameters: true))
        #expect(finished(plan.next(.probed(SampleFacts.primary, diagnostic: nil))).map(text) == "production\n")

        var twice = AnswerPlan(options: options(.text), client: .socket)
        _ = twice.start()
        #expect(twice.next(raced) == .probe(useReportedParameters: true))
        let answer = try #require(finished(twice.next(raced)))
        #expect(text(answer) == "error\n")
        #expect(answer.logLines == [LogLine(.warning, "unavailable: error (ERROR:  recovery is not in progress)", budget: .unavailable(.error))])

        // Any other error is answered at once.
        var other = AnswerPlan(options: options(.text), client: .socket)
        _ = other.start()
        #expect(finished(other.next(.probed(.unanswered(.error), diagnostic: "ERROR:  boom", sqlState: "XX000"))).map(text) == "error\n")
    }

    @Test func aPrimaryAsksItsPeersBeforeItPasses() throws {
        let peers = ["host=192.0.2.12", "host=192.0.2.13"]
        var plan = AnswerPlan(options: options(.text, peers: peers), client: .socket)
        #expect(plan.start() == .probe(useReportedParameters: false, query: .peers))
        let primary = NodeFacts.answered(ServerFacts(inRecovery: false, readOnly: false, timeline: 2, systemIdentifier: "7345218465437208217"))
        #expect(plan.next(.probed(primary, diagnostic: nil)) == .askPeers(SamplePeer.peers(peers), nanoseconds: 500_000_000))
        let answer = try #require(finished(plan.next(.peersAnswered([
            PeerAnswer(name: "192.0.2.12:5432", outcome: .answered(PeerFacts(inRecovery: false, readOnly: false, timeline: 3, systemIdentifier: "7345218465437208217"))),
            PeerAnswer(name: "192.0.2.13:5432", outcome: .unanswered(.timeout)),
        ]))))
        #expect(text(answer) == "superseded\n")
        #expect(answer.exitStatus == .wrongRole)
        #expect(answer.logLines.first?.priority == .warning)
        #expect(answer.logLines.first?.budget == .unavailable(.superseded))
        // A standby never asks.
        var standby = AnswerPlan(options: options(.text, peers: peers), client: .socket)
        _ = standby.start()
        #expect(finished(standby.next(.probed(SampleFacts.standby(), diagnostic: nil))).map(text) == "standby\n")
    }

    /// A primary confirmed with a peer silent is logged on every check that asks: its own budget.
    @Test func silentPeersAreLoggedWithinTheirBudget() throws {
        var plan = AnswerPlan(options: options(.text, peers: ["host=192.0.2.12", "host=192.0.2.13"]), client: .socket)
        _ = plan.start()
        _ = plan.next(.probed(.answered(ServerFacts(inRecovery: false, readOnly: false, timeline: 2, systemIdentifier: "7345218465437208217")),
                              diagnostic: nil))
        let answer = try #require(finished(plan.next(.peersAnswered([
            PeerAnswer(name: "192.0.2.12:5432", outcome: .answered(PeerFacts(inRecovery: true, readOnly: true, timeline: 2,
                                                                             systemIdentifier: "7345218465437208217"))),
            PeerAnswer(name: "192.0.2.13:5432", outcome: .unanswered(.timeout)),
        ]))))
        #expect(text(answer) == "production\n")
        #expect(answer.logLines == [LogLine(.notice, "primary confirmed by 1 of 2 peers; peers ignored: 192.0.2.13:5432 timeout",
                                            budget: .peersIgnored)])
    }

    /// libpq's error about a password with a raw '@' quotes part of it as a host name: masked in the line.
    @Test func logLinesMaskTheConfiguredPasswordsPieces() throws {
        var plan = AnswerPlan(options: options(.text, conninfo: "postgresql://u:se@cret@nohost.invalid/db"), client: .command)
        _ = plan.start()
        let answer = try #require(finished(plan.next(.probed(.unanswered(.unreachable),
                                                              diagnostic: "could not translate host name \"cret@nohost.invalid\" to address"))))
        #expect(answer.logLines.map(\.message) == [
            "--conninfo or --peer carries a password, visible in ps and in the unit, xinetd or config file: use PGPASSFILE",
            "unavailable: unreachable (could not translate host name \"***@nohost.invalid\" to address)",
        ])
    }

    @Test func peersOfAnotherClusterAreIgnoredAndUnverifiedPeersWarnedAbout() throws {
        let cluster = "7345218465437208217"
        let peers = ["host=192.0.2.12", "host=192.0.2.13 sslmode=verify-full"]
        var plan = AnswerPlan(options: options(.text, peers: peers), client: .socket)
        _ = plan.start()
        let primary = NodeFacts.answered(ServerFacts(inRecovery: false, readOnly: false, timeline: 2, systemIdentifier: cluster))
        #expect(plan.next(.probed(primary, diagnostic: nil)) == .askPeers(SamplePeer.peers(peers), nanoseconds: 500_000_000))
        let answer = try #require(finished(plan.next(.peersAnswered([
            // Another cluster on a far newer timeline: not believed.
            PeerAnswer(name: "192.0.2.12:5432", outcome: .answered(PeerFacts(inRecovery: false, readOnly: false, timeline: UInt32.max,
                                                                             systemIdentifier: "1")), trust: .channelBindingAdded),
            PeerAnswer(name: "192.0.2.13:5432", outcome: .answered(PeerFacts(inRecovery: true, readOnly: true, timeline: 2,
                                                                             systemIdentifier: cluster)), trust: .verifiedTLS),
        ]))))
        #expect(text(answer) == "production\n")
        #expect(answer.logLines == [
            LogLine(.warning, "peer 192.0.2.12:5432 is neither verify-full TLS nor channel-bound: channel_binding=require added",
                    budget: .unverifiedPeer),
            LogLine(.warning, "primary confirmed by 1 of 2 peers; peers ignored: 192.0.2.12:5432 other-cluster", budget: .peersIgnored),
        ])
    }

    @Test func passwordsOnTheCommandLineAreWarnedAboutWithinTheirBudget() throws {
        var plan = AnswerPlan(options: options(.text, conninfo: "host=/run password=secret"), client: .command)
        _ = plan.start()
        let answer = try #require(finished(plan.next(.probed(SampleFacts.primary, diagnostic: nil))))
        #expect(answer.logLines.count == 1)
        #expect(answer.logLines.first?.budget == .conninfoPassword)
    }

    @Test func usageErrorsCloseCleanlyAndSayWhyOffTheSocket() {
        let answer = AnswerPlan.usageError(UsageError("--peer: bad password=secret"), client: .socket)
        #expect(answer.bytes == [])
        #expect(answer.exitStatus == .usage)
        #expect(answer.standardError == "pgsql-state: --peer: bad password=***\n")
        #expect(AnswerPlan.usageError(UsageError("x"), client: .command).bytes == nil)
    }
}

@Suite struct ReportPlanTests {
    @Test func statusRunsTheReportQueryAndAnswers200EvenWhenDown() throws {
        var options = Options()
        options.maintenanceFile = "/m"
        var plan = AnswerPlan(options: options, client: .socket)
        _ = plan.start()
        #expect(plan.next(.requestHead(.head(HTTPRequestHead(method: .get, target: "/status")))) == .checkMaintenanceFile("/m"))
        // Maintenance does not hide the node from a report.
        #expect(plan.next(.maintenanceFile(.present, errorText: "")) == .probe(useReportedParameters: false, query: .report))
        guard case .finish(let answer) = plan.next(.probed(.unanswered(.unreachable), diagnostic: "refused", elapsedNanoseconds: 1000)) else {
            Issue.record("no answer"); return
        }
        let text = String(decoding: answer.bytes ?? [], as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"))
        #expect(text.contains("\"state\": \"stopped\""))
        #expect(text.contains("\"maintenance\": true"))
        #expect(answer.exitStatus == .passed)
    }

    /// A stale primary: HAProxy's /primary says superseded, so do /status, /patroni and /metrics (the
    /// role stays what PostgreSQL says: not in recovery).
    @Test(arguments: ["/status", "/patroni", "/metrics"])
    func reportsOfAPrimaryAskThePeers(_ target: String) throws {
        var options = Options()
        options.peers = SamplePeer.peers(["host=192.0.2.12"])
        var plan = AnswerPlan(options: options, client: .socket)
        _ = plan.start()
        #expect(plan.next(.requestHead(.head(HTTPRequestHead(method: .get, target: target)))) == .probe(useReportedParameters: false, query: .report))
        #expect(plan.next(.probed(ReportRenderingTests.primary, diagnostic: nil)) == .askPeers(options.peers, nanoseconds: 500_000_000))
        guard case .finish(let answer) = plan.next(.peersAnswered([
            PeerAnswer(name: "192.0.2.12:5432", outcome: .answered(PeerFacts(inRecovery: false, readOnly: false, timeline: 3,
                                                                             systemIdentifier: "7268616322854375442"))),
        ])) else { Issue.record("no answer"); return }
        let text = String(decoding: answer.bytes ?? [], as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\n"))
        if target == "/metrics" {
            #expect(text.contains("\npgsql_state_available 0\n"))
            #expect(text.contains("\npgsql_state_role{role=\"primary\"} 1\n"))
        } else {
            #expect(text.contains("\"role\": \"primary\""))
            #expect(text.contains("\"node\": \"superseded\", \"reason\": \"superseded\""))
        }
        #expect(answer.logLines.map(\.budget) == [.unavailable(.superseded)])
        // Peers that agree leave the document as it was; a standby's document never asks.
        var confirmed = AnswerPlan(options: options, client: .socket)
        _ = confirmed.start()
        _ = confirmed.next(.requestHead(.head(HTTPRequestHead(method: .get, target: target))))
        _ = confirmed.next(.probed(ReportRenderingTests.primary, diagnostic: nil))
        guard case .finish(let healthy) = confirmed.next(.peersAnswered([
            PeerAnswer(name: "192.0.2.12:5432", outcome: .answered(PeerFacts(inRecovery: true, readOnly: true, timeline: 2,
                                                                             systemIdentifier: "7268616322854375442"))),
        ])) else { Issue.record("no answer"); return }
        let healthyText = String(decoding: healthy.bytes ?? [], as: UTF8.self)
        #expect(target == "/metrics" ? healthyText.contains("\npgsql_state_available 1\n") : healthyText.contains("\"reason\": null"))
        var standby = AnswerPlan(options: options, client: .socket)
        _ = standby.start()
        _ = standby.next(.requestHead(.head(HTTPRequestHead(method: .get, target: target))))
        guard case .finish = standby.next(.probed(ReportRenderingTests.standby, diagnostic: nil)) else { Issue.record("asked the peers"); return }
    }

    @Test func metricsWithHeadHaveNoBody() throws {
        var plan = AnswerPlan(options: Options(), client: .socket)
        _ = plan.start()
        #expect(plan.next(.requestHead(.head(HTTPRequestHead(method: .head, target: "/metrics")))) == .probe(useReportedParameters: false, query: .report))
        guard case .finish(let answer) = plan.next(.probed(ReportRenderingTests.primary, diagnostic: nil)) else { Issue.record("no answer"); return }
        let text = String(decoding: answer.bytes ?? [], as: UTF8.self)
        #expect(text.hasPrefix("HTTP/1.1 200 OK\r\nContent-Type: text/plain; version=0.0.4; charset=utf-8\r\n"))
        #expect(text.hasSuffix("\r\n\r\n"))
    }

    @Test func livenessIgnoresTheMaintenanceFileAndThePeers() throws {
        var options = Options()
        options.maintenanceFile = "/m"
        options.peers = SamplePeer.peers(["host=192.0.2.12"])
        var plan = AnswerPlan(options: options, client: .socket)
        _ = plan.start()
        #expect(plan.next(.requestHead(.head(HTTPRequestHead(method: .options, target: "/liveness")))) == .probe(useReportedParameters: false, query: .peers))
        guard case .finish(let answer) = plan.next(.probed(ReportRenderingTests.primary, diagnostic: nil)) else { Issue.record("no answer"); return }
        #expect(String(decoding: answer.bytes ?? [], as: UTF8.self).hasPrefix("HTTP/1.1 200 OK\r\n"))
    }

    @Test func agentLinesTakeTheNewChecks() throws {
        var options = Options()
        options.format = .agent
        options.tags = [Tag(key: "noloadbalance", value: "true")]
        var plan = AnswerPlan(options: options, client: .socket)
        _ = plan.start()
        #expect(plan.next(.agentLine("replica")) == .probe(useReportedParameters: true))
        guard case .finish(let answer) = plan.next(.probed(SampleFacts.standby(), diagnostic: nil)) else { Issue.record("no answer"); return }
        #expect(answer.bytes == Array("down #noloadbalance\n".utf8))
    }
}

@Suite struct PatroniLogTests {
    /// A pool on /sync or a tagged standby fails on every check by design: a notice, not a warning.
    @Test func configuredOutcomesAreNotices() throws {
        var plan = AnswerPlan(options: Options(), client: .socket)
        _ = plan.start()
        _ = plan.next(.requestHead(.head(HTTPRequestHead(method: .get, target: "/sync"))))
        guard case .finish(let answer) = plan.next(.probed(SampleFacts.standby(), diagnostic: nil)) else { Issue.record("no answer"); return }
        #expect(answer.logLines == [LogLine(.notice, "unavailable: sync-state-unknown", budget: .unavailable(.syncStateUnknown))])
        #expect(String(decoding: answer.bytes ?? [], as: UTF8.self).hasPrefix("HTTP/1.1 501 Not Implemented\r\n"))
    }
}
