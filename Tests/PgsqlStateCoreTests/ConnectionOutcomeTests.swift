import PgsqlStateCore
import Testing

/// What one connection came to, read the same way for the local probe and the peers, except where a peer's
/// missing password is this node's fault.
@Suite struct ConnectionOutcomeTests {
    @Test func failuresReadThroughTheOneTable() {
        let refused = ConnectionOutcome.refused(message: "connection to server on socket failed: No such file or directory", needsPassword: false)
        #expect(refused.failure(peer: false)?.reason == .unreachable)
        let starting = ConnectionOutcome.refused(message: "FATAL:  57P03: the database system is starting up", needsPassword: false)
        #expect(starting.failure(peer: false)?.reason == .starting)
        #expect(starting.failure(peer: true)?.reason == .starting)
        let noPassword = ConnectionOutcome.refused(message: "fe_sendauth: no password supplied", needsPassword: true)
        #expect(noPassword.failure(peer: false)?.reason == .authFailed)
        #expect(noPassword.failure(peer: true)?.reason == .noPassword)
        #expect(ConnectionOutcome.lost(message: "server closed the connection unexpectedly").failure(peer: false)?.reason == .unreachable)
        #expect(ConnectionOutcome.timedOut(connecting: true).failure(peer: false)! == (.timeout, "connection timed out"))
        #expect(ConnectionOutcome.timedOut(connecting: false).failure(peer: true)! == (.timeout, "query timed out"))
        #expect(ConnectionOutcome.notStarted("libpq.so.5: cannot open shared object file").failure(peer: false)?.reason == .error)
        #expect(ConnectionOutcome.connected.failure(peer: false) == nil)
        #expect(ConnectionOutcome.answered(.none).failure(peer: false) == nil)
    }

    @Test func theLocalProbesRecordAndAPeersAnswer() {
        let result = QueryResult.rows(count: 1, first: ["f", "f"])
        #expect(ConnectionOutcome.answered(result).record(.check) == .queried(result, .check))
        #expect(ConnectionOutcome.timedOut(connecting: true).record(.report) == .failed(.timeout, diagnostic: "connection timed out"))
        #expect(ConnectionOutcome.connected.record(.check) == .failed(.error, diagnostic: "connected, and no query was sent"))
        #expect(ConnectionOutcome.refused(message: "x", needsPassword: true).peerOutcome == .unanswered(.noPassword))
        #expect(ConnectionOutcome.answered(.error(sqlState: "53300", message: "too many")).peerOutcome == .unanswered(.tooManyConnections))
        #expect(ConnectionOutcome.answered(.rows(count: 1, first: ["t", "t", nil, "3", "7300000000000000001"])).peerOutcome
            == .answered(PeerFacts(inRecovery: true, readOnly: true, timeline: 3, systemIdentifier: "7300000000000000001")))
    }
}
