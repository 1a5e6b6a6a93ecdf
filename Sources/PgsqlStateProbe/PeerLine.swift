import CLibPQ
import CPosix
import PgsqlStateCore

/// Reads a `--peer` line the way libpq will, once, into the `ClusterPeer` every later step uses.
package enum PeerLine {
    package static func read(_ conninfo: String) throws(UsageError) -> ClusterPeer {
        let line: [PeerSecurity.Parameter]
        do {
            line = try ConninfoCheck.line(conninfo)
        } catch {
            // libpq's message may quote the string, password included: say only that it is invalid.
            throw UsageError("--peer: not a valid libpq connection string or URI")
        }
        return try ClusterPeer(conninfo: conninfo, line: line, libpqVersion: Int(PQlibVersion()), isIPAddress: isIPAddress)
    }

    private static func isIPAddress(_ text: String) -> Bool {
        var buffer = in6_addr()
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }
}
