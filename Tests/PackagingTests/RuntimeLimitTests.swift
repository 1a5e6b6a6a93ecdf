import Foundation
import PgsqlStateCore
import PgsqlStateIO
import Testing

/// systemd stops a check unit after RuntimeMaxSec: the slowest check the options allow must end well before.
@Suite struct RuntimeLimitTests {
    /// Host name resolution runs before the deadline (README: Options) and the process needs to start and
    /// exit: a margin on top of the deadline and the linger.
    static let marginNanoseconds: UInt64 = 2_000_000_000

    @Test func runtimeMaxSecCoversTheLongestCheck() throws {
        let services = try SourceTree.shipped("systemd").filter { $0.hasSuffix(".service") }
        try #require(services.count == 3)
        let longest = Options.maximumTimeoutNanoseconds + Budget.linger + Self.marginNanoseconds
        for service in services {
            let text = try SourceTree.read("systemd/" + service)
            let values = DebianPackageTests.values(of: "RuntimeMaxSec", in: text)
            try #require(values.count == 1, "\(service): RuntimeMaxSec \(values)")
            let seconds = try #require(UInt64(values[0]), "\(service): RuntimeMaxSec=\(values[0]) is not whole seconds")
            #expect(longest < seconds * 1_000_000_000, "\(service): --timeout up to \(Options.maximumTimeoutNanoseconds / 1_000_000_000) s + linger + margin vs RuntimeMaxSec=\(seconds)")
        }
        // --help, man page and README name the same maximum and the same RuntimeMaxSec.
        let maximum = "0.01 to \(Options.maximumTimeoutNanoseconds / 1_000_000_000)"
        let runtimeMax = "RuntimeMaxSec=" + DebianPackageTests.values(of: "RuntimeMaxSec", in: try SourceTree.read("systemd/pgsql-state@.service"))[0]
        for (name, text) in [("--help", HelpText.text), ("README", try SourceTree.read("README.md")),
                             ("man page", try SourceTree.read("man/pgsql-state.8").replacingOccurrences(of: ".BR ", with: ""))] {
            #expect(text.contains(maximum), "\(name) does not say \(maximum)")
            #expect(text.contains(runtimeMax), "\(name) does not say \(runtimeMax)")
        }
    }
}
