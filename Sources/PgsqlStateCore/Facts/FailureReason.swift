/// Why a server could not be asked, from what libpq reports: one table from SQLSTATE (PostgreSQL manual,
/// Appendix A "PostgreSQL Error Codes") to `Reason`, for the local connection, the facts query and every
/// peer alike. With `PQERRORS_VERBOSE` set before polling, a failed start-up reads
/// "FATAL:  57P03: the database system is starting up", so the SQLSTATE is there to read whatever the
/// server's `lc_messages`; errors raised by libpq itself (refused, no such socket, connection lost) carry none.
package enum FailureReason {
    /// The table. `message` is read for 57P03 only.
    package static func reason(sqlState: String?, message: String) -> Reason {
        guard let sqlState else { return .unreachable }
        switch sqlState {
        case "57P03":
            // cannot_connect_now is sent for "starting up", "in recovery mode", "not yet accepting
            // connections" (a standby before consistency) and "shutting down" alike (the postmaster's
            // connection checks); only the English text tells them apart, and a localized one is taken as
            // starting: both are expected, and a server coming up is the likelier.
            return message.contains(utf8: "shutting down") ? .shuttingDown : .starting
        case "57P01", "57P02": return .shuttingDown  // admin_shutdown, crash_shutdown
        case "53300": return .tooManyConnections
        case "28000", "28P01": return .authFailed
        case "42501": return .insufficientPrivilege
        default: return .error
        }
    }

    /// A failed or lost connection: the SQLSTATE inside libpq's verbose message. A password libpq needed
    /// and did not have (`PQconnectionNeedsPassword`) is a failed authentication.
    package static func connection(message: String, needsPassword: Bool) -> Reason {
        needsPassword ? .authFailed : reason(sqlState: sqlState(in: message), message: message)
    }

    /// A peer's failed connection: as `connection`, except that "a password was needed and none was
    /// available" is kept apart from a refusal. libpq reports it only after the checks the peer line asks
    /// for (verified TLS, channel binding, `requirepeer`) have passed, and it says something about this
    /// node, not the peer.
    package static func peerConnection(message: String, needsPassword: Bool) -> Reason {
        needsPassword ? .noPassword : connection(message: message, needsPassword: false)
    }

    /// The first `SEVERITY:  XXXXX:` code in a verbose libpq message.
    package static func sqlState(in message: String) -> String? {
        let bytes = Array(message.utf8)
        var index = 0
        while index + 9 <= bytes.count {
            // ":  " + five code characters + ":"
            if bytes[index] == UInt8(ascii: ":"), bytes[index + 1] == UInt8(ascii: " "),
               bytes[index + 2] == UInt8(ascii: " "), bytes[index + 8] == UInt8(ascii: ":") {
                let code = bytes[(index + 3)..<(index + 8)]
                if code.allSatisfy(isCodeCharacter) { return String(decoding: code, as: UTF8.self) }
            }
            index += 1
        }
        return nil
    }

    private static func isCodeCharacter(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z"))
    }
}
