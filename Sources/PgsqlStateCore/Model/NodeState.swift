/// The node as a check sees it, once the check's limits are applied.
package enum NodeState: Equatable, Sendable {
    case primary
    case standby
    case unavailable(Reason)

    /// The word used in HTTP bodies: the role, or the reason it cannot serve.
    package var word: String {
        switch self {
        case .primary: "primary"
        case .standby: "standby"
        case .unavailable(let reason): reason.word
        }
    }
}
