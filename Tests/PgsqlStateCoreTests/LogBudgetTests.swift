import PgsqlStateCore
import Testing

@Suite struct LogBudgetTests {
    /// Runs `count` decisions at `now`, threading the record through as the file would.
    static func run(_ count: Int, kind: LogBudget.Kind, from record: LogBudget.Record?, at now: UInt64) -> (logged: [UInt32], record: LogBudget.Record?) {
        var record = record
        var logged: [UInt32] = []
        for _ in 0..<count {
            let decision = LogBudget.decide(record, kind: kind, now: now)
            if decision.log { logged.append(decision.suppressedBefore) }
            record = decision.next
        }
        return (logged, record)
    }

    @Test func aWindowLogsAtMostItsLimit() {
        let first = Self.run(100, kind: .rejectedRequest, from: nil, at: 1000)
        #expect(first.logged == Array(repeating: 0, count: 10))
        #expect(first.record == LogBudget.Record(windowStart: 1000, logged: 10, suppressed: 90))
        // Still the same window 59 s later: nothing more.
        #expect(Self.run(5, kind: .rejectedRequest, from: first.record, at: 1059).logged.isEmpty)
        // The next window's first line says how many were suppressed.
        let next = Self.run(3, kind: .rejectedRequest, from: first.record, at: 1060)
        #expect(next.logged == [90, 0, 0])
    }

    @Test func conninfoPasswordWarningOncePerHour() {
        let hour = Self.run(1000, kind: .conninfoPassword, from: nil, at: 50)
        #expect(hour.logged == [0])
        #expect(Self.run(1, kind: .conninfoPassword, from: hour.record, at: 50 + 3599).logged.isEmpty)
        #expect(Self.run(1, kind: .conninfoPassword, from: hour.record, at: 50 + 3600).logged.count == 1)
    }

    /// A client repeating a failing check it chose is bounded like a rejected request; the first line of
    /// another reason is logged at once, not queued behind the flood.
    @Test func unavailableLinesHaveABudgetPerReason() {
        let flood = Self.run(30, kind: .unavailable(.tagMismatch), from: nil, at: 1000)
        #expect(flood.logged == Array(repeating: 0, count: 10))
        #expect(Self.run(1, kind: .unavailable(.superseded), from: nil, at: 1000).logged == [0])
        #expect(Self.run(1, kind: .unavailable(.tagMismatch), from: flood.record, at: 1060).logged == [20])
    }

    /// Why a check failed is logged even where no budget can be consulted (no runtime directory, a user
    /// who may not enter it); a rejected request is not. A budget another checker is counting: not logged.
    @Test func aBudgetThatCannotBeConsulted() {
        #expect(LogBudget.resolve(.uncounted(.open(Errno(rawValue: 2))), kind: .unavailable(.superseded)) == (true, 0))
        #expect(LogBudget.resolve(.uncounted(.open(Errno(rawValue: 2))), kind: .peersIgnored) == (true, 0))
        #expect(LogBudget.resolve(.uncounted(.open(Errno(rawValue: 2))), kind: .rejectedRequest) == (false, 0))
        #expect(LogBudget.resolve(.uncounted(.open(Errno(rawValue: 2))), kind: .conninfoPassword) == (false, 0))
        #expect(LogBudget.resolve(.busy, kind: .unavailable(.superseded)) == (false, 0))
        let decision = LogBudget.decide(LogBudget.Record(windowStart: 0, logged: 0, suppressed: 4), kind: .unavailable(.timeout), now: 1)
        #expect(LogBudget.resolve(.counted(decision), kind: .unavailable(.timeout)) == (true, 4))
    }

    /// Each kind has its own record in the shared file: no two kinds share an offset.
    @Test func everyKindHasItsOwnRecord() {
        let kinds: [LogBudget.Kind] = [.rejectedRequest, .conninfoPassword, .peersIgnored, .unverifiedPeer, .unshared]
            + Reason.allCases.map { .unavailable($0) }
        #expect(Set(kinds.map(\.index)).count == kinds.count)
        #expect(kinds.map(\.index).min() == 0)
        #expect(kinds.map(\.index).max() == kinds.count - 1)
    }

    @Test func aRecordFromTheFutureStartsAFreshWindow() {
        let stale = LogBudget.Record(windowStart: 10_000, logged: 10, suppressed: 0)
        #expect(LogBudget.decide(stale, kind: .rejectedRequest, now: 5).log)
    }

    @Test func recordBytesRoundTrip() {
        let record = LogBudget.Record(windowStart: 0x0102_0304_0506_0708, logged: 7, suppressed: 0xFFFF_FFFF)
        #expect(record.bytes.count == LogBudget.Record.size)
        #expect(LogBudget.Record(bytes: record.bytes) == record)
        #expect(LogBudget.Record(bytes: [1, 2, 3]) == nil)
    }

    @Test func suppressedCountIsNamedInTheLine() {
        #expect(LogBudget.line("rejected request: 400 bad-request", suppressedBefore: 0) == "rejected request: 400 bad-request")
        #expect(LogBudget.line("x", suppressedBefore: 3) == "x (3 similar lines suppressed before)")
    }
}
