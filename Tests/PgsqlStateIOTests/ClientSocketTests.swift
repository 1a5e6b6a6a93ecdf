import Foundation
import PgsqlStateCore
import PgsqlStateIO
import Testing

/// The socket edge over socketpair(2): what a client sends, how it ends its side, and how long it takes, against
/// what ClientSocket reads, answers and waits for.
@Suite struct ClientSocketTests {
    static let request = "OPTIONS / HTTP/1.0\r\n\r\n"
    static let answer = Array("HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".utf8)

    // MARK: drain

    @Test func drainTakesWhatHasArrivedWithoutWaiting() throws {
        let pair = try SocketPair()
        try pair.clientSends(Array(repeating: 0x61, count: 65536))
        var client = ClientSocket(fd: FileDescriptor(rawValue: pair.checker))
        let start = ContinuousClock.now
        client.drainAvailable(until: Deadline.after(nanoseconds: 5_000_000_000))
        #expect(pair.checkerPending == 0)
        #expect(ContinuousClock.now - start < .seconds(2), "drain must not wait for more input")
        let ended = client.clientClosed || client.clientReset
        #expect(!ended)
    }

    @Test func bytesAfterTheRequestAreDrainedSoTheAnswerArrivesWithoutReset() throws {
        let pair = try SocketPair()
        try pair.clientSends(Self.request + String(repeating: "x", count: 32768))
        let checker = pair.checker
        let run = CheckerThread { () -> RequestOutcome in
            var client = ClientSocket(fd: FileDescriptor(rawValue: checker))
            let head = client.readHTTPHead(until: Deadline.after(nanoseconds: 1_000_000_000))
            client.answer(Self.answer, until: Deadline.after(nanoseconds: 1_000_000_000))
            return head
        }
        let (bytes, end) = pair.clientReadsToEnd()
        #expect(bytes == Self.answer)
        #expect(end == .eof, "half-closed after the whole answer, never reset")
        guard case .head(let head) = try run.result() else { Issue.record("no head"); return }
        #expect(head.method == .options)
    }

    // MARK: half-close

    @Test func clientHalfCloseAfterRequestEndsTheLingerAtOnce() throws {
        let pair = try SocketPair()
        try pair.clientSends(Self.request)
        shutdown(pair.client, Int32(SHUT_WR))
        var client = ClientSocket(fd: FileDescriptor(rawValue: pair.checker))
        let head = client.readHTTPHead(until: Deadline.after(nanoseconds: 1_000_000_000))
        guard case .head = head else { Issue.record("expected a head, got \(head)"); return }
        let start = ContinuousClock.now
        let answered = client.answer(Self.answer, until: Deadline.after(nanoseconds: 1_000_000_000))
        #expect(answered)
        // EOF was already read: nothing to linger for.
        #expect(ContinuousClock.now - start < .nanoseconds(Int64(Budget.linger)))
        let closed = client.clientClosed
        #expect(closed)
        #expect(pair.clientReadsToEnd(within: 1) == (Self.answer, .eof))
    }

    @Test func clientHalfCloseWithoutRequestIsNoRequest() throws {
        let pair = try SocketPair()
        shutdown(pair.client, Int32(SHUT_WR))
        var client = ClientSocket(fd: FileDescriptor(rawValue: pair.checker))
        let outcome = client.readHTTPHead(until: Deadline.after(nanoseconds: 5_000_000_000))
        #expect(outcome == .noRequest)
        let closed = client.clientClosed
        #expect(closed)
    }

    @Test func clientHalfCloseInsideTheHeadIsBadRequest() throws {
        let pair = try SocketPair()
        try pair.clientSends("GET / HTTP/1.1\r\nHost: x\r\n")
        shutdown(pair.client, Int32(SHUT_WR))
        var client = ClientSocket(fd: FileDescriptor(rawValue: pair.checker))
        let outcome = client.readHTTPHead(until: Deadline.after(nanoseconds: 5_000_000_000))
        #expect(outcome == .error(.badRequest))
    }

    @Test func agentLineWithoutLineEndIsWhatCameBeforeTheHalfClose() throws {
        let pair = try SocketPair()
        try pair.clientSends("replica")
        shutdown(pair.client, Int32(SHUT_WR))
        var client = ClientSocket(fd: FileDescriptor(rawValue: pair.checker))
        let outcome = client.readLine(until: Deadline.after(nanoseconds: 5_000_000_000))
        #expect(outcome == "replica")
    }

    // MARK: linger

