import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// `Tests/Fixtures/fake-postgres.py`: a PostgreSQL server that lies, for the peer-authentication tests. It
/// says what it is told (role, timeline, system identifier) to anyone, or asks for a clear-text or MD5
/// password, and records what happens (`events`): "password" means a PasswordMessage arrived.
public final class FakePostgres: Sendable {
    public enum Mode: String, Sendable {
        /// AuthenticationOk without asking anything, then a row for every query.
        case ok
        case cleartext
        case md5
        /// FATAL 28P01 in answer to the startup packet: "I refuse your credentials", from a server that
        /// proved nothing.
        case refuse
    }

    public let port: UInt16
    public let directory: String
    private let command: BackgroundCommand

    private init(port: UInt16, directory: String, command: BackgroundCommand) {
        self.port = port
        self.directory = directory
        self.command = command
    }

    /// `tls`: answer SSLRequest with a certificate of its own for 127.0.0.1, signed by no CA a test trusts
    /// (otherwise 'N', no TLS). `timeline`: 8 hex digits; `recovery`: a standby.
    public static func start(_ mode: Mode, tls: Bool = false, recovery: Bool = false, timeline: String = "FFFFFFFF",
                             systemIdentifier: String = "1") throws -> FakePostgres {
        var template = Array("/tmp/pgsql-state-fake.XXXXXX".utf8CString)
        guard let created = mkdtemp(&template) else { throw LabError.startFailed("mkdtemp failed") }
        let directory = String(cString: created)
        _ = Teardown.register { try? FileManager.default.removeItem(atPath: directory) }
        var arguments = [Repository.path("Tests/Fixtures/fake-postgres.py"), "--mode", mode.rawValue,
                         "--timeline", timeline, "--system-identifier", systemIdentifier,
                         "--record", directory + "/events", "--port-file", directory + "/port"]
        if recovery { arguments.append("--recovery") }
        if tls {
            let made = try Command.run("/usr/bin/openssl", [
                "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
                "-addext", "subjectAltName=IP:127.0.0.1",
                "-keyout", directory + "/fake.key", "-out", directory + "/fake.crt",
            ], timeout: .seconds(30))
            guard made.status == 0 else { throw LabError.commandFailed("openssl: \(made.stderr)") }
            arguments += ["--tls", directory + "/fake.crt", directory + "/fake.key"]
        }
        let command = try BackgroundCommand.start("/usr/bin/python3", arguments)
        var port: UInt16?
        do {
            try Wait.until(timeout: .seconds(10), poll: .milliseconds(20), "fake-postgres listening") {
                port = (try? String(contentsOfFile: directory + "/port", encoding: .utf8))
                    .flatMap { UInt16($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
                return port != nil
            }
        } catch {
            command.stop()
            throw error
        }
        return FakePostgres(port: port!, directory: directory, command: command)
    }

    /// What happened so far, one event per line: connect, tls, startup USER, password, query.
    public var events: [String] {
        ((try? String(contentsOfFile: directory + "/events", encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// A peer line for it: `host=127.0.0.1 port=P user=U dbname=postgres` and `extra`.
    public func conninfo(user: String = "checker", _ extra: String = "") -> String {
        "host=127.0.0.1 port=\(port) user=\(user) dbname=postgres" + (extra.isEmpty ? "" : " " + extra)
    }

    public func stop() {
        command.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}
