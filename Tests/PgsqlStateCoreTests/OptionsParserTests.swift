import PgsqlStateCore
import Testing

@Suite struct OptionsParserTests {
    private func options(_ arguments: [String]) -> Options? {
        guard case .run(let options) = try? OptionsParser.parse(arguments) else { return nil }
        return options
    }

    private func usageError(_ arguments: [String]) -> String? {
        do {
            _ = try OptionsParser.parse(arguments)
            return nil
        } catch {
            return error.message
        }
    }

    @Test func defaults() {
        #expect(options([]) == Options())
        #expect(Options().format == .http && Options().check == .role && Options().timeoutNanoseconds == 1_000_000_000)
    }

    @Test func everyOptionInBothSpellings() {
        var expected = Options()
        expected.format = .agent
        expected.check = Check(kind: .standby, maxLagBytes: 16 << 20, requireStreaming: true)
        expected.conninfo = "host=/run/postgresql port=5433"
        expected.timeoutNanoseconds = 250_000_000
        expected.maintenanceFile = "/etc/pgsql-state/maintenance"
        #expect(options(["--format", "agent", "--check", "replica?lag=16MB&replication_state=streaming",
                         "--conninfo", "host=/run/postgresql port=5433", "--timeout", "0.25",
                         "--maintenance-file", "/etc/pgsql-state/maintenance"]) == expected)
        #expect(options(["--format=agent", "--check=replica?lag=16MB&replication_state=streaming",
                         "--conninfo=host=/run/postgresql port=5433", "--timeout=.25",
                         "--maintenance-file=/etc/pgsql-state/maintenance"]) == expected)
    }

    @Test func helpAndVersion() throws {
        #expect(try OptionsParser.parse(["--help"]) == .help)
        #expect(try OptionsParser.parse(["-h"]) == .help)
        #expect(try OptionsParser.parse(["--version"]) == .version)
        #expect(Version.text == "pgsql-state \(Version.string)\n")
    }

    @Test(arguments: [
        (["--format", "json"], "--format must be http, text or agent, not 'json'"),
        (["--format"], "--format needs a value"),
        (["--check", "slave"], "--check: unknown check in 'slave' (role, primary, standby, read-only, health, liveness, readiness, leader, standby-leader, sync, async, read-only-sync)"),
        (["--timeout", "0"], "--timeout must be a number of seconds from 0.01 to 10, not '0'"),
        (["--timeout", "10.000000001"], "--timeout must be a number of seconds from 0.01 to 10, not '10.000000001'"),
        (["--timeout", "1."], "--timeout must be a number of seconds from 0.01 to 10, not '1.'"),
        (["--timeout", "-1"], "--timeout must be a number of seconds from 0.01 to 10, not '-1'"),
        (["--timeout", "1e3"], "--timeout must be a number of seconds from 0.01 to 10, not '1e3'"),
        (["--maintenance-file="], "--maintenance-file needs a path"),
        (["production"], "unknown argument 'production' (see --help)"),
    ])
    func usageErrors(_ arguments: [String], _ message: String) {
        #expect(usageError(arguments) == message)
    }

    @Test func timeouts() {
        #expect(options(["--timeout", "0.01"])?.timeoutNanoseconds == 10_000_000)
        #expect(options(["--timeout", "10"])?.timeoutNanoseconds == 10_000_000_000)
        #expect(options(["--timeout", "60"]) == nil)
        #expect(options(["--timeout", "2.000000001"])?.timeoutNanoseconds == 2_000_000_001)
        #expect(options(["--timeout", "0.0000000001"]) == nil)
    }

    @Test func checkParametersAreValidated() {
        #expect(usageError(["--check", "primary?lga=1MB"]) != nil)
        #expect(usageError(["--check", "replica?lag=lots"]) != nil)
        // Ignored where it does not apply, as Patroni ignores it.
        #expect(options(["--check", "primary?lag=1MB"])?.check == Check(kind: .primary))
        #expect(options(["--check", "read-only?lag=0"])?.check == Check(kind: .readOnly, maxLagBytes: 0))
    }
}

/// A config file that sets a password must be private: root's, and not readable by others.
@Suite struct ConfigSourceTests {
    static let withPassword = "# peers\npeer = host=192.0.2.12 password=s3cret\n"

    private func parse(_ text: String, owner: UInt32, mode: UInt32) throws(UsageError) -> Invocation {
        try OptionsParser.parse(["--config", "/etc/p.conf"], readConfig: { _ throws(UsageError) in ConfigSource(text: text, owner: owner, mode: mode) },
                               readPeer: SamplePeer.read)
    }

    @Test(arguments: [(UInt32(0), UInt32(0o640)), (0, 0o600), (0, 0o660)])
    func aPrivateFileMayHoldAPassword(_ owner: UInt32, _ mode: UInt32) throws {
        guard case .run(let options) = try parse(Self.withPassword, owner: owner, mode: mode) else { Issue.record("no run"); return }
        #expect(options.peers.map { $0.conninfo } == ["host=192.0.2.12 password=s3cret"])
    }

    @Test func aPasswordReadableByOthersIsRefused() {
        #expect(throws: UsageError("/etc/p.conf:2: a password in a file readable by everyone (mode 0644): refused. Put it in "
            + "/etc/pgsql-state/pgpass (PGPASSFILE), or make the file chown root:pgsql-state, chmod 0640")) {
            try parse(Self.withPassword, owner: 0, mode: 0o644)
        }
        #expect(throws: UsageError.self) { try parse("conninfo = postgresql://u:s3cret@db\n", owner: 0, mode: 0o604) }
    }

    @Test func aPasswordInAFileNotOwnedByRootIsRefused() {
        #expect(throws: UsageError("/etc/p.conf:2: a password in a file owned by uid 110, not root: refused. Put it in "
            + "/etc/pgsql-state/pgpass (PGPASSFILE), or make the file chown root:pgsql-state, chmod 0640")) {
            try parse(Self.withPassword, owner: 110, mode: 0o600)
        }
    }

    /// Without a password the file holds nothing secret: any mode will do (an install that predates the
    /// 0640 one keeps working). A commented-out password is no password.
    @Test func withoutAPasswordAnyModeIsAccepted() throws {
        #expect(throws: Never.self) { try parse("peer = host=192.0.2.12 user=pgsql-state\n", owner: 1000, mode: 0o666) }
        #expect(throws: Never.self) { try parse("  # peer = host=x password=old\n", owner: 0, mode: 0o644) }
    }
}
