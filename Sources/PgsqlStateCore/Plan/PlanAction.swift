extension AnswerPlan {
    /// What the plan asks the executable to do next. Reading the client is its own type (`ClientRead`): only
    /// the socket performs it, and the executable hands those reads to the socket and nothing else.
    package enum Action: Equatable, Sendable {
        case readClient(ClientRead)
        case checkMaintenanceFile(String)
        /// Connect to the local server; without reported parameters, the one query runs whatever the role.
        /// `query`: the check's columns, or those and the report's (`/status`, `/metrics`). Returned a second
        /// time when the first query raced a promotion (`FactsQuery.promotionRaceState`), then never shared.
        /// `sharing`: answer from another check's probe if it is fresh enough, else probe and share
        /// (`--share-facts`); nil: probe.
        case probe(useReportedParameters: Bool, query: FactsQuery.Variant = .check, sharing: Sharing? = nil)
        /// Ask every peer at once, for at most `nanoseconds` and never past the budget's PostgreSQL end
        /// (`RunDeadlines.peersEnd`); `sharing` as for `probe`.
        case askPeers([ClusterPeer], nanoseconds: UInt64, sharing: Sharing? = nil)
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
