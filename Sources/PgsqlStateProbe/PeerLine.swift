import CLibPQ
import CPosix
import PgsqlStateCore
import PgsqlStateIO

/// Reads a `--peer` line the way libpq will, once, into the `ClusterPeer` every later step uses. libpq's
/// parse of a line is remembered in the runtime directory (`ParsedConninfo`): a check answered from shared
/// facts then never loads libpq at all.
package enum PeerLine {
    package static func read(_ conninfo: String) throws(UsageError) -> ClusterPeer {
        let parsed = try SharedFile.remember(ParsedConninfo.key(conninfo), until: Deadline.after(nanoseconds: Budget.rememberedParse),
                                             decode: ParsedConninfo.init(fields:), encode: { $0.fields }) { () throws(UsageError) in
            let line: [PeerSecurity.Parameter]
            do throws(ConninfoParser.Invalid) {
                line = try ConninfoParser.line(conninfo)
            } catch {
                // libpq's message may quote the string, password included: say only that it is invalid.
                throw UsageError("--peer: not a valid libpq connection string or URI")
            }
            return ParsedConninfo(libpqVersion: Int(PQlibVersion()), line: line)
        }
        return try ClusterPeer(conninfo: conninfo, line: parsed.line, libpqVersion: parsed.libpqVersion, isIPAddress: isIPAddress)
    }

    private static func isIPAddress(_ text: String) -> Bool {
        var buffer = in6_addr()
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }
}
