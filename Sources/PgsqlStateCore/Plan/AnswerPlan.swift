/// Everything one run decides, as a state machine in the manner of postgres-nio's connection state
/// machine: the executable starts it, performs each action it returns (read, check a file, probe, ask the
/// peers) and feeds back what happened, until it returns `.finish` with the answer. Pure: every path,
/// every answer word, exit status and log line is tested by value (AnswerPlanTests).
package struct AnswerPlan: Sendable {
    package enum Action: Equatable, Sendable {
        /// Read the HTTP request head for at most `nanoseconds`.
        case readRequestHead(nanoseconds: UInt64)
        /// Read HAProxy's `agent-send` line for at most `nanoseconds`.
        case readAgentLine(nanoseconds: UInt64)
        case checkMaintenanceFile(String)
        /// Connect to the local server; without reported parameters, the one query runs whatever the role.
        /// `query`: the check's columns, or those and the report's (`/status`, `/metrics`). Returned a second
        /// time when the first query raced a promotion (`FactsQuery.promotionRaceState`).
        case probe(useReportedParameters: Bool, query: FactsQuery.Variant = .check)
        /// Ask every peer at once, for at most `nanoseconds` and never past the budget's PostgreSQL end.
        case askPeers([ClusterPeer], nanoseconds: UInt64)
        case finish(Answer)
    }

    package enum Event: Equatable, Sendable {
        case requestHead(RequestOutcome)
        case agentLine(Substring?)
        case maintenanceFile(MaintenanceFileState, errorText: String)
        /// `elapsedNanoseconds`: how long the probe took, for `/status` and `/metrics`. `sqlState`: the facts
        /// query's error code, as libpq gave it.
        case probed(NodeFacts, diagnostic: String?, elapsedNanoseconds: UInt64? = nil, sqlState: String? = nil)
        case peersAnswered([PeerReport])
    }

    /// Where the answer goes: the HAProxy connection, or stdout when started from a shell.
    package enum Client: Equatable, Sendable { case socket, command }

    package let options: Options
    package let client: Client
    package var budget: Budget { Budget(timeoutNanoseconds: options.timeoutNanoseconds) }

    private var check: Check
    private var method = HTTPRequestHead.Method.get
    private var logLines: [LogLine] = []
    /// Set while the peers are asked: the verdict they may overturn, and this primary's timeline.
    private var pending: (verdict: Verdict, timeline: UInt32?)?
    /// Set while the peers are asked whether a standby that looks like a standby leader is one.
    private var pendingLeadership: Verdict?
    /// This server's `system_identifier`, which every peer's must match (`ClusterMembership`).
    private var systemIdentifier: String?
    /// Set when the request asks for a document instead of a check.
    private var report: Report?
    /// Set while the peers are asked about a primary a document describes: the document waits for them.
    private var pendingReport: NodeReport?
    private var maintenance = false
    /// Set once the probe has been repeated after a promotion race: never twice.
    private var reprobed = false
    /// The probes' time so far (a repeated probe adds its own).
    private var probeNanoseconds: UInt64?

    package init(options: Options, client: Client) {
        self.options = options
        self.client = client
        check = options.check
    }

    /// Reasons that are part of normal operation (a restart, a lagging or paused standby, what the
    /// operator's tags or a DCS-only check say every time): notice, not warning.
    /// An array, not a Set: hashing collections pull libm (ceil) into the Embedded executable.
    package static let expectedReasons: [Reason] = [.starting, .shuttingDown, .lagging, .notStreaming, .replayPaused, .readOnly,
                                                   .noLoadBalance, .tagMismatch, .syncStateUnknown, .noPeers]

    // MARK: Start

    package mutating func start() -> Action {
        if options.connectionStrings.contains(where: SecretMask.carriesPassword) {
            logLines.append(LogLine(.warning, "--conninfo or --peer carries a password, visible in ps and in the unit, xinetd or config file: use PGPASSFILE",
                                    budget: .conninfoPassword))
        }
        guard client == .socket else { return afterRequest() }
        switch options.format {
        case .http: return .readRequestHead(nanoseconds: budget.request)
        // Expect-only tcp-checks send nothing: answer at once, whatever arrives is drained when answering.
        case .text: return afterRequest()
        // HAProxy sends its agent-send line as soon as it connects. Waiting for it as long as for an HTTP
        // request lets a late line still select its own check; without a line, --check is answered (the
        // shipped agent units say --check primary, so a missing line fails safe in a read-write pool).
        case .agent: return .readAgentLine(nanoseconds: budget.request)
        }
    }

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

    // MARK: Events

    package mutating func next(_ event: Event) -> Action {
        switch event {
        case .requestHead(let outcome):
            switch outcome {
            case .clientGone:
                return .finish(Answer(bytes: nil, exitStatus: .unavailable, logLines: maskedLogLines))
            case .noRequest:
                return afterRequest()
            case .error(let error):
                return reject(error, method: nil)
            case .head(let head):
                method = head.method
                do {
                    switch try RequestTarget.route(head, defaultCheck: options.check) {
                    case .check(let routed): check = routed
                    case .report(let asked): report = asked
                    }
                } catch {
                    return reject(error, method: head.method)
                }
                return afterRequest()
            }
        case .agentLine(let line):
            if let line, !line.isEmpty {
                do {
                    check = try CheckSpec.parse(line, defaultCheck: options.check)
                } catch {
                    logLines.append(LogLine(.notice, "rejected agent-send line", budget: .rejectedRequest))
                    return .finish(Answer(bytes: Array(AgentAnswer.badRequest.utf8), exitStatus: .unavailable, logLines: maskedLogLines))
                }
            }
            return afterRequest()
        case .maintenanceFile(let state, let errorText):
            if case .uncheckable = state, let path = options.maintenanceFile {
                logLines.append(LogLine(.warning, "maintenance file \(path) cannot be checked (\(errorText)): treated as present",
                                        budget: .unavailable(.maintenance)))
            }
            // A report still shows the node, with the maintenance flag and reason.
            maintenance = state.isMaintenance
            guard state.isMaintenance, report == nil else { return probe() }
            return finish(CheckPolicy.evaluate(.unanswered(.maintenance), check: check, maintenance: true))
        case .probed(let facts, let diagnostic, let elapsed, let sqlState):
            if let elapsed { probeNanoseconds = (probeNanoseconds ?? 0) + elapsed }
            // A promotion between two functions of the one query: a new probe sees the promoted server.
            if sqlState == FactsQuery.promotionRaceState, !reprobed {
                reprobed = true
                return probe()
            }
            if case .answered(let server) = facts { systemIdentifier = server.systemIdentifier }
            if let report {
                let node = NodeReport(facts: facts, check: options.check, maintenance: maintenance, context: options.policyContext,
                                      probeNanoseconds: probeNanoseconds)
                // A person and Prometheus see what HAProxy sees: a primary's document waits for the peers too.
                if PeerGuard.applies(to: node.verdict, peerCount: options.peers.count) {
                    pendingReport = node
                    return .askPeers(options.peers, nanoseconds: budget.peers)
                }
                return finish(report, node)
            }
            let verdict = CheckPolicy.evaluate(facts, check: check, maintenance: false, context: options.policyContext)
            if PeerGuard.applies(to: verdict, peerCount: options.peers.count) {
                var timeline: UInt32?
                if case .answered(let server) = facts { timeline = server.timeline }
                pending = (verdict, timeline)
                return .askPeers(options.peers, nanoseconds: budget.peers)
            }
            if StandbyLeaderGuard.applies(to: verdict, peerCount: options.peers.count) {
                pendingLeadership = verdict
                return .askPeers(options.peers, nanoseconds: budget.peers)
            }
            if verdict.outcome == .unavailable, case .unavailable(let reason) = verdict.state {
                var line = "unavailable: \(reason.word)"
                if let diagnostic, !diagnostic.isEmpty { line += " (\(diagnostic))" }
                logLines.append(LogLine(Self.expectedReasons.contains(reason) ? .notice : .warning, line, budget: .unavailable(reason)))
            }
            return finish(verdict)
        case .peersAnswered(let answers):
            if let warning = PeerSecurity.warning(answers) { logLines.append(LogLine(.warning, warning, budget: .unverifiedPeer)) }
            let reports = ClusterMembership.only(answers, systemIdentifier: systemIdentifier)
            if let pendingLeadership {
                let verdict = StandbyLeaderGuard.decide(pendingLeadership, peers: reports)
                if case .unavailable(let reason) = verdict.state {
                    logLines.append(LogLine(.notice, "unavailable: \(reason.word) (no peer answered: a standby leader cannot be told)",
                                            budget: .unavailable(reason)))
                }
                return finish(verdict)
            }
            if let report, var node = pendingReport {
                node.verdict = guarded(node.verdict, timeline: node.server?.timeline, peers: reports)
                return finish(report, node)
            }
            guard let pending else { return finish(Verdict(check: check.kind, state: .unavailable(.error), outcome: .unavailable)) }
            // Guarded first: the line it logs must be in the answer (a receiver is read before its arguments).
            let verdict = guarded(pending.verdict, timeline: pending.timeline, peers: reports)
            return finish(verdict)
        }
    }

    // MARK: Steps

    /// The maintenance file wins over everything and needs no connection.
    /// Liveness asks whether the postmaster runs, which maintenance does not change.
    private func afterRequest() -> Action {
        if let path = options.maintenanceFile, report != nil || check.kind != .liveness { return .checkMaintenanceFile(path) }
        return probe()
    }

    /// With peers, a primary's timeline and the cluster's identifier are needed: the one query with the
    /// identifier's column, even where reported parameters would do.
    /// A report needs the report columns, whatever the role.
    private func probe() -> Action {
        if report != nil { return .probe(useReportedParameters: false, query: .report) }
        return options.peers.isEmpty ? .probe(useReportedParameters: true) : .probe(useReportedParameters: false, query: .peers)
    }

    private mutating func reject(_ error: HTTPError, method: HTTPRequestHead.Method?) -> Action {
        let response = HTTPResponse(error: error, method: method)
        logLines.append(LogLine(.notice, "rejected request: \(response.status) \(response.word)", budget: .rejectedRequest))
        return .finish(Answer(bytes: response.bytes, exitStatus: .unavailable, logLines: maskedLogLines))
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
    private mutating func guarded(_ verdict: Verdict, timeline: UInt32?, peers: [PeerReport]) -> Verdict {
        let decision = PeerGuard.decide(verdict, localTimeline: timeline, peers: peers, minPeers: options.minPeers)
        if let line = decision.logLine {
            var budget = LogBudget.Kind.peersIgnored
            if case .unavailable(let reason) = decision.verdict.state { budget = .unavailable(reason) }
            logLines.append(LogLine(decision.isIncident ? .warning : .notice, line, budget: budget))
        }
        return decision.verdict
    }

    private func finish(_ verdict: Verdict) -> Action {
        .finish(Answer(bytes: render(verdict), exitStatus: verdict.exitStatus, logLines: maskedLogLines))
    }

    /// A document is answered with 200 whatever the node's state: the state is in the document.
    private func finish(_ report: Report, _ node: NodeReport) -> Action {
        let (body, contentType) = switch report {
        case .status: (StatusDocument.render(node), "application/json")
        case .metrics: (MetricsText.render(node), MetricsText.contentType)
        }
        let response = HTTPResponse(status: 200, word: report.rawValue, body: body, contentType: contentType,
                                    method: client == .socket ? method : .get)
        return .finish(Answer(bytes: response.bytes, exitStatus: .passed, logLines: maskedLogLines))
    }

    /// The format's answer; from a shell, the same bytes on stdout (an HTTP answer as for GET).
    private func render(_ verdict: Verdict) -> [UInt8] {
        switch options.format {
        case .http: HTTPResponse(verdict: verdict, method: client == .socket ? method : .get).bytes
        case .text: Array(TextAnswer.line(verdict).utf8)
        case .agent: Array(AgentAnswer.line(verdict).utf8)
        }
    }
}
