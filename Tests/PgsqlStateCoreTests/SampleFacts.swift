import PgsqlStateCore

/// Facts as the probe would report them for a node in each state.
enum SampleFacts {
    static let primary = NodeFacts.answered(ServerFacts(inRecovery: false, readOnly: false))
    static let fencedPrimary = NodeFacts.answered(ServerFacts(inRecovery: false, readOnly: true))
    static func standby(paused: Bool = false, receiver: WalReceiver = .present(status: "streaming", lagBytes: 0)) -> NodeFacts {
        .answered(ServerFacts(inRecovery: true, readOnly: true, recovery: RecoveryFacts(replayPaused: paused, receiver: receiver)))
    }
}
