import PgsqlStateCore
import Testing

@Suite struct CheckPolicyTests {
    private func verdict(_ facts: NodeFacts, _ check: Check, maintenance: Bool = false) -> Verdict {
        CheckPolicy.evaluate(facts, check: check, maintenance: maintenance)
    }

    @Test func roleCheckPassesForBothRoles() {
        #expect(verdict(SampleFacts.primary, .role) == Verdict(check: .role, state: .primary, outcome: .passed))
        #expect(verdict(SampleFacts.standby(), .role) == Verdict(check: .role, state: .standby, outcome: .passed))
    }

    @Test func primaryCheck() {
        let check = Check(kind: .primary)
        #expect(verdict(SampleFacts.primary, check).outcome == .passed)
        #expect(verdict(SampleFacts.standby(), check) == Verdict(check: .primary, state: .standby, outcome: .wrongRole))
        // A primary fenced with default_transaction_read_only is not "not in recovery, so writable".
        #expect(verdict(SampleFacts.fencedPrimary, check) == Verdict(check: .primary, state: .unavailable(.readOnly), outcome: .unavailable))
    }

    @Test func standbyCheck() {
        let check = Check(kind: .standby)
        #expect(verdict(SampleFacts.standby(), check).outcome == .passed)
        #expect(verdict(SampleFacts.primary, check) == Verdict(check: .standby, state: .primary, outcome: .wrongRole))
        #expect(verdict(SampleFacts.standby(paused: true), check).state == .unavailable(.replayPaused))
        // Without limits the WAL receiver does not matter: archive-only standbys still serve.
        #expect(verdict(SampleFacts.standby(receiver: .absent), check).outcome == .passed)
        #expect(verdict(SampleFacts.standby(receiver: .hidden), check).outcome == .passed)
    }

    @Test func lagLimit() {
        let check = Check(kind: .standby, maxLagBytes: 1024)
        #expect(verdict(SampleFacts.standby(receiver: .present(status: "streaming", lagBytes: 1024)), check).outcome == .passed)
        #expect(verdict(SampleFacts.standby(receiver: .present(status: "streaming", lagBytes: 1025)), check).state == .unavailable(.lagging))
        #expect(verdict(SampleFacts.standby(receiver: .present(status: "streaming", lagBytes: nil)), check).state == .unavailable(.notStreaming))
        #expect(verdict(SampleFacts.standby(receiver: .absent), check).state == .unavailable(.notStreaming))
        #expect(verdict(SampleFacts.standby(receiver: .hidden), check).state == .unavailable(.insufficientPrivilege))
        // The limit is the standby's: a primary passes the role check whatever the lag parameter says.
        #expect(verdict(SampleFacts.primary, Check(kind: .role, maxLagBytes: 0)).outcome == .passed)
    }

    @Test func streamingRequirement() {
        let check = Check(kind: .standby, requireStreaming: true)
        #expect(verdict(SampleFacts.standby(), check).outcome == .passed)
        #expect(verdict(SampleFacts.standby(receiver: .present(status: "waiting", lagBytes: nil)), check).state == .unavailable(.notStreaming))
        #expect(verdict(SampleFacts.standby(receiver: .absent), check).state == .unavailable(.notStreaming))
    }

    @Test func readOnlyCheckTakesEitherHealthyRole() {
        let check = Check(kind: .readOnly)
        #expect(verdict(SampleFacts.primary, check).outcome == .passed)
        #expect(verdict(SampleFacts.standby(), check).outcome == .passed)
        #expect(verdict(SampleFacts.standby(paused: true), check).outcome == .unavailable)
    }

    @Test func healthPassesWheneverPostgresAnswers() {
        let check = Check(kind: .health)
        #expect(verdict(SampleFacts.fencedPrimary, check) == Verdict(check: .health, state: .unavailable(.readOnly), outcome: .passed))
        #expect(verdict(SampleFacts.standby(paused: true), check).outcome == .passed)
        #expect(verdict(.unanswered(.starting), check).outcome == .unavailable)
    }

    @Test(arguments: Reason.allCases)
    func unansweredIsUnavailableForEveryCheck(_ reason: Reason) {
        // Liveness passes a server that refuses (tested below).
        for kind in CheckKind.allCases where kind != .liveness {
            #expect(verdict(.unanswered(reason), Check(kind: kind)) == Verdict(check: kind, state: .unavailable(reason), outcome: .unavailable))
        }
    }

    @Test func maintenanceWinsOverEverything() {
        for kind in CheckKind.allCases {
            #expect(verdict(SampleFacts.primary, Check(kind: kind), maintenance: true)
                == Verdict(check: kind, state: .unavailable(.maintenance), outcome: .unavailable))
        }
    }

    @Test func exitStatus() {
        #expect(verdict(SampleFacts.primary, Check(kind: .primary)).exitStatus.rawValue == 0)
        #expect(verdict(SampleFacts.standby(), Check(kind: .primary)).exitStatus.rawValue == 1)
        #expect(verdict(.unanswered(.timeout), Check(kind: .primary)).exitStatus.rawValue == 2)
        #expect(ExitStatus.usage.rawValue == 64)
    }
}
