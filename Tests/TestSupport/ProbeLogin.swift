import Foundation

/// `scripts/pg-cluster`'s `lab_probe` role: the one TCP login a client without TLS or SCRAM can use (a
/// clear-text password on loopback, for a role that can only write rows), read from the lab's pgpass.
public struct ProbeLogin: Sendable {
    public let user: String
    public let password: String

    public static let role = "lab_probe"

    /// The `lab_probe` line of a pgpass file (`host:port:database:user:password`).
    public static func read(passFile: String) throws -> ProbeLogin {
        let text = try String(contentsOfFile: passFile, encoding: .utf8)
        for line in text.split(separator: "\n") {
            let fields = line.split(separator: ":", omittingEmptySubsequences: false)
            if fields.count == 5, fields[3] == role { return ProbeLogin(user: role, password: String(fields[4])) }
        }
        throw LabError.startFailed("no \(role) in \(passFile)")
    }
}
