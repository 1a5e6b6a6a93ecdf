/// One `--peer` line, read once at start-up and passed around whole: the line as given (to connect with),
/// what libpq reads in it, the server it names and what `PeerSecurity` adds. A peer must name exactly one
/// server by address: libpq resolves host names with a blocking getaddrinfo(3) that no deadline can
/// interrupt, and systemd's `IPAddressAllow=` (systemd.resource-control(5)) takes addresses, not names.
package struct ClusterPeer: Equatable, Sendable {
    /// The line as given. It may carry a password: never logged (`name` is).
    package var conninfo: String
    /// The keyword/value pairs the line sets, in libpq's keyword order (PQconninfoParse, unset ones left out).
    package var line: [PeerSecurity.Parameter]
    /// The server, as `pg_stat_wal_receiver` would show it on a standby that follows it.
    package var address: ServerAddress
    /// What is added to the line, and how far the peer is trusted.
    package var security: PeerSecurity.Connection

    /// `line`: what libpq parsed from `conninfo`; `isIPAddress`: inet_pton(3) for IPv4 or IPv6, which the
    /// caller performs.
    package init(conninfo: String, line: [PeerSecurity.Parameter], libpqVersion: Int,
                isIPAddress: (String) -> Bool) throws(UsageError) {
        self.conninfo = conninfo
        self.line = line
        address = try Self.address(line, isIPAddress: isIPAddress)
        security = PeerSecurity.connection(line: line, libpqVersion: libpqVersion)
    }

    /// `host:port` for logs, an IPv6 address in brackets.
    package var name: String {
        (address.host.contains(":") ? "[\(address.host)]" : address.host) + (address.port.map { ":" + $0 } ?? "")
    }

    private static func address(_ line: [PeerSecurity.Parameter], isIPAddress: (String) -> Bool) throws(UsageError) -> ServerAddress {
        // PQconninfoParse gives each keyword once.
        func value(_ keyword: String) -> String? { line.first { $0.keyword == keyword }?.value }
        let host = value("host") ?? ""
        let hostaddr = value("hostaddr") ?? ""
        let portValue = value("port")
        guard !host.contains(","), !hostaddr.contains(","), !(portValue ?? "").contains(",") else {
            throw UsageError("--peer: one server per --peer (no host lists)")
        }
        let port = portValue.flatMap { $0.isEmpty ? nil : $0 }
        if !hostaddr.isEmpty {
            guard isIPAddress(hostaddr) else { throw UsageError("--peer: hostaddr '\(hostaddr)' is not an IP address") }
            return ServerAddress(host: hostaddr, port: port)
        }
        // A unix socket directory (or an abstract socket), as libpq tells one from an address.
        if host.hasPrefix("/") || host.hasPrefix("@") { return ServerAddress(host: host, port: port) }
        guard !host.isEmpty else {
            throw UsageError("--peer: name the server with host= (an IP address or a socket directory)")
        }
        guard isIPAddress(host) else {
            throw UsageError("--peer: host '\(host)' is a name; give an IP address (or hostaddr=) so that no DNS lookup can outlast the deadline")
        }
        return ServerAddress(host: host, port: port)
    }
}
