/// The answers in which pgsql-state differs from Patroni 4.1.5 on purpose: README's table "Deliberate
/// differences from Patroni" lists each `name` with its reason (the test checks that the row is there).
/// A difference no rule explains fails PatroniDifferentialTests.
struct PatroniDeliberateDifference: Sendable {
    /// One request of the matrix and where it was asked.
    struct Case: Sendable, CustomStringConvertible {
        var state: String
        var node: String
        /// The PostgreSQL role of the node asked, as both sides agree before asking (`primary`/`replica`).
        var role: String
        var replayPaused: Bool
        var method: String
        var path: String
        var query: String

        var description: String { "\(state) \(node) (\(role)) \(method) \(path)\(query)" }
    }

    var name: String
    var matches: @Sendable (Case, _ patroni: Int, _ ours: Int) -> Bool

    /// Every check and report path Patroni 4.1.5 names (docs/rest_api.rst), its aliases included.
    static let patroniPaths = ["/", "/primary", "/master", "/read-write", "/leader", "/standby-leader", "/standby_leader",
                               "/replica", "/read-only", "/health", "/liveness", "/readiness", "/sync", "/synchronous",
                               "/async", "/asynchronous", "/quorum", "/read-only-sync", "/read-only-synchronous",
                               "/read-only-quorum", "/patroni", "/metrics"]
    /// A misspelt parameter name and a value that does not parse, on a path where `lag` applies.
    static let refusedQueries = ["?lga=1MB", "?lag=lots"]

    static let syncPaths: Set<String> = ["/sync", "/synchronous", "/async", "/asynchronous", "/quorum",
                                         "/read-only-sync", "/read-only-synchronous", "/read-only-quorum"]

    static let all: [PatroniDeliberateDifference] = [
        // Patroni reads whether a standby is synchronous (or a quorum member) from its DCS
        // (patroni/api.py, do_GET: `sync_standby`, `quorum_standby`); a standby's own server cannot tell.
        PatroniDeliberateDifference(name: "sync state of a standby") { request, _, ours in
            request.role == "replica" && syncPaths.contains(request.path) && ours == 501
        },
        // Patroni keeps a standby whose replay is paused in the read pools (its status only checks
        // `state == running`); its data grows stale without bound, so here it leaves them.
        PatroniDeliberateDifference(name: "paused replay") { request, patroni, ours in
            request.replayPaused && ["/replica", "/read-only", "/async", "/asynchronous"].contains(request.path)
                && patroni == 200 && ours == 503
        },
        // Patroni routes HEAD and OPTIONS to do_GET whatever the path; /liveness, /readiness, /patroni and
        // /metrics have GET handlers only, so do_GET matches none of its names and answers 503.
        PatroniDeliberateDifference(name: "HEAD and OPTIONS on /liveness, /readiness, /patroni, /metrics") { request, patroni, _ in
            request.method != "GET" && ["/liveness", "/readiness", "/patroni", "/metrics"].contains(request.path) && patroni == 503
        },
        // Patroni matches paths by substring and answers 503 to any other path; here an unknown path is 404.
        PatroniDeliberateDifference(name: "unknown path") { request, patroni, ours in
            !patroniPaths.contains(request.path) && patroni == 503 && ours == 404
        },
        // Patroni ignores a query parameter it does not know (`lga=1MB`) and a value it cannot parse
        // (`lag=lots`, utils.parse_int returns None): a typo silently drops the limit. Here: 400.
        PatroniDeliberateDifference(name: "unknown parameter or unparsable value") { request, _, ours in
            refusedQueries.contains(request.query) && ours == 400
        },
    ]
}
