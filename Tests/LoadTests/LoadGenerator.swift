import Foundation
import Synchronization
import TestSupport

/// Concurrent HTTP checks against one port, the way a fleet of HAProxies asks: `clients` threads, each doing
/// `checksPerClient` checks one after the other (connect, send the request, read until the server closes).
/// Slow clients wait a while after sending before they read anything: the answer (and the server's FIN) sit
/// in their receive buffer meanwhile, which is when a server that closes with unread input loses the answer
/// to an RST.
struct LoadGenerator: Sendable {
    var port: UInt16
    var clients = 8
    var checksPerClient = 1250
    /// Clients with an index >= this are slow readers.
    var firstSlowClient = 4
    /// A slow reader's delay before reading, uniform in this range (whole milliseconds).
    var slowDelayMilliseconds: ClosedRange<Int> = 50...150
    /// Bounds one check (connect to EOF, delay included).
    var checkTimeout: Duration = .seconds(10)
    /// Bounds the whole run: clients stop starting checks after it (the checks left count as not done).
    /// Every check is a primary check that asks its peer over verified TLS and SCRAM (as the shipped peer
    /// lines do): about 31 checks/s on 2 shared cores while the other suites run, so 10 000 take ~320 s.
    var runTimeout: Duration = .seconds(600)
    /// What every check must get: (status, body).
    var expected: (status: Int, body: String)

    /// The requests, taken in turn: HAProxy's bare `option httpchk`, and a plain GET.
    static let requests = ["OPTIONS / HTTP/1.0\r\n\r\n", "GET / HTTP/1.0\r\n\r\n"]

    enum Outcome: Sendable, Equatable, Hashable, CustomStringConvertible {
        /// A complete answer with the expected status and body, then EOF.
        case ok
        /// connect(2) failed: xinetd or the kernel refused the connection.
        case refused
        /// RST (ECONNRESET) while reading or sending.
        case reset
        /// EOF before a complete answer (including an empty one).
        case truncated
        /// A complete answer, but not the expected one (or malformed).
        case wrongAnswer
        /// The check did not end within `checkTimeout`.
        case timeout
        case error

        var description: String {
            switch self {
            case .ok: "ok"
            case .refused: "refused"
            case .reset: "reset"
            case .truncated: "truncated"
            case .wrongAnswer: "wrong-answer"
            case .timeout: "timeout"
            case .error: "error"
            }
        }
    }

    struct Check: Sendable {
        let client: Int
        let outcome: Outcome
        /// Connect to the end of the exchange.
        let elapsed: Duration
        /// The slow reader's deliberate delay (zero for fast clients).
        let delay: Duration
        /// From the start of the run to the end of this check.
        let endedAt: Duration
        /// For anything but `.ok`: what was seen.
        let detail: String?
    }

    struct Report: Sendable {
        let checks: [Check]
        /// Checks that were never started (the run deadline passed).
        let notStarted: Int
        let wall: Duration
        /// When the last fast client finished (from the start).
        let fastWall: Duration
        /// When the first client finished: until then all of them were running.
        let allRunning: Duration

        func count(_ outcome: Outcome) -> Int { checks.filter { $0.outcome == outcome }.count }

        /// Checks per second over the part of the run where every client was running.
        var rateWhileAllRunning: Double {
            Double(checks.filter { $0.endedAt <= allRunning }.count) / allRunning.inSeconds
        }

        var failures: [Check] { checks.filter { $0.outcome != .ok } }
    }

    func run() -> Report {
        let clock = ContinuousClock()
        let start = clock.now
        let runDeadline = start + runTimeout
        let collected = Collected(clients: clients)
        let group = DispatchGroup()
        for client in 0..<clients {
            group.enter()
            let generator = self
            let thread = Thread {
                let (checks, notStarted) = generator.runClient(client, started: start, until: runDeadline)
                collected.store(client: client, checks: checks, notStarted: notStarted, finishedAt: clock.now - start)
                group.leave()
            }
            thread.name = "load-client-\(client)"
            thread.start()
        }
        // Every check is bounded, and clients start none after the run deadline.
        let waited = group.wait(timeout: .now() + (runTimeout + checkTimeout + .seconds(30)).dispatchInterval)
        let wall = clock.now - start
        return collected.report(wall: wall, firstSlowClient: firstSlowClient, allFinished: waited == .success,
                                checksPerClient: checksPerClient)
    }

