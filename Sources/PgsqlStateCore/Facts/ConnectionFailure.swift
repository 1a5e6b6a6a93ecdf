/// Classifies a failed connection from what libpq reports. With `PQERRORS_VERBOSE` set before polling,
/// a server error reads "FATAL:  57P03: the database system is starting up", so the SQLSTATE is there to
/// read whatever the server's `lc_messages`; errors raised by libpq itself (refused, no such socket) carry none.
public enum ConnectionFailure {
    public static func reason(message: String, needsPassword: Bool) -> Reason {
        if needsPassword { return .authFailed }
        guard let state = sqlState(in: message) else { return .unreachable }
        switch state {
        case "57P03":
            // cannot_connect_now covers starting up, crash recovery and shutting down; only the English
            // text tells them apart, and "starting" is the safe default for a localized one.
            return message.contains(utf8: "shutting down") ? .shuttingDown : .starting
        case "57P01", "57P02": return .shuttingDown
        case "53300": return .tooManyConnections
        case "28000", "28P01": return .authFailed
        default: return .error
        }
    }

    /// A peer's failure: as `reason`, except that "a password was needed and none was available" is kept
    /// apart from a refusal. libpq reports it only after the checks the peer line asks for (verified TLS,
    /// channel binding, `requirepeer`) have passed, and it says something about this node, not the peer.
    public static func peerReason(message: String, needsPassword: Bool) -> Reason {
        needsPassword ? .noPassword : reason(message: message, needsPassword: false)
    }

    /// The first `SEVERITY:  XXXXX:` code in a verbose libpq message.
    public static func sqlState(in message: String) -> String? {
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
