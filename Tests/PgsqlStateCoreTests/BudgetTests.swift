import PgsqlStateCore
import Testing

/// Every wait of the process, from one place.
@Suite struct BudgetTests {
    @Test func everyDeadlineOfARunComesFromItsTimeout() {
        let budget = Budget(timeoutNanoseconds: 1_000_000_000)
        #expect(budget.answer == 1_000_000_000)
        #expect(budget.postgres == 950_000_000)
        #expect(budget.request == 500_000_000)
        #expect(budget.peers == 500_000_000)
        // A short timeout keeps a tenth for the answer, not 50 ms.
        #expect(Budget(timeoutNanoseconds: 200_000_000).postgres == 180_000_000)
        let deadlines = budget.deadlines(startedAt: 7_000_000_000)
        #expect(deadlines.answer == 8_000_000_000)
        #expect(deadlines.postgres == 7_950_000_000)
        // Peers asked early get their half; asked late, only what the PostgreSQL end leaves.
        #expect(deadlines.peersEnd(askedAt: 7_100_000_000, nanoseconds: budget.peers) == 7_600_000_000)
        #expect(deadlines.peersEnd(askedAt: 7_700_000_000, nanoseconds: budget.peers) == 7_950_000_000)
    }

    @Test func theWaitsOutsideARunAreBoundedToo() {
        #expect(Budget.usageAnswer == 100_000_000)
        #expect(Budget.linger == 1_000_000_000)
        #expect(Budget.configRead == 2_000_000_000)
    }
}