    @Test func answerHalfClosesThenLingersUntilTheClientCloses() throws {
        let pair = try SocketPair()
        let checker = pair.checker
        let run = CheckerThread { () -> Bool in
            var client = ClientSocket(fd: FileDescriptor(rawValue: checker))
            return client.answer(Self.answer, until: Deadline.after(nanoseconds: 1_000_000_000))
        }
        // The client sees the whole answer and EOF while the checker still lingers on its open socket.
        let (bytes, end) = pair.clientReadsToEnd()
        #expect(bytes == Self.answer)
        #expect(end == .eof)
        shutdown(pair.client, Int32(SHUT_RDWR))
        #expect(try run.result(within: 5))
    }

    @Test func lingerEndsByItsBoundWhenTheClientNeverCloses() throws {
        let pair = try SocketPair()
        let checker = pair.checker
        let run = CheckerThread { () -> Duration in
            var client = ClientSocket(fd: FileDescriptor(rawValue: checker))
            let start = ContinuousClock.now
            client.answer(Self.answer, until: Deadline.after(nanoseconds: 100_000_000))
            return ContinuousClock.now - start
        }
        let elapsed = try run.result(within: 10)
        let linger = Duration.nanoseconds(Int64(Budget.linger))
        #expect(elapsed >= linger - .milliseconds(5))
        #expect(elapsed < linger + .seconds(1))
    }

    @Test func answerToAClientThatResetIsFalse() throws {
        let pair = try SocketPair()
        // The client closes with our bytes unread: the kernel resets the connection (ECONNRESET).
        _ = send(pair.checker, "x", 1, Int32(MSG_NOSIGNAL))
        shutdown(pair.client, Int32(SHUT_RDWR))
        close(pair.client)
        var client = ClientSocket(fd: FileDescriptor(rawValue: pair.checker))
        let outcome = client.readHTTPHead(until: Deadline.after(nanoseconds: 1_000_000_000))
        #expect(outcome == .clientGone)
        let error = client.readError
        #expect(error == Errno(rawValue: ECONNRESET))
        let answered = client.answer(Self.answer, until: Deadline.after(nanoseconds: 1_000_000_000))
        #expect(!answered)
    }

    // MARK: deadline

    @Test func silentClientIsNoRequestAtTheDeadline() throws {
        let pair = try SocketPair()
        var client = ClientSocket(fd: FileDescriptor(rawValue: pair.checker))
        let start = ContinuousClock.now
        let outcome = client.readHTTPHead(until: Deadline.after(nanoseconds: 200_000_000))
        #expect(outcome == .noRequest)
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(195))
        #expect(elapsed < .seconds(2))
    }

    @Test func unfinishedHeadIsRequestTimeoutAtTheDeadline() throws {
        let pair = try SocketPair()
        try pair.clientSends("GET /replica HTTP/1.1\r\n")
        var client = ClientSocket(fd: FileDescriptor(rawValue: pair.checker))
        let outcome = client.readHTTPHead(until: Deadline.after(nanoseconds: 200_000_000))
        #expect(outcome == .error(.requestTimeout))
    }

    @Test func silentAgentClientIsNoLineAtTheDeadline() throws {
        let pair = try SocketPair()
        var client = ClientSocket(fd: FileDescriptor(rawValue: pair.checker))
        let outcome = client.readLine(until: Deadline.after(nanoseconds: 100_000_000))
        #expect(outcome == nil)
    }

    // MARK: oversize input

    @Test func headLargerThanTheLimitIsHeaderTooLarge() throws {
        let pair = try SocketPair()
        try pair.clientSends("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: HTTPRequestParser.maxHeadLength * 2))
        var client = ClientSocket(fd: FileDescriptor(rawValue: pair.checker))
        let outcome = client.readHTTPHead(until: Deadline.after(nanoseconds: 5_000_000_000))
        #expect(outcome == .error(.headerTooLarge))
        // Read no further than the bound: the rest is still queued, for the drain and the linger.
        #expect(pair.checkerPending > 0)
    }

    @Test func agentLineIsCutAtTheLineLimit() throws {
        let pair = try SocketPair()
        try pair.clientSends(String(repeating: "b", count: ClientSocket.lineLimit * 3))
        var client = ClientSocket(fd: FileDescriptor(rawValue: pair.checker))
        let read = client.readLine(until: Deadline.after(nanoseconds: 5_000_000_000))
        let line = try #require(read)
        #expect(line.count == ClientSocket.lineLimit)
    }
}
