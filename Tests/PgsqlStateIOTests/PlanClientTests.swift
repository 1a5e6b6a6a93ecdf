import PgsqlStateCore
import PgsqlStateIO
import Testing

/// The edge hands the plan where the client is as a plain value; the executable maps nothing.
@Suite struct PlanClientTests {
    @Test func aSocketIsTheSocketClientAndAShellTheCommandClient() {
        #expect(Client.socket(.standardInput).planClient == .socket)
        #expect(Client.command.planClient == .command)
        #expect(AnswerPlan.usageError(UsageError("x"), client: Client.command.planClient).bytes == nil)
    }
}
