import Foundation
import PgsqlStateCore
import Testing

/// A seeded, structure-aware fuzzer for the request path: inputs mutated from real HAProxy requests and raw
/// garbage, 10 000 by default (`make unit`) and a million with PGSQL_STATE_FUZZ_ROUNDS=1000000 (`make fuzz`). Every input must parse to a decision without trapping, the same bytes must
/// always give the same decision, and no answer may carry request bytes.
@Suite struct RequestFuzzTests {
    /// xorshift64*: deterministic across runs and platforms, so a failure replays from its seed.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state >> 12
            state ^= state << 25
            state ^= state >> 27
            return state &* 2_685_821_657_736_338_717
        }
    }

    static let seeds: [[UInt8]] = [
        "OPTIONS / HTTP/1.0\r\n\r\n",
        "GET /replica?lag=16MB&replication_state=streaming HTTP/1.1\r\nconnection: close\r\n\r\n",
        "HEAD /primary HTTP/1.1\r\nHost: db1:23267\r\nUser-Agent: HAProxy\r\n\r\n",
        "GET http://db1/read-only?lag=1GB HTTP/1.1\r\n\r\n",
        "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
        "GET /health HTTP/1.0\n\n",
    ].map { Array($0.utf8) }

    static let fragments: [[UInt8]] = ["\r\n", "\r", "\n", " ", ":", "?", "&", "=", "/", "..", "%00", "HTTP/1.1", "lag=",
                                       "replica", "\u{0}", "\u{FF}", "\r\n\r\n", "\t"].map { Array($0.utf8) }

    static func mutate(_ input: [UInt8], _ random: inout Generator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...4, using: &random) {
            let position = bytes.isEmpty ? 0 : Int.random(in: 0..<bytes.count, using: &random)
            // Oversized heads are rare on purpose: the size limit needs only a few thousand to be exercised.
            switch Int.random(in: 0..<400, using: &random) % (Int.random(in: 0..<100, using: &random) == 0 ? 6 : 5) {
            case 0 where !bytes.isEmpty: bytes[position] = UInt8.random(in: 0...255, using: &random)
            case 1 where !bytes.isEmpty: bytes.remove(at: position)
            case 2: bytes.insert(contentsOf: fragments.randomElement(using: &random)!, at: position)
            case 3: bytes = Array(bytes.prefix(position))
            case 4: bytes.insert(contentsOf: (0..<Int.random(in: 1...64, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }, at: position)
            default: bytes.insert(contentsOf: repeatElement(UInt8(ascii: "a"), count: Int.random(in: 0...9000, using: &random)), at: position)
            }
        }
        return bytes
    }

    /// Inputs at the size limit, where a parser that calls a full buffer incomplete would leave the reader
    /// discarding bytes until the deadline: runs of CR, CRLF and LF (the empty lines RFC 9112 2.2 skips),
    /// a request line or a header that fills the buffer, most of them ending in a lone CR.
    static func boundary(_ random: inout Generator) -> [UInt8] {
        let limit = HTTPRequestParser.maxHeadLength
        let length = limit + Int.random(in: -2...2, using: &random)
        var bytes: [UInt8]
        switch Int.random(in: 0..<5, using: &random) {
        case 0: bytes = []
        case 1: bytes = Array("GET /".utf8)
        case 2: bytes = Array("GET / HTTP/1.1\r\nX: ".utf8)
        case 3: bytes = seeds.randomElement(using: &random)!.dropLast(2)
        default: bytes = Array(repeating: UInt8(ascii: "\r"), count: Int.random(in: 1...limit, using: &random))
        }
        let filler: [[UInt8]] = [[UInt8(ascii: "\r"), UInt8(ascii: "\n")], [UInt8(ascii: "\n")], [UInt8(ascii: "\r")],
                                 [UInt8(ascii: "a")], [UInt8(ascii: " ")]]
        let pattern = filler.randomElement(using: &random)!
        while bytes.count < length - 1 { bytes += pattern }
        bytes = Array(bytes.prefix(length - 1))
        bytes.append(Int.random(in: 0..<4, using: &random) == 0 ? UInt8(ascii: "a") : UInt8(ascii: "\r"))
        return bytes
    }

    /// A million inputs take about a minute, 60 times the rest of the unit suites: on demand only.
    static let rounds = ProcessInfo.processInfo.environment["PGSQL_STATE_FUZZ_ROUNDS"].flatMap { Int($0) } ?? 10_000

    @Test func seededInputsDecideWithoutTrapping() {
        var random = Generator(state: 0x9E37_79B9_7F4A_7C15)
        var counts = [String: Int]()
        for round in 0..<Self.rounds {
            let input: [UInt8]
            if round % 10 == 0 {
                input = (0..<Int.random(in: 0...200, using: &random)).map { _ in UInt8.random(in: 0...255, using: &random) }
            } else if round % 100 == 5 {
                input = Self.boundary(&random)
                if input.count >= HTTPRequestParser.maxHeadLength, input.last == UInt8(ascii: "\r") {
                    counts["at limit ending in CR", default: 0] += 1
                }
            } else {
                input = Self.mutate(Self.seeds[round % Self.seeds.count], &random)
            }
            let result = HTTPRequestParser.parse(input[...])
            switch result {
            case .incomplete:
                counts["incomplete", default: 0] += 1
                if input.count >= HTTPRequestParser.maxHeadLength {
                    Issue.record("incomplete at \(input.count) bytes, round \(round)")
                    return
                }
            case .invalid(let error):
                counts["\(error)", default: 0] += 1
                let response = HTTPResponse(error: error).bytes
                if response.count > 200 { Issue.record("oversized error answer, round \(round)"); return }
            case .complete(let head):
                counts["complete", default: 0] += 1
                if !head.target.hasPrefix("/") { Issue.record("target without slash, round \(round)"); return }
                do {
                    _ = try RequestTarget.check(head, defaultCheck: .role)
                    counts["routed", default: 0] += 1
                } catch {
                    counts["route \(error)", default: 0] += 1
                }
            }
            // Decisions depend only on the bytes; re-parse a sample to show it.
            if round % 1000 == 0, HTTPRequestParser.parse(input[...]) != result {
                Issue.record("non-deterministic decision, round \(round)")
                return
            }
        }
        // The generator must reach every kind of decision, or it is not testing much.
        for outcome in ["incomplete", "badRequest", "methodNotAllowed", "versionNotSupported", "headerTooLarge", "complete", "routed",
                        "at limit ending in CR"] {
            #expect(counts[outcome, default: 0] > 0, "never produced \(outcome): \(counts)")
        }
    }
}
