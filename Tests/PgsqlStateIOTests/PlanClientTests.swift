import PgsqlStateCore
import PgsqlStateIO
import Testing

/// The edge hands the plan where the client is as a plain value; the executable maps nothing.
@Suite struct PlanClientTests {
    @Test func aSocketIsTheSocketClientAndAShellTheCommandClient() {
        #expect(Peer.socket(.standardInput).planClient == .socket)
        #expect(Peer.command.planClient == .command)
        #expect(AnswerPlan.usageError(UsageError("x"), client: Peer.command.planClient).bytes == nil)
    }
}
