/// One peer's answer, or why there is none. `name` is `host:port` only, never the connection string
/// (which may hold a password): it is what syslog shows.
package struct PeerAnswer: Equatable, Sendable {
    package enum Outcome: Equatable, Sendable {
        case answered(PeerFacts)
        /// Down, refused, timed out, or an answer that could not be read: proves nothing.
        case unanswered(Reason)
    }

    package var name: String
    package var outcome: Outcome
    /// How the peer was connected to (`PeerSecurity`); nil when it was not (an unparsable line).
    package var trust: PeerSecurity.Trust?

    package init(name: String, outcome: Outcome, trust: PeerSecurity.Trust? = nil) {
        self.name = name
        self.outcome = outcome
        self.trust = trust
    }
}

extension PeerAnswer {
    /// Every peer unanswered for `reason`: what a survey that never ran proves (nothing).
    package static func unanswered(_ peers: [ClusterPeer], _ reason: Reason) -> [PeerAnswer] {
        var reports: [PeerAnswer] = []
        for peer in peers { reports.append(PeerAnswer(name: peer.name, outcome: .unanswered(reason), trust: peer.security.trust)) }
        return reports
    }
}
