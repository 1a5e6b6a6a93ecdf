/// A server as libpq names it: an IP address or a Unix socket directory, and a port when one is given.
/// Used to tell whether a standby's upstream (`pg_stat_wal_receiver.sender_host`/`sender_port`) is one
/// of the `--peer` nodes.
package struct ServerAddress: Equatable, Sendable {
    package var host: String
    package var port: String?

    package init(host: String, port: String? = nil) {
        self.host = host
        self.port = port
    }

    /// Same host, and the same port where both name one: a peer given without a port matches any port,
    /// so that an ambiguous upstream counts as a peer (and the standby as no leader).
    package func matches(_ other: ServerAddress) -> Bool {
        guard host == other.host else { return false }
        guard let port, let otherPort = other.port else { return true }
        return port == otherPort
    }
}
