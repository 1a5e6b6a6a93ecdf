/// Which shared entry a probe or a peer survey may be answered from, and for how long after it was taken
/// (`--share-facts`). Checks that arrive while a probe runs, or less than `nanoseconds` after it started,
/// answer from its facts: one PostgreSQL backend per window instead of one per check, however many HAProxy
/// processes ask. The key names what was asked (the conninfo, the query, the peer lines), hashed: the file
/// never holds a connection string.
package struct Sharing: Equatable, Sendable {
    package var key: String
    package var nanoseconds: UInt64

    package init(key: String, nanoseconds: UInt64) {
        self.key = key
        self.nanoseconds = nanoseconds
    }

    /// The longest window `--share-facts` accepts: below any sane HAProxy `inter`, so that a change is seen
    /// by the check after next at the latest.
    package static let maximumNanoseconds: UInt64 = 1_000_000_000

    /// What libpq reads besides the connection string (libpq manual, "Environment Variables", and HOME for
    /// ~/.pgpass and ~/.pg_service.conf): part of every key, so that a check run with another environment
    /// (a unit's drop-in, a shell) never answers from a probe made with this one.
    package static let environmentNames = [
        "PGHOST", "PGHOSTADDR", "PGPORT", "PGDATABASE", "PGUSER", "PGPASSWORD", "PGPASSFILE", "PGCHANNELBINDING",
        "PGSERVICE", "PGSERVICEFILE", "PGOPTIONS", "PGAPPNAME", "PGSSLMODE", "PGREQUIRESSL", "PGSSLNEGOTIATION",
        "PGSSLCOMPRESSION", "PGSSLCERT", "PGSSLKEY", "PGSSLCERTMODE", "PGSSLROOTCERT", "PGSSLCRL", "PGSSLCRLDIR",
        "PGSSLSNI", "PGREQUIREPEER", "PGREQUIREAUTH", "PGSSLMINPROTOCOLVERSION", "PGSSLMAXPROTOCOLVERSION",
        "PGGSSENCMODE", "PGKRBSRVNAME", "PGGSSLIB", "PGGSSDELEGATION", "PGCONNECT_TIMEOUT", "PGCLIENTENCODING",
        "PGTARGETSESSIONATTRS", "PGLOADBALANCEHOSTS", "PGSYSCONFDIR", "PGLOCALEDIR", "PGDATESTYLE", "PGTZ",
        "PGGEQO", "HOME",
    ]

    /// `environmentNames` as `NAME=value` for those set, in that order, read by the caller.
    package static func environment(_ value: (String) -> String?) -> [String] {
        var pairs: [String] = []
        for name in environmentNames { if let set = value(name) { pairs.append(name + "=" + set) } }
        return pairs
    }

    /// The local probe, as the plan asks for it. `environment`: `environment(_:)`'s pairs.
    package static func probe(conninfo: String?, useReportedParameters: Bool, query: FactsQuery.Variant,
                              environment: [String] = [], nanoseconds: UInt64) -> Sharing? {
        guard nanoseconds > 0 else { return nil }
        let variant = switch query {
        case .check: "check"
        case .peers: "peers"
        case .report: "report"
        }
        return Sharing(key: "probe-" + hash(["probe", variant, useReportedParameters ? "reported" : "query", conninfo ?? ""] + environment),
                       nanoseconds: nanoseconds)
    }

    /// The peer survey, as the plan asks for it: the same lines in the same order.
    package static func peers(_ peers: [ClusterPeer], environment: [String] = [], nanoseconds: UInt64) -> Sharing? {
        guard nanoseconds > 0 else { return nil }
        var parts = ["peers"]
        for peer in peers { parts.append(peer.conninfo) }
        parts += environment
        return Sharing(key: "peers-" + hash(parts), nanoseconds: nanoseconds)
    }

    /// FNV-1a, 64 bits (http://www.isthe.com/chongo/tech/comp/fnv/), over each part and its length, as 16
    /// hexadecimal digits: a file name, not a secret. Whoever can write the directory can lie anyway;
    /// `SharedEntry` also checks the key inside the file.
    package static func hash(_ parts: [String]) -> String {
        var value: UInt64 = 0xcbf2_9ce4_8422_2325
        func mix(_ byte: UInt8) {
            value ^= UInt64(byte)
            value = value &* 0x0000_0100_0000_01b3
        }
        for part in parts {
            for byte in part.utf8 { mix(byte) }
            var length = UInt64(part.utf8.count)
            for _ in 0..<8 {
                mix(UInt8(truncatingIfNeeded: length))
                length >>= 8
            }
        }
        let digits: [UInt8] = Array("0123456789abcdef".utf8)
        var text: [UInt8] = []
        for shift in stride(from: 60, through: 0, by: -4) { text.append(digits[Int((value >> UInt64(shift)) & 0xf)]) }
        return String(decoding: text, as: UTF8.self)
    }
}
