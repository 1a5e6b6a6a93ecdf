import PgsqlStateCore

extension Client {
    /// The client as the plan knows it: a value, like every other fact an edge hands the core.
    package var planClient: AnswerPlan.Client {
        switch self {
        case .socket: .socket
        case .command: .command
        }
    }
}
