import PgsqlStateCore

/// `--peer` lines as the tests write them (`keyword=value` pairs between spaces), read into `ClusterPeer`
/// without libpq, whose PQconninfoParse reads them in the executable (`PeerLine`).
enum SamplePeer {
    static func read(_ conninfo: String) throws(UsageError) -> ClusterPeer {
        let line = conninfo.split(separator: " ").map { pair in
            let parts = pair.split(separator: "=", maxSplits: 1)
            return PeerSecurity.Parameter(String(parts[0]), parts.count == 2 ? String(parts[1]) : "")
        }
        return try ClusterPeer(conninfo: conninfo, line: line, libpqVersion: PeerSecurity.requireAuthVersion,
                               isIPAddress: { $0.contains(".") || $0.contains(":") })
    }

    static func peers(_ lines: [String]) -> [ClusterPeer] {
        lines.compactMap { try? read($0) }
    }
}
