import PgsqlStateCore
import Testing

/// The plan's states one by one: each waits for one event, and any other event (or a second start) is a
/// programming error answered like any failure, with a bounded 503, never a crash.
@Suite struct AnswerPlanStateTests {
    /// Every state the plan can be in, reached through the public API; named as the log line names it.
    enum Reached: String, CaseIterable, Sendable {
        case initial, probing, finished
        case readingRequestHead = "reading-request-head", readingAgentLine = "reading-agent-line"
        case checkingMaintenanceFile = "checking-maintenance-file", askingPeers = "asking-peers"

        /// The plan in this state, over HTTP on a socket where it can be (the 503 is then visible).
        var plan: AnswerPlan {
            var options = Options()
            switch self {
            case .readingAgentLine: options.format = .agent
            case .checkingMaintenanceFile: options.maintenanceFile = "/run/m"
            case .askingPeers: options.peers = SamplePeer.peers(["host=192.0.2.12"])
            case .initial, .readingRequestHead, .probing, .finished: break
            }
            var plan = AnswerPlan(options: options, client: .socket)
            guard self != .initial else { return plan }
            let started = plan.start()
            switch self {
            case .initial, .readingRequestHead, .readingAgentLine: break
            case .checkingMaintenanceFile, .probing, .askingPeers:
                #expect(started == .readClient(.requestHead(nanoseconds: 500_000_000)))
                let probe = plan.next(.requestHead(.head(HTTPRequestHead(method: .head, target: "/primary"))))
                if self == .askingPeers { #expect(plan.next(.probed(SampleFacts.primary, diagnostic: nil)) == .askPeers(options.peers, nanoseconds: 500_000_000)) }
                if self == .probing { #expect(probe == .probe(useReportedParameters: true)) }
            case .finished:
                _ = plan.next(.requestHead(.noRequest))
                _ = plan.next(.probed(SampleFacts.primary, diagnostic: nil))
            }
            return plan
        }

        /// The one event this state waits for (none: `initial` waits for `start()`, `finished` for nothing).
        var awaited: String? {
            switch self {
            case .readingRequestHead: "request-head"
            case .readingAgentLine: "agent-line"
            case .checkingMaintenanceFile: "maintenance-file"
            case .probing: "probed"
            case .askingPeers: "peers-answered"
            case .initial, .finished: nil
            }
        }
    }

    static let events: [(name: String, event: AnswerPlan.Event)] = [
        ("request-head", .requestHead(.noRequest)),
        ("agent-line", .agentLine("replica")),
        ("maintenance-file", .maintenanceFile(.absent, errorText: "")),
        ("probed", .probed(SampleFacts.primary, diagnostic: nil)),
        ("peers-answered", .peersAnswered([])),
    ]

    private func isProgrammingError(_ action: AnswerPlan.Action, event: String, state: Reached) -> Bool {
        guard case .finish(let answer) = action else { return false }
        let text = String(decoding: answer.bytes ?? [], as: UTF8.self)
        // The request in hand is kept: a HEAD gets a 503 without a body; an agent gets its own DOWN line.
        let head = "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain\r\nContent-Length: 6\r\nConnection: close\r\n\r\n"
        let expected = switch state {
        case .readingAgentLine: "down #error\n"
        case .probing, .askingPeers, .checkingMaintenanceFile: head
        case .initial, .readingRequestHead, .finished: head + "error\n"
        }
        return text == expected && answer.exitStatus == .unavailable
            && answer.logLines.last == LogLine(.error, "programming error: \(event) while \(state.rawValue)", budget: .unavailable(.error))
    }

    @Test(arguments: Reached.allCases)
    func everyEventAStateDoesNotWaitForIsAProgrammingError(_ state: Reached) {
        for (name, event) in Self.events where name != state.awaited {
            var plan = state.plan
            #expect(isProgrammingError(plan.next(event), event: name, state: state), "\(name) while \(state.rawValue)")
            // The plan is then finished: whatever comes next is one more programming error, still an answer.
            guard case .finish = plan.next(event) else { Issue.record("no answer after \(name)"); continue }
        }
    }

    @Test(arguments: Reached.allCases)
    func startComesOnce(_ state: Reached) {
        var plan = state.plan
        let action = plan.start()
        if state == .initial {
            #expect(action == .readClient(.requestHead(nanoseconds: 500_000_000)))
        } else {
            #expect(isProgrammingError(action, event: "start", state: state))
        }
    }

    /// The awaited event moves the plan on; it is never taken for a programming error.
    @Test(arguments: Reached.allCases)
    func theAwaitedEventIsTaken(_ state: Reached) {
        guard let awaited = state.awaited, let event = Self.events.first(where: { $0.name == awaited })?.event else { return }
        var plan = state.plan
        let action = plan.next(event)
        if case .finish(let answer) = action {
            #expect(!answer.logLines.contains { $0.message.hasPrefix("programming error") })
        }
        switch state {
        case .readingRequestHead, .readingAgentLine: #expect(action == .probe(useReportedParameters: true))
        case .checkingMaintenanceFile: #expect(action == .probe(useReportedParameters: true))
        case .probing, .askingPeers:
            guard case .finish(let answer) = action else { Issue.record("no answer"); return }
            #expect(answer.exitStatus == (state == .probing ? .passed : .unavailable))
        case .initial, .finished: break
        }
    }

    /// A read is only ever asked of a socket; from a shell, a read that came anyway finds nothing.
    @Test func aReadThatFindsNobodyIsTheDefaultCheck() {
        #expect(AnswerPlan.ClientRead.requestHead(nanoseconds: 1).nothingReceived == .requestHead(.noRequest))
        #expect(AnswerPlan.ClientRead.agentLine(nanoseconds: 1).nothingReceived == .agentLine(nil))
        var plan = AnswerPlan(options: Options(), client: .command)
        #expect(plan.start() == .probe(useReportedParameters: true))
    }
}
