extension AnswerPlan {
    /// What the plan asks the executable to do next. Reading the client is its own type (`ClientRead`): only
    /// the socket performs it, and the executable hands those reads to the socket and nothing else.
    package enum Action: Equatable, Sendable {
        case readClient(ClientRead)
        case checkMaintenanceFile(String)
        /// Connect to the local server; without reported parameters, the one query runs whatever the role.
        /// `query`: the check's columns, or those and the report's (`/status`, `/metrics`). Returned a second
        /// time when the first query raced a promotion (`FactsQuery.promotionRaceState`).
        case probe(useReportedParameters: Bool, query: FactsQuery.Variant = .check)
        /// Ask every peer at once, for at most `nanoseconds` and never past the budget's PostgreSQL end
        /// (`RunDeadlines.peersEnd`).
        case askPeers([ClusterPeer], nanoseconds: UInt64)
        case finish(Answer)
    }

    /// The two ways of reading the HAProxy client, each for at most `nanoseconds`.
    package enum ClientRead: Equatable, Sendable {
        /// The HTTP request head; answered with `Event.requestHead`.
        case requestHead(nanoseconds: UInt64)
        /// HAProxy's `agent-send` line; answered with `Event.agentLine`.
        case agentLine(nanoseconds: UInt64)

        /// The event for a read that found nobody to read from (no request, no line): the default check.
        package var nothingReceived: Event {
            switch self {
            case .requestHead: .requestHead(.noRequest)
            case .agentLine: .agentLine(nil)
            }
        }
    }
}
