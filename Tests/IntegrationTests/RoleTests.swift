import Foundation
import PgsqlStateCore
import PgsqlStateIO
import PgsqlStateProbe
import Testing
import TestSupport

/// Every check against a healthy primary and streaming standby, on every PostgreSQL version under test.
@Suite struct RoleTests {
    @Test(arguments: PostgresVersions.binDirs)
    func textWordsAndExitStatuses(_ binDir: String) throws {
        let lab = try SharedLabs.shared.lab(binDir)
        let expectations: [(Node, String, String, Int32)] = [
            (.first, "role", "production", 0), (.second, "role", "standby", 0),
            (.first, "primary", "production", 0), (.second, "primary", "standby", 1),
            (.first, "master", "production", 0), (.second, "read-write", "standby", 1),
            (.first, "standby", "production", 1), (.second, "replica", "standby", 0),
            (.first, "read-only", "production", 0), (.second, "read-only", "standby", 0),
            (.first, "health", "production", 0), (.second, "health", "standby", 0),
            (.second, "replica?lag=16MB&replication_state=streaming", "standby", 0),
        ]
        for (node, check, word, status) in expectations {
            let answer = try Checker.text(lab, node, check: check)
            #expect(answer.word == word, "\(node) \(check)")
            #expect(answer.status == status, "\(node) \(check)")
        }
    }

    @Test(arguments: PostgresVersions.binDirs)
    func httpAnswers(_ binDir: String) throws {
        let lab = try SharedLabs.shared.lab(binDir)
        let primary = try Checker.run(["--conninfo", lab.conninfo(.first)])
        #expect(primary.output == "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 8\r\nConnection: close\r\n\r\nprimary\n")
        let standby = try Checker.run(["--conninfo", lab.conninfo(.second)])
        #expect(standby.output.hasPrefix("HTTP/1.1 206 Partial Content\r\n"))
        #expect(standby.output.hasSuffix("\r\n\r\nstandby\n"))
        let wrongRole = try Checker.run(["--check", "primary", "--conninfo", lab.conninfo(.second)])
        #expect(wrongRole.output.hasPrefix("HTTP/1.1 503 Service Unavailable\r\n"))
        #expect(wrongRole.status == 1)
    }

    @Test(arguments: PostgresVersions.binDirs)
    func agentAnswers(_ binDir: String) throws {
        let lab = try SharedLabs.shared.lab(binDir)
        let ready = try Checker.run(["--format", "agent", "--check", "primary", "--conninfo", lab.conninfo(.first)])
        #expect(ready.output == "up ready\n")
        let maint = try Checker.run(["--format", "agent", "--check", "primary", "--conninfo", lab.conninfo(.second)])
        #expect(maint.output == "maint\n")
    }

    /// Facts from the connection's reported parameters and from the fallback query (servers before 14)
    /// must agree.
    @Test(arguments: PostgresVersions.binDirs)
    func fallbackQueryAgreesWithReportedParameters(_ binDir: String) throws {
        let lab = try SharedLabs.shared.lab(binDir)
        for node in [Node.first, .second] {
            let deadline = Deadline.after(nanoseconds: 5_000_000_000)
            let reported = Probe.run(conninfo: lab.conninfo(node), until: deadline)
            let queried = Probe.run(conninfo: lab.conninfo(node), until: deadline, useReportedParameters: false)
            let check = Check(kind: .role)
            #expect(CheckPolicy.nodeState(reported.facts, check: check) == CheckPolicy.nodeState(queried.facts, check: check))
            guard case .answered(let facts) = queried.facts else {
                Issue.record("no answer from \(node): \(queried.diagnostic ?? "")")
                continue
            }
            #expect(facts.inRecovery == (node == .second))
            if node == .second {
                guard case .present(let status, let lag, _, _)? = facts.recovery?.receiver else {
                    Issue.record("standby without a visible WAL receiver: \(String(describing: facts.recovery))")
                    continue
                }
                #expect(status == "streaming")
                #expect(lag != nil)
            }
        }
    }

    /// Role checks need nothing but LOGIN; lag and streaming limits need pg_monitor and say so without it.
    @Test(arguments: PostgresVersions.binDirs)
    func leastPrivilege(_ binDir: String) throws {
        let lab = try SharedLabs.shared.lab(binDir)
        #expect(try Checker.text(lab, .second, user: "checker") == ("standby", 0))
        #expect(try Checker.text(lab, .first, user: "checker") == ("production", 0))
        #expect(try Checker.text(lab, .second, check: "replica?lag=16MB", user: "checker") == ("insufficient-privilege", 2))
        #expect(try Checker.text(lab, .second, check: "replica?replication_state=streaming", user: "checker")
            == ("insufficient-privilege", 2))
        #expect(try Checker.text(lab, .second, check: "replica?lag=16MB&replication_state=streaming", user: "checker_monitor")
            == ("standby", 0))
    }

    @Test func connectionFailures() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let nowhere = "host=\(lab.socketDir) port=\(FreePort.tcp()) user=postgres"
        #expect(try Checker.run(["--format", "text", "--conninfo", nowhere]).output == "unreachable\n")
        let missingDatabase = lab.conninfo(.first) + " dbname=no_such_database"
        let run = try Checker.run(["--format", "text", "--conninfo", missingDatabase])
        #expect(run.output == "error\n")
        #expect(run.status == 2)
        // A role that does not exist is SQLSTATE 28000, like a refused login.
        let unknownRole = try Checker.run(["--format", "text", "--conninfo", lab.conninfo(.first, user: "no_such_role")])
        #expect(unknownRole.output == "auth-failed\n")
        let badConninfo = try Checker.run(["--format", "text", "--conninfo", "host=/tmp nosuchoption=1"])
        #expect(badConninfo.output == "error\n")
        #expect(badConninfo.stderr.isEmpty)
    }

    @Test func environmentAndDefaultDatabase() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        // libpq's own variables, no --conninfo; no database named anywhere means dbname=postgres, not "root".
        let run = try Checker.run(["--format", "text"], environment: [
            "PGHOST": lab.socketDir, "PGPORT": String(lab.primaryPort), "PGUSER": "checker",
        ])
        #expect(run.output == "production\n")
    }

    @Test func maintenanceFile() throws {
        let lab = try SharedLabs.shared.lab(PostgresVersions.primaryBinDir)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("maint-\(UUID().uuidString)").path
        let arguments = ["--format", "agent", "--maintenance-file", path, "--conninfo", lab.conninfo(.first)]
        #expect(try Checker.run(arguments).output == "up ready\n")
        #expect(FileManager.default.createFile(atPath: path, contents: nil))
        defer { try? FileManager.default.removeItem(atPath: path) }
        let drained = try Checker.run(arguments)
        #expect(drained.output == "drain\n")
        #expect(drained.status == 2)
        #expect(try Checker.run(["--format", "text", "--maintenance-file", path]).output == "maintenance\n")
    }

    @Test func usageErrorsExit64() throws {
        let run = try Checker.run(["--format", "yaml"])
        #expect(run.status == 64)
        #expect(run.output.isEmpty)
        #expect(run.stderr == "pgsql-state: --format must be http, text or agent, not 'yaml'\n")
        let help = try Checker.run(["--help"])
        #expect(help.status == 0)
        #expect(help.output == HelpText.text)
        #expect(try Checker.run(["--version"]).output == "pgsql-state \(Version.string)\n")
    }
}
