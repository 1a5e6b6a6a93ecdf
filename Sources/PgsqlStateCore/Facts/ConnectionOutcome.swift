/// What one libpq connection came to, as the query engine hands it over, unread: the local probe and every
/// peer alike. What it means (`failure`, `FactsQuery.read`, `PeerQuery.outcome`) is decided here, in the core.
package enum ConnectionOutcome: Equatable, Sendable {
    /// libpq could not be loaded, or could not allocate a connection: libpq's or the loader's words.
    case notStarted(String)
    /// The connection failed (`PQconnectPoll` or the start said so): libpq's message, and whether it needed a
    /// password it did not have (`PQconnectionNeedsPassword`).
    case refused(message: String, needsPassword: Bool)
    /// Sending, flushing or reading failed after the connection was made.
    case lost(message: String)
    /// The deadline passed while connecting, or while the query ran.
    case timedOut(connecting: Bool)
    /// Connected, and no query was asked (yet): the reported parameters may do (`ReportedParameters`).
    case connected
    /// The query's first result.
    case answered(QueryResult)

    /// Why the server could not be asked, and the words for syslog; nil for `connected` and `answered`. A
    /// peer that needed a password this node does not have is this node's fault (`FailureReason.peerConnection`).
    package func failure(peer: Bool) -> (reason: Reason, diagnostic: String)? {
        switch self {
        case .notStarted(let words):
            return (.error, words)
        case .refused(let message, let needsPassword):
            return (peer ? FailureReason.peerConnection(message: message, needsPassword: needsPassword)
                         : FailureReason.connection(message: message, needsPassword: needsPassword), message)
        case .lost(let message):
            return (FailureReason.connection(message: message, needsPassword: false), message)
        case .timedOut(let connecting):
            return (.timeout, connecting ? "connection timed out" : "query timed out")
        case .connected, .answered:
            return nil
        }
    }

    /// The local probe's record: the facts query's result, or the failure.
    package func record(_ variant: FactsQuery.Variant) -> ProbeRecord {
        if case .answered(let result) = self { return .queried(result, variant) }
        let (reason, diagnostic) = failure(peer: false) ?? (.error, "connected, and no query was sent")
        return .failed(reason, diagnostic: diagnostic)
    }

    /// A peer's answer: its facts, or why there are none.
    package var peerOutcome: PeerAnswer.Outcome {
        if case .answered(let result) = self { return PeerQuery.outcome(result) }
        return .unanswered(failure(peer: true)?.reason ?? .error)
    }
}
