/// The decision for one check on one node: what every format renders and what the exit status reports.
package struct Verdict: Equatable, Sendable {
    package enum Outcome: Equatable, Sendable {
        case passed
        /// A healthy node of the other role: expected, not an incident.
        case wrongRole
        case unavailable
    }

    package var check: CheckKind
    package var state: NodeState
    package var outcome: Outcome

    package init(check: CheckKind, state: NodeState, outcome: Outcome) {
        self.check = check
        self.state = state
        self.outcome = outcome
    }

    /// For shell callers (keepalived `vrrp_script`, monitoring): 0 passed, 1 other role, 2 unavailable.
    package var exitStatus: ExitStatus {
        switch outcome {
        case .passed: .passed
        case .wrongRole: .wrongRole
        case .unavailable: .unavailable
        }
    }
}

package enum ExitStatus: Int32, Sendable {
    case passed = 0
    case wrongRole = 1
    case unavailable = 2
    case usage = 64
}
