extension AnswerPlan {
    /// Where a run is, with what it needs to go on and nothing else, in the manner of postgres-nio's
    /// `ConnectionStateMachine.State`: each state says which one event it waits for.
    enum State: Equatable, Sendable {
        /// `start()` not called yet.
        case initial
        /// Waits for `.requestHead`.
        case readingRequestHead
        /// Waits for `.agentLine`.
        case readingAgentLine
        /// Waits for `.maintenanceFile`.
        case checkingMaintenanceFile(Request)
        /// Waits for `.probed`.
        case probing(Request, Probing)
        /// Waits for `.peersAnswered`. `systemIdentifier`: this server's, which every peer's must match.
        case askingPeers(Request, PeerQuestion, systemIdentifier: String?)
        /// `.finish` returned: nothing more to do.
        case finished

        var name: String {
            switch self {
            case .initial: "initial"
            case .readingRequestHead: "reading-request-head"
            case .readingAgentLine: "reading-agent-line"
            case .checkingMaintenanceFile: "checking-maintenance-file"
            case .probing: "probing"
            case .askingPeers: "asking-peers"
            case .finished: "finished"
            }
        }
    }

    /// What the client asked for, once read (or the default, when nothing was read).
    struct Request: Equatable, Sendable {
        enum Target: Equatable, Sendable {
            case check(Check)
            /// A document instead of a check: `/status`, `/metrics`.
            case report(Document)
        }

        var target: Target
        /// HEAD and OPTIONS answers carry no body.
        var method: HTTPRequestHead.Method = .get

        var isReport: Bool { if case .report = target { true } else { false } }
    }

    /// What the probing so far has found.
    struct Probing: Equatable, Sendable {
        /// A report still shows the node, with the maintenance flag and reason.
        var maintenance = false
        /// The probe has been repeated after a promotion race: never twice.
        var repeated = false
        /// The probes' time so far (a repeated probe adds its own).
        var nanoseconds: UInt64?
        /// The facts' age when another check's probe gave them (`Sharing`).
        var ageNanoseconds: UInt64?
    }

    /// Why the peers are asked, and what their answers may change.
    enum PeerQuestion: Equatable, Sendable {
        /// Whether this primary still is one: the verdict they may overturn, and its timeline.
        case primary(Verdict, timeline: UInt32?)
        /// Whether a standby that looks like a standby leader is one.
        case standbyLeader(Verdict)
        /// A primary a document describes: the document waits for them.
        case report(Document, NodeReport)
    }
}
