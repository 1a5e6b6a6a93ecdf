/// A peer can take this primary out of every read-write pool (`superseded`, `split-brain`) or keep a stale
/// one in (`--min-peers`), so what it says is believed only from a server that proved who it is, and no
/// password is ever handed to a server that did not. libpq's defaults do neither: `sslmode=prefer` checks
/// no certificate, and libpq answers whatever authentication request the server sends, a clear-text or MD5
/// password request included. Pure: from the peer line's own keyword/value pairs and libpq's version to
/// the pairs to connect with and how far the peer is trusted. Tested by value (PeerSecurityTests).
package enum PeerSecurity {
    package enum Trust: Equatable, Sendable {
        /// `channel_binding=require`: libpq answers no authentication request but SCRAM-SHA-256-PLUS (it
        /// checks the server's request before answering, libpq manual "channel_binding"), so no password
        /// leaves this host and the server proves it knows the role's verifier, bound to this TLS session.
        case channelBound
        /// `sslmode=verify-full`: the server proves its certificate (signed by `sslrootcert`, naming
        /// `host`) before anything is sent. With libpq 16 or later `require_auth=!password,!md5` is added
        /// unless the line sets `require_auth`; with libpq 15 a clear-text or MD5 password can only go
        /// inside TLS to that verified server.
        case verifiedTLS
        /// Neither: `channel_binding=require` was added (replacing a weaker value of the line), so the
        /// peer is channel-bound after all, and the line deserves a warning.
        case channelBindingAdded
        /// A unix socket (no TLS there, so no channel binding either) with `requirepeer`: the kernel says
        /// which OS user runs the server before anything is sent (libpq manual, "requirepeer").
        case peerCredentials
        /// A unix socket without `requirepeer`: `requirepeer=postgres` was added (the user Debian's and
        /// PGDG's packages run the server as), and the line deserves a warning.
        case peerCredentialsAdded
    }

    package struct Connection: Equatable, Sendable {
        /// To append after the line (libpq gives later keyword/value pairs precedence over the expanded
        /// connection string, libpq manual "PQconnectdbParams").
        package var addedParameters: [Parameter]
        package var trust: Trust

        package init(addedParameters: [Parameter], trust: Trust) {
            self.addedParameters = addedParameters
            self.trust = trust
        }
    }

    package struct Parameter: Equatable, Sendable {
        package var keyword: String
        package var value: String

        package init(_ keyword: String, _ value: String) {
            self.keyword = keyword
            self.value = value
        }
    }

    /// `require_auth` is libpq 16's (PQlibVersion() 160000).
    package static let requireAuthVersion = 160000

    /// `line`: the keyword/value pairs the peer line itself sets (PQconninfoParse, unset ones left out).
    /// Only the line counts: a setting from the environment or a service file is not seen here, and then
    /// `channel_binding=require` is added, which is stricter, never weaker.
    package static func connection(line: [Parameter], libpqVersion: Int) -> Connection {
        // The last one counts, as in libpq.
        func value(_ keyword: String) -> String? {
            var found: String?
            for parameter in line where parameter.keyword == keyword { found = parameter.value }
            return found
        }
        // A unix socket directory (or an abstract socket), as libpq tells one from an address.
        let first = value("host")?.utf8.first
        if (value("hostaddr") ?? "").isEmpty, first == UInt8(ascii: "/") || first == UInt8(ascii: "@") {
            return (value("requirepeer") ?? "").isEmpty
                ? Connection(addedParameters: adding("requirepeer", "postgres"), trust: .peerCredentialsAdded)
                : Connection(addedParameters: [], trust: .peerCredentials)
        }
        if value("channel_binding") == "require" {
            return Connection(addedParameters: [], trust: .channelBound)
        }
        if value("sslmode") == "verify-full" {
            let addsRequireAuth = libpqVersion >= requireAuthVersion && (value("require_auth") ?? "").isEmpty
            return Connection(addedParameters: addsRequireAuth ? adding("require_auth", "!password,!md5") : [],
                              trust: .verifiedTLS)
        }
        return Connection(addedParameters: adding("channel_binding", "require"), trust: .channelBindingAdded)
    }

    /// One parameter, built at run time: the Embedded build (Swift 6.3) folded the three one-element array
    /// literals this file had into one constant (Swift 6.3.1), so every peer got `requirepeer=postgres`
    /// (PeerAuthenticationTests caught it).
    @inline(never)
    private static func adding(_ keyword: String, _ value: String) -> [Parameter] {
        var parameters: [Parameter] = []
        parameters.append(Parameter(keyword, value))
        return parameters
    }

    /// The one warning of a run about the lines made stricter than written, naming peers by `host:port`
    /// only (a line may carry a password); nil when there is none.
    package static func warning(_ peers: [PeerAnswer]) -> String? {
        var parts: [String] = []
        let tcp = peers.filter { $0.trust == .channelBindingAdded }.map { $0.name }
        if !tcp.isEmpty {
            parts.append(subject(tcp) + " neither verify-full TLS nor channel-bound: channel_binding=require added")
        }
        let sockets = peers.filter { $0.trust == .peerCredentialsAdded }.map { $0.name }
        if !sockets.isEmpty {
            parts.append(subject(sockets) + " a unix socket without requirepeer: requirepeer=postgres added")
        }
        return parts.isEmpty ? nil : parts.joined(separator: "; ")
    }

    private static func subject(_ names: [String]) -> String {
        names.count == 1 ? "peer \(names[0]) is" : "peers \(names.joined(separator: ", ")) are"
    }
}
