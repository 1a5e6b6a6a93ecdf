extension AnswerPlan {
    /// What performing an action came to, fed back to `next(_:)`.
    package enum Event: Equatable, Sendable {
        case requestHead(RequestOutcome)
        case agentLine(Substring?)
        case maintenanceFile(MaintenanceFileState, errorText: String)
        /// `elapsedNanoseconds`: how long the probe took, for `/status` and `/metrics`. `sqlState`: the facts
        /// query's error code, as libpq gave it. `ageNanoseconds`: the facts' age when they came from another
        /// check's probe (`Sharing`), nil when this run probed. `unshared`: why a probe the plan asked to
        /// share was not (the shared file could not be used), for syslog.
        case probed(NodeFacts, diagnostic: String?, elapsedNanoseconds: UInt64? = nil, sqlState: String? = nil,
                    ageNanoseconds: UInt64? = nil, unshared: String? = nil)
        case peersAnswered([PeerAnswer])

        /// For the log line of an event the plan did not expect (no reflection in Embedded Swift).
        var name: String {
            switch self {
            case .requestHead: "request-head"
            case .agentLine: "agent-line"
            case .maintenanceFile: "maintenance-file"
            case .probed: "probed"
            case .peersAnswered: "peers-answered"
            }
        }
    }
}