    private func runClient(_ client: Int, started start: ContinuousClock.Instant,
                           until runDeadline: ContinuousClock.Instant) -> ([Check], Int) {
        var random = SplitMix64(seed: UInt64(client) &+ 0x5eed)
        let slow = client >= firstSlowClient
        var checks: [Check] = []
        checks.reserveCapacity(checksPerClient)
        for index in 0..<checksPerClient {
            if ContinuousClock.now >= runDeadline { return (checks, checksPerClient - index) }
            let delay: Duration = slow ? .milliseconds(random.next(in: slowDelayMilliseconds)) : .zero
            let request = Self.requests[(index + client) % Self.requests.count]
            let result = RawClient.exchange(port: port, request: request, delayBeforeRead: delay, timeout: checkTimeout)
            // OPTIONS answers with the status and no content (RFC 9110 9.3.7).
            let (outcome, detail) = judge(result, body: request.hasPrefix("OPTIONS") ? "" : expected.body)
            checks.append(Check(client: client, outcome: outcome, elapsed: result.elapsed, delay: delay,
                                endedAt: ContinuousClock.now - start,
                                detail: detail.map { "\(request.prefix(7).trimmingCharacters(in: .whitespaces)) " + $0 }))
        }
        return (checks, 0)
    }

    private func judge(_ result: ExchangeResult, body: String) -> (Outcome, String?) {
        switch result.endedWith {
        case .connectFailed: return (.refused, result.description)
        case .timeout: return (.timeout, result.description)
        case .reset: return (.reset, result.description)
        case .error: return (.error, result.description)
        case .eof: break
        }
        if result.sendError != nil { return (.error, result.description) }
        switch HTTPAnswer.parse(result.bytes) {
        case .failure(.empty), .failure(.truncated): return (.truncated, result.description)
        case .failure(.malformed): return (.wrongAnswer, result.description)
        case let .success(answer):
            guard answer.status == expected.status, answer.body == body else {
                return (.wrongAnswer, result.description)
            }
            return (.ok, nil)
        }
    }
}

/// What the client threads hand back.
private final class Collected: Sendable {
    private struct State {
        var checks: [[LoadGenerator.Check]]
        var notStarted: [Int]
        var finishedAt: [Duration?]
    }

    private let state: Mutex<State>

    init(clients: Int) {
        state = Mutex(State(checks: Array(repeating: [], count: clients), notStarted: Array(repeating: 0, count: clients),
                            finishedAt: Array(repeating: nil, count: clients)))
    }

    func store(client: Int, checks: [LoadGenerator.Check], notStarted: Int, finishedAt: Duration) {
        state.withLock {
            $0.checks[client] = checks
            $0.notStarted[client] = notStarted
            $0.finishedAt[client] = finishedAt
        }
    }

    func report(wall: Duration, firstSlowClient: Int, allFinished: Bool, checksPerClient: Int) -> LoadGenerator.Report {
        state.withLock { state in
            var notStarted = state.notStarted.reduce(0, +)
            if !allFinished {
                // A client still running past every bound: its checks count as not done.
                notStarted += state.finishedAt.filter { $0 == nil }.count * checksPerClient
            }
            let fast = state.finishedAt.prefix(firstSlowClient).compactMap { $0 }.max() ?? wall
            let first = state.finishedAt.compactMap { $0 }.min() ?? wall
            return LoadGenerator.Report(checks: state.checks.flatMap { $0 }, notStarted: notStarted, wall: wall,
                                        fastWall: fast, allRunning: first)
        }
    }
}

/// A small deterministic generator: the same delays on every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func next(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + Int(next() % UInt64(range.count))
    }
}


/// The `p`-th percentile (0...100) of `values`, nearest rank.
func percentile(_ values: [Double], _ p: Double) -> Double {
    guard !values.isEmpty else { return .nan }
    let sorted = values.sorted()
    let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
    return sorted[min(max(rank, 1), sorted.count) - 1]
}
