import PgsqlStateCore
import PgsqlStateIO
import PgsqlStateProbe

/// Performs the core's AnswerPlan: each action it returns is done here (the socket, the maintenance file,
/// libpq) and what happened goes back to it. Nothing is decided here: every deadline comes from the plan's
/// `Budget`, read against the clock once at the start.
enum Checker {
    /// Runs the plan to its answer. `readClient` performs the reads of the client.
    static func run(_ plan: inout AnswerPlan, by deadlines: RunDeadlines,
                    readClient: (AnswerPlan.ClientRead) -> AnswerPlan.Event) -> Answer {
        let postgresEnd = Deadline(nanoseconds: deadlines.postgres)
        var action = plan.start()
        while true {
            switch action {
            case .readClient(let read):
                action = plan.next(readClient(read))
            case .checkMaintenanceFile(let path):
                let state = MaintenanceFile.check(path)
                var errorText = ""
                if case .uncheckable(let error) = state { errorText = error.description }
                action = plan.next(.maintenanceFile(state, errorText: errorText))
            case .probe(let useReportedParameters, let query, let sharing):
                let started = Deadline.monotonicNanoseconds()
                let conninfo = plan.options.conninfo
                let probe = {
                    Probe.run(conninfo: conninfo, until: postgresEnd,
                              useReportedParameters: useReportedParameters, query: query).record
                }
                var record: ProbeRecord
                var age: UInt64?
                var unshared: String?
                if let sharing {
                    switch SharedFile.share(sharing, runStart: deadlines.start, until: postgresEnd,
                                            decode: ProbeRecord.init(fields:), encode: { $0.fields }, take: probe) {
                    case .value(let value, let ageNanoseconds): (record, age) = (value, ageNanoseconds)
                    case .unshared(let value, let why): (record, unshared) = (value, why)
                    case .timedOut: record = ProbeRecord.sharedProbeTimedOut
                    }
                } else {
                    record = probe()
                }
                let reading = record.reading
                action = plan.next(.probed(reading.facts, diagnostic: reading.diagnostic,
                                           elapsedNanoseconds: Deadline.monotonicNanoseconds() - started,
                                           sqlState: reading.sqlState, ageNanoseconds: age, unshared: unshared))
            case .askPeers(let peers, let nanoseconds, let sharing):
                let end = Deadline(nanoseconds: deadlines.peersEnd(askedAt: Deadline.monotonicNanoseconds(), nanoseconds: nanoseconds))
                let survey = { PeerSurvey.run(peers, until: end) }
                var reports: [PeerAnswer]
                if let sharing {
                    switch SharedFile.share(sharing, runStart: deadlines.start, until: end,
                                            decode: PeerAnswer.answers(fields:), encode: PeerAnswer.fields, take: survey) {
                    case .value(let value, _), .unshared(let value, _): reports = value
                    case .timedOut: reports = PeerAnswer.unanswered(peers, .timeout)
                    }
                } else {
                    reports = survey()
                }
                action = plan.next(.peersAnswered(reports))
            case .finish(let answer):
                return answer
            }
        }
    }

    /// The whole run on the HAProxy connection: the answer written once by the deadline, then the log.
    static func serve(_ options: Options, fd: FileDescriptor) -> ExitStatus {
        var plan = AnswerPlan(options: options, client: .socket)
        let deadlines = plan.budget.deadlines(startedAt: Deadline.monotonicNanoseconds())
        var client = ClientSocket(fd: fd)
        let answer = run(&plan, by: deadlines) { read in
            switch read {
            case .requestHead(let nanoseconds):
                .requestHead(client.readHTTPHead(until: Deadline.after(nanoseconds: nanoseconds)))
            case .agentLine(let nanoseconds):
                .agentLine(client.readLine(until: Deadline.after(nanoseconds: nanoseconds)))
            }
        }
        if let bytes = answer.bytes { client.answer(bytes, until: Deadline(nanoseconds: deadlines.answer)) }
        log(answer)
        return answer.exitStatus
    }

    /// Started from a shell or keepalived's vrrp_script: no request, the answer on stdout, then the same
    /// log lines as on a socket (the plan decides them; keepalived's path is where an operator most needs
    /// to know why a VIP moved).
    static func command(_ options: Options) -> ExitStatus {
        var plan = AnswerPlan(options: options, client: .command)
        let answer = run(&plan, by: plan.budget.deadlines(startedAt: Deadline.monotonicNanoseconds())) { $0.nothingReceived }
        write(answer)
        log(answer)
        return answer.exitStatus
    }

    /// An answer that needs no plan (usage error, --help, --version), to whichever client there is.
    static func deliver(_ answer: Answer, to client: Client) -> ExitStatus {
        if case .socket(let fd) = client, let bytes = answer.bytes {
            var socket = ClientSocket(fd: fd)
            socket.answer(bytes, until: Deadline.after(nanoseconds: Budget.usageAnswer))
        } else {
            write(answer)
        }
        log(answer)
        if let text = answer.standardError, !Client.isConnectedTCP(.standardError) { CommandOutput.write(Array(text.utf8), to: .standardError) }
        return answer.exitStatus
    }

    private static func write(_ answer: Answer) {
        if let bytes = answer.bytes { CommandOutput.write(bytes, to: .standardOutput) }
    }

    private static func log(_ answer: Answer) {
        for line in answer.logLines { Syslog.log(line) }
    }
}
