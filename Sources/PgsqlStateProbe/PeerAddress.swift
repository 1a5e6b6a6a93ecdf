import CLibPQ
import PgsqlStateCore
#if canImport(Glibc)
import Glibc
#endif

/// Reads a `--peer` connection string the way libpq will. A peer must name exactly one server by address:
/// libpq resolves host names with a blocking getaddrinfo(3) that no deadline can interrupt, and systemd's
/// `IPAddressAllow=` (systemd.resource-control(5)) takes addresses, not names.
public enum PeerAddress {
    /// `host:port` for logs (never the string itself, which may carry a password), or a usage message.
    public static func inspect(_ conninfo: String) -> Result<String, UsageError> {
        address(conninfo).map { address in
            let host = address.host.contains(":") ? "[\(address.host)]" : address.host
            return host + (address.port.map { ":" + $0 } ?? "")
        }
    }

    /// The server the peer names, as `pg_stat_wal_receiver` would show it on a standby that follows it.
    public static func address(_ conninfo: String) -> Result<ServerAddress, UsageError> {
        var error: UnsafeMutablePointer<CChar>?
        guard let options = PQconninfoParse(conninfo, &error) else {
            defer { PQfreemem(error) }
            // libpq's message may quote the string, password included: say only that it is invalid.
            return .failure(UsageError("--peer: not a valid libpq connection string or URI"))
        }
        defer { PQconninfoFree(options) }
        var values: [String: String] = [:]
        var option = options
        while let keyword = option.pointee.keyword {
            if let value = option.pointee.val { values[String(cString: keyword)] = String(cString: value) }
            option += 1
        }
        let host = values["host"] ?? ""
        let address = values["hostaddr"] ?? ""
        guard !host.contains(","), !address.contains(","), !(values["port"] ?? "").contains(",") else {
            return .failure(UsageError("--peer: one server per --peer (no host lists)"))
        }
        let port = values["port"].flatMap { $0.isEmpty ? nil : $0 }
        if !address.isEmpty {
            guard isNumeric(address) else { return .failure(UsageError("--peer: hostaddr '\(address)' is not an IP address")) }
            return .success(ServerAddress(host: address, port: port))
        }
        if host.hasPrefix("/") || host.hasPrefix("@") { return .success(ServerAddress(host: host, port: port)) }
        guard !host.isEmpty else {
            return .failure(UsageError("--peer: name the server with host= (an IP address or a socket directory)"))
        }
        guard isNumeric(host) else {
            return .failure(UsageError("--peer: host '\(host)' is a name; give an IP address (or hostaddr=) so that no DNS lookup can outlast the deadline"))
        }
        return .success(ServerAddress(host: host, port: port))
    }

    private static func isNumeric(_ text: String) -> Bool {
        var buffer = in6_addr()
        return inet_pton(AF_INET, text, &buffer) == 1 || inet_pton(AF_INET6, text, &buffer) == 1
    }
}
