/// libpq's own conventions (PG* variables, service files, .pgpass, `--conninfo`) with two defaults of ours:
/// `dbname=postgres` when nothing names a database (libpq would use the user name, and a missing database
/// logs a FATAL on every check), and `fallback_application_name` so checks stand out in pg_stat_activity.
package enum ConnectionDefaults {
    package static let applicationName = "pgsql-state"
    package static let database = "postgres"

    /// Keyword/value pairs for `PQconnectStartParams` with `expand_dbname` set: the conninfo goes first as
    /// `dbname` so that libpq expands it; later entries only fill what nothing else sets.
    /// `conninfoNamesDatabase`: the conninfo sets `dbname` or `service`, or is itself a database name.
    package static func parameters(conninfo: String?, conninfoNamesDatabase: Bool,
                                  environment: (String) -> String?) -> [(keyword: String, value: String)] {
        var pairs: [(keyword: String, value: String)] = []
        if let conninfo, !conninfo.isEmpty { pairs.append(("dbname", conninfo)) }
        let named = (conninfo.map { !$0.isEmpty } ?? false && conninfoNamesDatabase)
            || nonEmpty(environment("PGDATABASE")) || nonEmpty(environment("PGSERVICE"))
        if !named { pairs.append(("dbname", database)) }
        pairs.append(("fallback_application_name", applicationName))
        return pairs
    }

    /// Whether libpq would read this conninfo as keyword/value or URI rather than a bare database name.
    package static func isConnectionString(_ conninfo: String) -> Bool {
        conninfo.contains("=") || conninfo.hasPrefix("postgresql://") || conninfo.hasPrefix("postgres://")
    }

    private static func nonEmpty(_ value: String?) -> Bool { !(value ?? "").isEmpty }
}
