import CLibPQ
import CPosix

/// Reads a conninfo string the way libpq will, before connecting: a syntax error is a configuration
/// error, not an unreachable server.
enum ConninfoCheck {
    enum Outcome { case valid(setsDatabase: Bool), invalid(String) }

    static func inspect(_ conninfo: String) -> Outcome {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            defer { PQfreemem(error) }
            return .invalid(error.map { String(cString: $0) } ?? "out of memory")
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
        return .valid(setsDatabase: setsDatabase)
    }
}
