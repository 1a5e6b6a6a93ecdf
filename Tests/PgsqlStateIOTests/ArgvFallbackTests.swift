import CArgv
import Testing

/// What the release binary's argv hook hands the Swift runtime (Sources/CArgv/argv.c).
@Suite struct ArgvFallbackTests {
    @Test func missingArgvBecomesAnEmptyOneNotNull() throws {
        var count: Int32 = 99
        let argv = try #require(pgsql_state_argv_or_empty(nil, 3, &count))
        #expect(count == 0)
        #expect(argv[0] == nil)
    }

    @Test func nonPositiveCountBecomesAnEmptyArgv() throws {
        var strings: [UnsafeMutablePointer<CChar>?] = [strdup("pgsql-state"), nil]
        defer { free(strings[0]) }
        for argc: Int32 in [0, -1] {
            var count: Int32 = 99
            let argv = try #require(strings.withUnsafeMutableBufferPointer { pgsql_state_argv_or_empty($0.baseAddress, argc, &count) })
            #expect(count == 0)
            #expect(argv[0] == nil)
        }
    }

    @Test func keptArgvIsPassedThrough() throws {
        var strings: [UnsafeMutablePointer<CChar>?] = [strdup("pgsql-state"), strdup("--version"), nil]
        defer { strings.forEach { free($0) } }
        var count: Int32 = 0
        let first = strings.withUnsafeMutableBufferPointer { buffer in
            let argv = pgsql_state_argv_or_empty(buffer.baseAddress, 2, &count)
            return argv.map { String(cString: $0[1]!) }
        }
        #expect(count == 2)
        #expect(first == "--version")
    }
}

#if canImport(Glibc)
import Glibc
#endif
