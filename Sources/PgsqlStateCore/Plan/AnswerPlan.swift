/// Everything one run decides, as a state machine in the manner of postgres-nio's connection state
/// machine (Sources/PostgresNIO/New/Connection State Machine/ConnectionStateMachine.swift): an explicit
/// `State`, one handler per event, and an answer for every event that comes in a state not waiting for it.
/// The executable starts it, performs each action it returns (read, check a file, probe, ask the peers) and
/// feeds back what happened, until it returns `.finish` with the answer. Pure: every path, every answer
/// word, exit status and log line is tested by value (AnswerPlanTests).
package struct AnswerPlan: Sendable {
    /// Where the answer goes: the HAProxy connection, or stdout when started from a shell.
    package enum Client: Equatable, Sendable { case socket, command }

    package let options: Options
    package let client: Client
    package var budget: Budget { Budget(timeoutNanoseconds: options.timeoutNanoseconds) }

    var state = State.initial
    /// Every line so far; the answer carries them, masked.
    private var logLines: [LogLine] = []

    package init(options: Options, client: Client) {
        self.options = options
        self.client = client
    }

    /// Reasons that are part of normal operation (a restart, a lagging or paused standby, what the
    /// operator's tags or a DCS-only check say every time): notice, not warning.
    /// An array, not a Set: hashing collections pull libm (ceil) into the Embedded executable.
    package static let expectedReasons: [Reason] = [.starting, .shuttingDown, .lagging, .notStreaming, .replayPaused, .readOnly,
                                                   .noLoadBalance, .tagMismatch, .syncStateUnknown, .noPeers]

    /// Usage errors, --help and --version: answers without a plan to run.
    package static func usageError(_ error: UsageError, client: Client) -> Answer {
        // No answer for a misconfigured service, but no RST either: HAProxy sees a clean close.
        Answer(bytes: client == .socket ? [] : nil, exitStatus: .usage,
               logLines: [LogLine(.error, "usage error: \(error.message)")],
               standardError: "pgsql-state: \(SecretMask.redact(error.message))\n")
    }

    package static func information(_ text: String) -> Answer {
        Answer(bytes: Array(text.utf8), exitStatus: .passed)
    }

    // MARK: Start

    package mutating func start() -> Action {
        guard case .initial = state else { return unexpected("start") }
        if options.connectionStrings.contains(where: SecretMask.carriesPassword) {
            logLines.append(LogLine(.warning, "--conninfo or --peer carries a password, visible in ps and in the unit, xinetd or config file: use PGPASSFILE",
                                    budget: .conninfoPassword))
        }
        let configured = Request(target: .check(options.check))
        guard client == .socket else { return afterRequest(configured) }
        switch options.format {
        case .http:
            state = .readingRequestHead
            return .readClient(.requestHead(nanoseconds: budget.request))
        // Expect-only tcp-checks send nothing: answer at once, whatever arrives is drained when answering.
        case .text: return afterRequest(configured)
        // HAProxy sends its agent-send line as soon as it connects. Waiting for it as long as for an HTTP
        // request lets a late line still select its own check; without a line, --check is answered (the
        // shipped agent units say --check primary, so a missing line fails safe in a read-write pool).
        case .agent:
            state = .readingAgentLine
            return .readClient(.agentLine(nanoseconds: budget.request))
        }
    }

    // MARK: Events

    /// One handler per event; each checks that the plan waits for it.
    package mutating func next(_ event: Event) -> Action {
        switch event {
        case .requestHead(let outcome): requestHeadRead(outcome)
        case .agentLine(let line): agentLineRead(line)
        case .maintenanceFile(let file, let errorText): maintenanceFileChecked(file, errorText: errorText)
        case .probed(let facts, let diagnostic, let elapsed, let sqlState, let age, let unshared):
            probed(facts, diagnostic: diagnostic, elapsedNanoseconds: elapsed, sqlState: sqlState, ageNanoseconds: age,
                   unshared: unshared)
        case .peersAnswered(let answers): peersAnswered(answers)
        }
    }

    private mutating func requestHeadRead(_ outcome: RequestOutcome) -> Action {
        guard case .readingRequestHead = state else { return unexpected(Event.requestHead(outcome).name) }
        switch outcome {
        case .clientGone:
            state = .finished
            return .finish(Answer(bytes: nil, exitStatus: .unavailable, logLines: maskedLogLines))
        case .noRequest:
            return afterRequest(Request(target: .check(options.check)))
        case .error(let error):
            return reject(error, method: nil)
        case .head(let head):
            let target: Request.Target
            do {
                switch try RequestTarget.route(head, defaultCheck: options.check) {
                case .check(let routed): target = .check(routed)
                case .report(let asked): target = .report(asked)
                }
            } catch {
                return reject(error, method: head.method)
            }
            return afterRequest(Request(target: target, method: head.method))
        }
    }

    private mutating func agentLineRead(_ line: Substring?) -> Action {
        guard case .readingAgentLine = state else { return unexpected(Event.agentLine(line).name) }
        var check = options.check
        if let line, !line.isEmpty {
            do {
                check = try CheckParser.parse(line, defaultCheck: options.check)
            } catch {
                logLines.append(LogLine(.notice, "rejected agent-send line", budget: .rejectedRequest))
                state = .finished
                return .finish(Answer(bytes: Array(AgentAnswer.badRequest.utf8), exitStatus: .unavailable, logLines: maskedLogLines))
            }
        }
        return afterRequest(Request(target: .check(check)))
    }

    private mutating func maintenanceFileChecked(_ file: MaintenanceFileState, errorText: String) -> Action {
        guard case .checkingMaintenanceFile(let request) = state else {
            return unexpected(Event.maintenanceFile(file, errorText: errorText).name)
        }
        if case .uncheckable = file, let path = options.maintenanceFile {
            logLines.append(LogLine(.warning, "maintenance file \(path) cannot be checked (\(errorText)): treated as present",
                                    budget: .unavailable(.maintenance)))
        }
        // A report still shows the node, with the maintenance flag and reason.
        guard file.isMaintenance, case .check(let check) = request.target else {
            return probe(request, Probing(maintenance: file.isMaintenance))
        }
        return finish(CheckPolicy.evaluate(.unanswered(.maintenance), check: check, maintenance: true), request)
    }

    private mutating func probed(_ facts: NodeFacts, diagnostic: String?, elapsedNanoseconds elapsed: UInt64?,
                                 sqlState: String?, ageNanoseconds age: UInt64?, unshared: String?) -> Action {
        guard case .probing(let request, var probing) = state else {
            return unexpected(Event.probed(facts, diagnostic: diagnostic, elapsedNanoseconds: elapsed, sqlState: sqlState).name)
        }
        if let elapsed { probing.nanoseconds = (probing.nanoseconds ?? 0) + elapsed }
        probing.ageNanoseconds = age
        if let unshared {
            logLines.append(LogLine(.warning, "--share-facts: this check probed alone: \(unshared)", budget: .unshared))
        }
        // A promotion between two functions of the one query: a new probe sees the promoted server.
        if sqlState == FactsQuery.promotionRaceState, !probing.repeated {
            probing.repeated = true
            return probe(request, probing)
        }
        var systemIdentifier: String?
        var timeline: UInt32?
        if case .answered(let server) = facts { (systemIdentifier, timeline) = (server.systemIdentifier, server.timeline) }
        switch request.target {
        case .report(let report):
            let node = NodeReport(facts: facts, check: options.check, maintenance: probing.maintenance, context: options.policyContext,
                                  probeNanoseconds: probing.nanoseconds, factsAgeNanoseconds: probing.ageNanoseconds)
            // A person and Prometheus see what HAProxy sees: a primary's document waits for the peers too.
            if PeerGuard.applies(to: node.verdict, peerCount: options.peers.count) {
                return askPeers(request, .report(report, node), systemIdentifier: systemIdentifier)
            }
            return finish(report, node, request)
        case .check(let check):
            let verdict = CheckPolicy.evaluate(facts, check: check, maintenance: false, context: options.policyContext)
            if PeerGuard.applies(to: verdict, peerCount: options.peers.count) {
                return askPeers(request, .primary(verdict, timeline: timeline), systemIdentifier: systemIdentifier)
            }
            if StandbyLeaderGuard.applies(to: verdict, peerCount: options.peers.count) {
                return askPeers(request, .standbyLeader(verdict), systemIdentifier: systemIdentifier)
            }
            if verdict.outcome == .unavailable, case .unavailable(let reason) = verdict.state {
                var line = "unavailable: \(reason.word)"
                if let diagnostic, !diagnostic.isEmpty { line += " (\(diagnostic))" }
                logLines.append(LogLine(Self.expectedReasons.contains(reason) ? .notice : .warning, line, budget: .unavailable(reason)))
            }
            return finish(verdict, request)
        }
    }

    private mutating func peersAnswered(_ answers: [PeerAnswer]) -> Action {
        guard case .askingPeers(let request, let question, let systemIdentifier) = state else {
            return unexpected(Event.peersAnswered(answers).name)
        }
        if let warning = PeerSecurity.warning(answers) { logLines.append(LogLine(.warning, warning, budget: .unverifiedPeer)) }
        let reports = ClusterMembership.only(answers, systemIdentifier: systemIdentifier)
        switch question {
        case .standbyLeader(let standby):
            let verdict = StandbyLeaderGuard.decide(standby, peers: reports)
            if case .unavailable(let reason) = verdict.state {
                logLines.append(LogLine(.notice, "unavailable: \(reason.word) (no peer answered: a standby leader cannot be told)",
                                        budget: .unavailable(reason)))
            }
            return finish(verdict, request)
        case .report(let report, var node):
            node.verdict = guarded(node.verdict, timeline: node.server?.timeline, peers: reports)
            return finish(report, node, request)
        case .primary(let primary, let timeline):
            // Guarded first: the line it logs must be in the answer (a receiver is read before its arguments).
            let verdict = guarded(primary, timeline: timeline, peers: reports)
            return finish(verdict, request)
        }
    }

    // MARK: Steps

    /// The maintenance file wins over everything and needs no connection.
    /// Liveness asks whether the postmaster runs, which maintenance does not change.
    private mutating func afterRequest(_ request: Request) -> Action {
        let checksMaintenance = switch request.target {
        case .report: true
        case .check(let check): check.kind != .liveness
        }
        if let path = options.maintenanceFile, checksMaintenance {
            state = .checkingMaintenanceFile(request)
            return .checkMaintenanceFile(path)
        }
        return probe(request, Probing())
    }

    /// With peers, a primary's timeline and the cluster's identifier are needed: the one query with the
    /// identifier's column, even where reported parameters would do.
    /// A report needs the report columns, whatever the role.
    /// A repeated probe (after a promotion race) is never answered from a shared one, which may be the
    /// very probe that raced.
    private mutating func probe(_ request: Request, _ probing: Probing) -> Action {
        state = .probing(request, probing)
        let (useReportedParameters, query): (Bool, FactsQuery.Variant) =
            request.isReport ? (false, .report) : options.peers.isEmpty ? (true, .check) : (false, .peers)
        let sharing = Sharing.probe(conninfo: options.conninfo, useReportedParameters: useReportedParameters, query: query,
                                    environment: options.libpqEnvironment, nanoseconds: probing.repeated ? 0 : options.shareNanoseconds)
        return .probe(useReportedParameters: useReportedParameters, query: query, sharing: sharing)
    }

    private mutating func askPeers(_ request: Request, _ question: PeerQuestion, systemIdentifier: String?) -> Action {
        state = .askingPeers(request, question, systemIdentifier: systemIdentifier)
        return .askPeers(options.peers, nanoseconds: budget.peers, sharing: Sharing.peers(options.peers, environment: options.libpqEnvironment,
                                                                                      nanoseconds: options.shareNanoseconds))
    }

    private mutating func reject(_ error: HTTPError, method: HTTPRequestHead.Method?) -> Action {
        let response = HTTPResponse(error: error, method: method)
        logLines.append(LogLine(.notice, "rejected request: \(response.status) \(response.word)", budget: .rejectedRequest))
        state = .finished
        return .finish(Answer(bytes: response.bytes, exitStatus: .unavailable, logLines: maskedLogLines))
    }

    /// An event (or a second start) the plan is not waiting for: a bug in the executable, not in the world.
    /// Still a bounded answer, never a crash: the configured check unavailable with reason `error` (503 over
    /// HTTP), and a line that names the pair.
    private mutating func unexpected(_ event: String) -> Action {
        var request = Request(target: .check(options.check))
        switch state {
        case .checkingMaintenanceFile(let asked), .probing(let asked, _), .askingPeers(let asked, _, _): request.method = asked.method
        case .initial, .readingRequestHead, .readingAgentLine, .finished: break
        }
        logLines.append(LogLine(.error, "programming error: \(event) while \(state.name)", budget: .unavailable(.error)))
        return finish(Verdict(check: options.check.kind, state: .unavailable(.error), outcome: .unavailable), request)
    }

    /// The lines with every configured password masked, whole or in the pieces libpq's errors may quote
    /// (a raw '@' in a URI password makes part of it a host name). The edge masks the generic forms again.
    private var maskedLogLines: [LogLine] {
        guard !logLines.isEmpty else { return [] }
        let secrets = SecretMask.passwords(in: options.connectionStrings)
        guard !secrets.isEmpty else { return logLines }
        return logLines.map { line in
            var masked = line
            masked.message = SecretMask.redact(line.message, secrets: secrets)
            return masked
        }
    }

    /// The peers' word on a primary's verdict, and why it changed, for syslog.
    private mutating func guarded(_ verdict: Verdict, timeline: UInt32?, peers: [PeerAnswer]) -> Verdict {
        let decision = PeerGuard.decide(verdict, localTimeline: timeline, peers: peers, minPeers: options.minPeers)
        if let line = decision.logLine {
            var budget = LogBudget.Kind.peersIgnored
            if case .unavailable(let reason) = decision.verdict.state { budget = .unavailable(reason) }
            logLines.append(LogLine(decision.isIncident ? .warning : .notice, line, budget: budget))
        }
        return decision.verdict
    }

    private mutating func finish(_ verdict: Verdict, _ request: Request) -> Action {
        state = .finished
        return .finish(Answer(bytes: render(verdict, method: request.method), exitStatus: verdict.exitStatus, logLines: maskedLogLines))
    }

    /// A document is answered with 200 whatever the node's state: the state is in the document.
    private mutating func finish(_ report: Document, _ node: NodeReport, _ request: Request) -> Action {
        state = .finished
        let (body, contentType) = switch report {
        case .status: (StatusDocument.render(node), "application/json")
        case .metrics: (MetricsText.render(node), MetricsText.contentType)
        }
        let response = HTTPResponse(status: 200, word: report.rawValue, body: body, contentType: contentType,
                                    method: client == .socket ? request.method : .get)
        return .finish(Answer(bytes: response.bytes, exitStatus: .passed, logLines: maskedLogLines))
    }

    /// The format's answer; from a shell, the same bytes on stdout (an HTTP answer as for GET).
    private func render(_ verdict: Verdict, method: HTTPRequestHead.Method) -> [UInt8] {
        switch options.format {
        case .http: HTTPResponse(verdict: verdict, method: client == .socket ? method : .get).bytes
        case .text: Array(TextAnswer.line(verdict).utf8)
        case .agent: Array(AgentAnswer.line(verdict).utf8)
        }
    }
}
