import Foundation
import PgsqlStateCore
import PgsqlStateIO
import Testing

/// The invariant of the socket edge, on a real socket: whatever a client sends, and however it paces it, the
/// connection ends by the answer deadline plus the linger bound. The client here never stops sending.
@Suite struct ReadLoopBoundTests {
    /// What the client sends first, then repeats until the connection ends.
    struct Stream: Sendable, CustomStringConvertible {
        var name: String
        var head: [UInt8]
        var repeated: [UInt8]
        /// Bytes per send and the pause between sends (zero: as fast as the socket takes them).
        var chunk: Int
        var pause: Duration
        var description: String { name }
    }

    static let limit = HTTPRequestParser.maxHeadLength
    static let fullHeadEndingInCR = Array(("GET / HTTP/1.1\r\nX: " + String(repeating: "a", count: limit - 20) + "\r").utf8)
    static let emptyLinesEndingInCR = Array(("\n" + String(repeating: "\r\n", count: limit / 2 - 1) + "\r").utf8)

    static let streams: [Stream] = [
        Stream(name: "empty lines ending in CR, then a flood", head: emptyLinesEndingInCR,
               repeated: Array(repeating: 0x0A, count: 65536), chunk: 65536, pause: .zero),
        Stream(name: "full head ending in CR, then a flood", head: fullHeadEndingInCR, repeated: Array(repeating: 0x61, count: 65536),
               chunk: 65536, pause: .zero),
        Stream(name: "empty lines ending in CR, then CRLF every millisecond", head: emptyLinesEndingInCR,
               repeated: Array("\r\n".utf8), chunk: 1024, pause: .milliseconds(1)),
        Stream(name: "an unfinished header, one byte every 10 ms", head: Array("GET / HTTP/1.1\r\nX: ".utf8),
               repeated: [0x61], chunk: 1, pause: .milliseconds(10)),
        Stream(name: "a run of CR, 100 bytes every 2 ms", head: [], repeated: Array(repeating: 0x0D, count: 100),
               chunk: 100, pause: .milliseconds(2)),
        Stream(name: "a complete request, then a flood", head: Array("GET / HTTP/1.1\r\n\r\n".utf8),
               repeated: Array(repeating: 0x7A, count: 65536), chunk: 65536, pause: .zero),
    ]

    /// A result shared with the thread that plays the checker's side.
    final class Outcome: @unchecked Sendable {
        let lock = NSLock()
        var head: RequestOutcome?
        var headElapsed: Duration?
        var elapsed: Duration?
    }

    @Test(arguments: streams)
    func streamingClientEndsWithinDeadlinePlusLinger(_ stream: Stream) throws {
        var pair: [Int32] = [0, 0]
        try #require(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0, &pair) == 0)
        let (checkerEnd, clientEnd) = (pair[0], pair[1])
        defer { close(clientEnd) }
        if stream.pause == .zero {
            // A flood keeps the checker's receive queue full: a deep queue, blocking sends woken every 50 ms
            // to look at the clock. (A queue that ran empty once let the old loop end by luck.)
            var depth: Int32 = 16 << 20
            setsockopt(clientEnd, SOL_SOCKET, SO_SNDBUFFORCE, &depth, socklen_t(MemoryLayout<Int32>.size))
            var wake = timeval(tv_sec: 0, tv_usec: 50_000)
            setsockopt(clientEnd, SOL_SOCKET, SO_SNDTIMEO, &wake, socklen_t(MemoryLayout<timeval>.size))
        } else {
            _ = fcntl(clientEnd, F_SETFL, fcntl(clientEnd, F_GETFL) | O_NONBLOCK)
        }

        // The checker's side, as the HTTP format runs it: the head within a request deadline, the answer by
        // the answer deadline, then the linger.
        let requestBudget: UInt64 = 300_000_000, answerBudget: UInt64 = 600_000_000
        let outcome = Outcome()
        let finished = DispatchSemaphore(value: 0)
        let checker = Thread {
            let start = ContinuousClock.now
            var client = ClientSocket(fd: FileDescriptor(rawValue: checkerEnd))
            let answerDeadline = Deadline.after(nanoseconds: answerBudget)
            let head = client.readHTTPHead(until: Deadline.after(nanoseconds: requestBudget))
            let headElapsed = ContinuousClock.now - start
            client.answer(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8), until: answerDeadline)
            close(checkerEnd)
            outcome.lock.withLock {
                outcome.head = head
                outcome.headElapsed = headElapsed
                outcome.elapsed = ContinuousClock.now - start
            }
            finished.signal()
        }
        checker.start()

        // The client: the head, then the repeated bytes at the stream's pace until the other end is gone.
        let hardStop = ContinuousClock.now + .seconds(10)
        var pending = stream.head[...]
        var ended = false
        while !ended, ContinuousClock.now < hardStop {
            if pending.isEmpty { pending = stream.repeated[...] }
            let size = min(pending.count, stream.chunk)
            let sent = pending.prefix(size).withUnsafeBytes { send(clientEnd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent > 0 {
                pending = pending.dropFirst(sent)
            } else if sent < 0, errno != EAGAIN, errno != EWOULDBLOCK, errno != EINTR {
                ended = true  // EPIPE or ECONNRESET: the checker's end is closed
            }
            var sink = [UInt8](repeating: 0, count: 4096)
            while recv(clientEnd, &sink, sink.count, Int32(MSG_DONTWAIT)) > 0 {}
            if stream.pause > .zero { Thread.sleep(forTimeInterval: Double(stream.pause.components.attoseconds) / 1e18) }
            if finished.wait(timeout: .now()) == .success { ended = true; finished.signal() }
        }
        try #require(finished.wait(timeout: .now() + 10) == .success, "checker side still running after 10 s: \(stream)")

        let (head, headElapsed, elapsed) = outcome.lock.withLock { (outcome.head, outcome.headElapsed, outcome.elapsed) }
        let bound = Duration.nanoseconds(Int64(answerBudget + Budget.linger)) + .milliseconds(150)
        #expect(try #require(elapsed) < bound, "\(stream): \(elapsed!)")
        // And the head read itself ended by its own deadline (plus scheduling slack), whatever came.
        #expect(try #require(headElapsed) < .nanoseconds(Int64(requestBudget)) + .milliseconds(100), "\(stream): \(headElapsed!)")
        #expect(head != nil)
        if case .head = head {
            #expect(stream.name.hasPrefix("a complete request"))
        }
    }
}
