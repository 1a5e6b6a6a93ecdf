/// What a caller asks: one name per check, with the names Patroni users already have in their HAProxy
/// files (Patroni's REST API, docs/rest_api.rst). Where Patroni asks its DCS, we ask PostgreSQL; README's
/// "Patroni endpoints" table says what that changes.
package enum CheckKind: String, Sendable, CaseIterable {
    case role
    case primary
    case standby
    case readOnly = "read-only"
    case health
    /// The postmaster answers the protocol at all (starting and refusing count as alive).
    case liveness
    /// A primary, or a standby that streams and is within `lag=` (replayed or, `mode=write`, received).
    case readiness
    /// A primary, or a standby leader.
    case leader
    /// A standby whose upstream is not one of the `--peer` nodes: the leader of a standby cluster.
    case standbyLeader = "standby-leader"
    /// Synchronous (or quorum) or asynchronous standby: only a DCS knows, so standbys get 501.
    case sync
    case async
    /// A primary, or a synchronous standby.
    case readOnlySync = "read-only-sync"

    package init?(name: String) {
        switch name {
        case "role": self = .role
        case "primary", "master", "read-write": self = .primary
        case "standby", "replica": self = .standby
        case "read-only": self = .readOnly
        case "health": self = .health
        case "liveness": self = .liveness
        case "readiness": self = .readiness
        case "leader": self = .leader
        case "standby-leader", "standby_leader": self = .standbyLeader
        // Patroni 4's quorum commit names (docs/rest_api.rst): which standby is a quorum member is DCS
        // state too, so they answer as their synchronous twins.
        case "sync", "synchronous", "quorum": self = .sync
        case "async", "asynchronous": self = .async
        case "read-only-sync", "read-only-synchronous", "read-only-quorum": self = .readOnlySync
        default: return nil
        }
    }

    /// Names Patroni users bring from its REST API; the others are this tool's own. `--help` lists them apart.
    package var isPatroniName: Bool {
        switch self {
        case .liveness, .readiness, .leader, .standbyLeader, .sync, .async, .readOnlySync: true
        case .role, .primary, .standby, .readOnly, .health: false
        }
    }

    /// Lag and streaming limits only mean something where a standby can pass (Patroni applies `lag` to
    /// every path its replica status decides, patroni/api.py `do_GET`); elsewhere they are ignored.
    package var acceptsStandbyLimits: Bool {
        switch self {
        case .role, .standby, .readOnly, .readiness, .sync, .async, .readOnlySync: true
        case .primary, .health, .liveness, .leader, .standbyLeader: false
        }
    }

    /// Patroni ignores `tag_` parameters on the leader paths (`ignore_tags` in patroni/api.py `do_GET`) and
    /// on /liveness and /readiness (handlers of their own, which read no tags); so do we.
    package var appliesTags: Bool {
        switch self {
        case .primary, .leader, .standbyLeader, .liveness, .readiness: false
        case .role, .standby, .readOnly, .health, .sync, .async, .readOnlySync: true
        }
    }
}
