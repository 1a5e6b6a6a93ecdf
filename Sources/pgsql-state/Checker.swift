#if canImport(Glibc)
import Glibc
#endif
import PgsqlStateCore
import PgsqlStateIO
import PgsqlStateProbe

/// One run: gather facts, read the request the format calls for, answer once.
struct Checker {
    let options: Options
    let peer: Peer
    /// The answer must be written by here.
    let deadline: Deadline
    /// The probe stops a little earlier, so that a hung server still gets its 503 out in time.
    let probeDeadline: Deadline

    init(options: Options, peer: Peer) {
        self.options = options
        self.peer = peer
        deadline = Deadline.after(nanoseconds: options.timeoutNanoseconds)
        let margin = min(options.timeoutNanoseconds / 10, 50_000_000)
        probeDeadline = Deadline(nanoseconds: deadline.nanoseconds - margin)
    }

    func run() -> ExitStatus {
        if ([options.conninfo].compactMap { $0 } + options.peers).contains(where: SecretMask.carriesPassword) {
            // Once an hour per host, not once per check: the budget file keeps count.
            Syslog.log(.warning, "--conninfo or --peer carries a password, visible in ps and in the unit, xinetd or config file: use PGPASSFILE",
                       budget: .conninfoPassword)
        }
        guard case .socket(let fd) = peer else {
            let verdict = evaluate(probe(), check: options.check)
            CommandOutput.write(render(verdict, method: .get), to: 1)
            return verdict.exitStatus
        }
        var client = ClientSocket(fd: fd)
        switch options.format {
        case .http: return answerHTTP(&client)
        case .text: return answerText(&client)
        case .agent: return answerAgent(&client)
        }
    }

    private func answerHTTP(_ client: inout ClientSocket) -> ExitStatus {
        // Half the budget for the request: HAProxy sends it with the connection, and a peer that sends
        // nothing still gets the default check in time.
        let requestDeadline = Deadline.after(nanoseconds: options.timeoutNanoseconds / 2)
        var check = options.check
        var method = HTTPRequestHead.Method.get
        switch client.readHTTPHead(until: requestDeadline) {
        case .peerGone:
            return .unavailable
        case .noRequest:
            break
        case .error(let error):
            return reject(error, on: &client)
        case .head(let head):
            method = head.method
            switch HTTPRouter.check(for: head, defaultCheck: options.check) {
            case .success(let routed): check = routed
            case .failure(let error): return reject(error, on: &client, method: head.method)
            }
        }
        let verdict = evaluate(probe(), check: check)
        client.answer(HTTPResponse(verdict: verdict, method: method).bytes, until: deadline)
        return verdict.exitStatus
    }

    private func reject(_ error: HTTPError, on client: inout ClientSocket, method: HTTPRequestHead.Method? = nil) -> ExitStatus {
        let response = HTTPResponse(error: error, method: method)
        Syslog.log(.notice, "rejected request: \(response.status) \(response.word)", budget: .rejectedRequest)
        client.answer(response.bytes, until: deadline)
        return .unavailable
    }

    private func answerText(_ client: inout ClientSocket) -> ExitStatus {
        // Expect-only tcp-checks send nothing: answer at once, whatever arrives is drained.
        let verdict = evaluate(probe(), check: options.check)
        client.answer(Array(TextAnswer.line(verdict).utf8), until: deadline)
        return verdict.exitStatus
    }

    private func answerAgent(_ client: inout ClientSocket) -> ExitStatus {
        // HAProxy sends its agent-send line as soon as it connects. Wait for it up to half the budget, as
        // the HTTP format waits for its request: a line that comes late still selects its own check (a
        // grace of a few milliseconds once answered a late "primary" with the default check's "up ready"
        // from a standby). Only when no line comes is --check answered: the shipped agent units say
        // --check primary, so that a missing line fails safe in a read-write pool.
        let requestDeadline = Deadline.after(nanoseconds: options.timeoutNanoseconds / 2)
        var check = options.check
        if let line = client.readLine(until: requestDeadline), !line.isEmpty {
            switch CheckSpec.parse(line, defaultCheck: options.check) {
            case .success(let requested):
                check = requested
            case .failure:
                Syslog.log(.notice, "rejected agent-send line", budget: .rejectedRequest)
                client.answer(Array("down#bad-request\n".utf8), until: deadline)
                return .unavailable
            }
        }
        let verdict = evaluate(probe(), check: check)
        client.answer(Array(AgentAnswer.line(verdict).utf8), until: deadline)
        return verdict.exitStatus
    }

    /// The maintenance file wins over everything and needs no connection; one that cannot be checked
    /// counts as present (MaintenanceFileState).
    private func probe() -> ProbeResult? {
        if let path = options.maintenanceFile {
            let state = MaintenanceFile.check(path)
            if case .uncheckable(let error) = state {
                Syslog.log(.warning, "maintenance file \(path) cannot be checked (\(String(cString: strerror(error)))): treated as present")
            }
            if state.isMaintenance { return nil }
        }
        // With peers, a primary's timeline is needed: the one query, even where reported parameters would do.
        return Probe.run(conninfo: options.conninfo, until: probeDeadline, useReportedParameters: options.peers.isEmpty)
    }

    private func evaluate(_ result: ProbeResult?, check: Check) -> Verdict {
        guard let result else {
            return CheckPolicy.evaluate(.unanswered(.maintenance), check: check, maintenance: true)
        }
        let verdict = CheckPolicy.evaluate(result.facts, check: check, maintenance: false)
        if PeerGuard.applies(to: verdict, peerCount: options.peers.count) { return confirmWithPeers(verdict, facts: result.facts) }
        if verdict.outcome == .unavailable, case .unavailable(let reason) = verdict.state {
            report(reason, diagnostic: result.diagnostic)
        }
        return verdict
    }

    /// Peers get half of the budget at most: a hung one must not hold the answer to the deadline.
    private func confirmWithPeers(_ verdict: Verdict, facts: NodeFacts) -> Verdict {
        let peerDeadline = Deadline.after(nanoseconds: options.timeoutNanoseconds / 2).capped(at: probeDeadline)
        let reports = PeerSurvey.run(options.peers, until: peerDeadline)
        var timeline: UInt32?
        if case .answered(let server) = facts { timeline = server.timeline }
        let decision = PeerGuard.decide(verdict, localTimeline: timeline, peers: reports, minPeers: options.minPeers)
        if let line = decision.logLine { Syslog.log(decision.isIncident ? .warning : .notice, line) }
        return decision.verdict
    }

    private func render(_ verdict: Verdict, method: HTTPRequestHead.Method) -> String {
        switch options.format {
        case .http: String(decoding: HTTPResponse(verdict: verdict, method: method).bytes, as: UTF8.self)
        case .text: TextAnswer.line(verdict)
        case .agent: AgentAnswer.line(verdict)
        }
    }

    /// Failures only: a healthy check writes nothing anywhere.
    private func report(_ reason: Reason, diagnostic: String?) {
        let expected: Set<Reason> = [.starting, .shuttingDown, .lagging, .notStreaming, .replayPaused, .readOnly]
        var line = "unavailable: \(reason.word)"
        if let diagnostic, !diagnostic.isEmpty { line += " (\(diagnostic))" }
        Syslog.log(expected.contains(reason) ? .notice : .warning, line)
    }
}
