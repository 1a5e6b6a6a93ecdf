import CLibPQ
import PgsqlStateCore
import CPosix

/// Reads a `--peer` connection string the way libpq will. A peer must name exactly one server by address:
/// libpq resolves host names with a blocking getaddrinfo(3) that no deadline can interrupt, and systemd's
/// `IPAddressAllow=` (systemd.resource-control(5)) takes addresses, not names.
public enum PeerAddress {
    /// `host:port` for logs (never the string itself, which may carry a password), or a usage message.
    public static func inspect(_ conninfo: String) throws(UsageError) -> String {
        let address = try address(conninfo)
        return (address.host.contains(":") ? "[\(address.host)]" : address.host) + (address.port.map { ":" + $0 } ?? "")
    }

    /// The server the peer names, as `pg_stat_wal_receiver` would show it on a standby that follows it.
    public static func address(_ conninfo: String) throws(UsageError) -> ServerAddress {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            defer { PQfreemem(error) }
            // libpq's message may quote the string, password included: say only that it is invalid.
            throw UsageError("--peer: not a valid libpq connection string or URI")
        }
        defer { PQconninfoFree(options) }
        // Three keywords, read straight from libpq's array (no Dictionary: hashing pulls libm into the
        // Embedded build).
        func value(_ name: String) -> String? {
            var option = options
            while let keyword = option.pointee.keyword {
                if String(cString: keyword) == name { return option.pointee.val.map { String(cString: $0) } }
                option += 1
            }
            return nil
        }
        let host = value("host") ?? ""
        let address = value("hostaddr") ?? ""
        let portValue = value("port")
        guard !host.contains(","), !address.contains(","), !(portValue ?? "").contains(",") else {
            throw UsageError("--peer: one server per --peer (no host lists)")
        }
        let port = portValue.flatMap { $0.isEmpty ? nil : $0 }
        if !address.isEmpty {
            guard isNumeric(address) else { throw UsageError("--peer: hostaddr '\(address)' is not an IP address") }
            return ServerAddress(host: address, port: port)
        }
        if host.hasPrefix("/") || host.hasPrefix("@") { return ServerAddress(host: host, port: port) }
        guard !host.isEmpty else {
            throw UsageError("--peer: name the server with host= (an IP address or a socket directory)")
        }
        guard isNumeric(host) else {
            throw UsageError("--peer: host '\(host)' is a name; give an IP address (or hostaddr=) so that no DNS lookup can outlast the deadline")
        }
        return ServerAddress(host: host, port: port)
    }

    private static func isNumeric(_ text: String) -> Bool {
        var buffer = in6_addr()
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }
}
