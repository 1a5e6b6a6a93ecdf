import CLibPQ
import CPosix
import PgsqlStateCore

/// Reads a conninfo string the way libpq will, before connecting: a syntax error is a configuration
/// error, not an unreachable server.
enum ConninfoCheck {
    /// libpq's own words for what is wrong with the string.
    struct Invalid: Error { var message: String }

    /// The keyword/value pairs to connect with: `ConnectionDefaults` over the environment libpq reads. Throws
    /// when libpq cannot parse the connection string.
    static func parameters(_ conninfo: String?) throws(Invalid) -> [(keyword: String, value: String)] {
        var namesDatabase = false
        if let conninfo, !conninfo.isEmpty {
            namesDatabase = ConnectionDefaults.isConnectionString(conninfo) ? try setsDatabase(conninfo) : true
        }
        return ConnectionDefaults.parameters(conninfo: conninfo, conninfoNamesDatabase: namesDatabase) {
            getenv($0).map { String(cString: $0) }
        }
    }

    /// Whether the string names a database (`dbname` or `service`).
    static func setsDatabase(_ conninfo: String) throws(Invalid) -> Bool {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            defer { PQfreemem(error) }
            throw Invalid(message: error.map { String(cString: $0) } ?? "out of memory")
        }
        defer { PQconninfoFree(options) }
        var setsDatabase = false
        var option = options
        while let keyword = option.pointee.keyword {
            if option.pointee.val != nil, strcmp(keyword, "dbname") == 0 || strcmp(keyword, "service") == 0 {
                setsDatabase = true
            }
            option += 1
        }
        return setsDatabase
    }
}
