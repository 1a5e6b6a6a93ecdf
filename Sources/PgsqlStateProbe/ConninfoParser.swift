import CLibPQ
import CPosix
import PgsqlStateCore

/// Reads a conninfo string the way libpq will, before connecting: a syntax error is a configuration
/// error, not an unreachable server.
enum ConninfoParser {
    /// libpq's own words for what is wrong with the string.
    struct Invalid: Error { var message: String }

    /// The keyword/value pairs to connect with: `ConnectionDefaults` over the environment libpq reads. Throws
    /// when libpq cannot parse the connection string.
    static func parameters(_ conninfo: String?) throws(Invalid) -> [(keyword: String, value: String)] {
        try parameters(conninfo, line: line(conninfo))
    }

    /// A peer's pairs: the same, then what `PeerSecurity` adds (after the line, so that it wins).
    static func parameters(_ peer: ClusterPeer) -> [(keyword: String, value: String)] {
        parameters(peer.conninfo, line: peer.line) + peer.security.addedParameters.map { (keyword: $0.keyword, value: $0.value) }
    }

    private static func parameters(_ conninfo: String?, line: [PeerSecurity.Parameter]) -> [(keyword: String, value: String)] {
        var namesDatabase = false
        if let conninfo, !conninfo.isEmpty {
            namesDatabase = ConnectionDefaults.isConnectionString(conninfo)
                ? line.contains { $0.keyword == "dbname" || $0.keyword == "service" } : true
        }
        return ConnectionDefaults.parameters(conninfo: conninfo, conninfoNamesDatabase: namesDatabase) {
            getenv($0).map { String(cString: $0) }
        }
    }

    /// What the string itself sets, in libpq's keyword order (PQconninfoParse); nothing for a bare
    /// database name. The one walk of libpq's parse, for `--conninfo` and every `--peer`.
    static func line(_ conninfo: String?) throws(Invalid) -> [PeerSecurity.Parameter] {
        guard let conninfo, !conninfo.isEmpty, ConnectionDefaults.isConnectionString(conninfo) else { return [] }
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            defer { PQfreemem(error) }
            throw Invalid(message: error.map { String(cString: $0) } ?? "out of memory")
        }
        defer { PQconninfoFree(options) }
        var set: [PeerSecurity.Parameter] = []
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { set.append(PeerSecurity.Parameter(String(cString: keyword), String(cString: value))) }
            option += 1
        }
        return set
    }
}
