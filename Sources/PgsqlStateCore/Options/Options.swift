/// Everything the command line can say. The peer can only pick a check; all else is the operator's.
package struct Options: Equatable, Sendable {
    package var format: Format = .http
    package var check: Check = .role
    package var conninfo: String?
    /// Hard deadline for connect, query and write, in nanoseconds.
    package var timeoutNanoseconds: UInt64 = 1_000_000_000
    package var maintenanceFile: String?
    /// The other nodes of the cluster, asked before a primary is passed, each read once (`ClusterPeer`).
    package var peers: [ClusterPeer] = []
    /// A primary passes only if at least this many peers answered.
    package var minPeers = 0
    /// Patroni-style tags (`--tag nofailover=true`): `tag_KEY=VALUE` checks and `noloadbalance`.
    package var tags: [Tag] = []
    /// `--share-facts`: how long a probe's facts (and its peer survey) answer other checks; 0, never.
    package var shareNanoseconds: UInt64 = 0
    /// The libpq environment of this run (`Sharing.environment`), which the executable reads: part of every
    /// sharing key.
    package var libpqEnvironment: [String] = []

    /// What the check policy compares with: a standby whose upstream is none of the peers leads a standby
    /// cluster.
    package var policyContext: CheckPolicy.Context { CheckPolicy.Context(tags: tags, peers: peers.map { $0.address }) }

    /// `--conninfo` and every `--peer` line as given, for what looks for passwords in them.
    package var connectionStrings: [String] { [conninfo].compactMap { $0 } + peers.map { $0.conninfo } }

    package init() {}

    package static let minimumTimeoutNanoseconds: UInt64 = 10_000_000
    /// The shipped units stop a check after RuntimeMaxSec=15: 10 s, plus the 1 s linger and a margin for
    /// host name resolution (outside the deadline), stays below it. PackagingTests check the relation.
    package static let maximumTimeoutNanoseconds: UInt64 = 10_000_000_000
}

/// What the process was asked to do.
package enum Invocation: Equatable, Sendable {
    case run(Options)
    case help
    case version
}

/// A command-line mistake, with the message for the operator.
package struct UsageError: Error, Equatable, Sendable {
    package var message: String
    package init(_ message: String) { self.message = message }
}
