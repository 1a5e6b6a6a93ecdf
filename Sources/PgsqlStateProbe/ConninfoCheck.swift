import CLibPQ
import CPosix

/// Reads a conninfo string the way libpq will, before connecting: a syntax error is a configuration
/// error, not an unreachable server.
enum ConninfoCheck {
    /// libpq's own words for what is wrong with the string.
    struct Invalid: Error { var message: String }

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
