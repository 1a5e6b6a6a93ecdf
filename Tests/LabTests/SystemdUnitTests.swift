import Foundation
import Testing
import TestSupport

extension LabTests {
    /// The shipped units as systemd itself judges them.
    @Suite struct SystemdUnits {
        static let units = ["pgsql-state.socket", "pgsql-state@.service",
                            "pgsql-state-text.socket", "pgsql-state-text@.service",
                            "pgsql-state-agent.socket", "pgsql-state-agent@.service"]
        static let services = units.filter { $0.hasSuffix("@.service") }
        static let analyze = "/usr/bin/systemd-analyze"

        /// `systemd-analyze verify` in a temporary root that looks like an installed node: systemd's own units,
        /// the checker at /usr/local/bin/pgsql-state, the shipped units in /etc/systemd/system. Clean means no
        /// output at all.
        @Test func verifyIsClean() throws {
            let root = FileManager.default.temporaryDirectory.appendingPathComponent("pgsql-state-units.\(UUID().uuidString.prefix(8))")
            defer { try? FileManager.default.removeItem(at: root) }
            let files = FileManager.default
            let system = root.appendingPathComponent("etc/systemd/system")
            try files.createDirectory(at: system, withIntermediateDirectories: true)
            try files.createDirectory(at: root.appendingPathComponent("usr/local/bin"), withIntermediateDirectories: true)
            try files.createDirectory(at: root.appendingPathComponent("usr/lib/systemd"), withIntermediateDirectories: true)
            try files.copyItem(atPath: "/usr/lib/systemd/system", toPath: root.appendingPathComponent("usr/lib/systemd/system").path)
            try files.copyItem(atPath: CheckerBinary.path, toPath: root.appendingPathComponent("usr/local/bin/pgsql-state").path)
            for unit in Self.units {
                try files.copyItem(atPath: "\(ShippedLab.repository)/systemd/\(unit)", toPath: system.appendingPathComponent(unit).path)
            }
            let result = try Command.run(Self.analyze, ["verify", "--root=\(root.path)"] + Self.units.map { system.appendingPathComponent($0).path },
                                         timeout: .seconds(60))
            #expect(result.status == 0)
            #expect(result.stdout.isEmpty && result.stderr.isEmpty, "\(result.stdout)\(result.stderr)")
        }

        /// `systemd-analyze security --offline=true`: the overall exposure of each service unit is at most 2.0.
        @Test(arguments: services)
        func exposureIsLow(_ unit: String) throws {
            let result = try Command.run(Self.analyze, ["security", "--offline=true", "--no-pager", "\(ShippedLab.repository)/systemd/\(unit)"],
                                         timeout: .seconds(60))
            let output = result.stdout + result.stderr
            let match = try #require(output.firstMatch(of: #/Overall exposure level for \S+: (\d+\.\d+)/#), "\(output)")
            let score = try #require(Double(match.1))
            print("lab: systemd-analyze security --offline=true \(unit): exposure \(score)")
            #expect(score <= 2.0, "\(unit): exposure \(score)")
        }
    }
}
