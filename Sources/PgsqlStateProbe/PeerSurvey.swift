import PgsqlStateCore
import PgsqlStateIO

/// Asks every peer at once for its role and timeline (`PeerQuery`): one connection each in one
/// `QuerySession`, so a peer that is down, hung or unreachable costs at most the deadline and then counts as
/// unanswered.
package enum PeerSurvey {
    package static func run(_ peers: [ClusterPeer], until deadline: Deadline) -> [PeerAnswer] {
        // Each line with what PeerSecurity adds to it (verified TLS or channel binding), read at start-up.
        var session = QuerySession(peers.map { (ConninfoParser.parameters($0), PeerQuery.sql) })
        session.run(until: deadline)
        return peers.indices.map { index in
            PeerAnswer(name: peers[index].name, outcome: session.outcome(index).peerOutcome, trust: peers[index].security.trust)
        }
    }
}
