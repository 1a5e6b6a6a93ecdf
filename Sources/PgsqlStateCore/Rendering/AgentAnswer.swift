/// One HAProxy agent-check line. `ready` with `up` also lifts a previous `drain` or `maint`.
/// The reason follows `down` after a space: HAProxy's agent parser (src/tcpcheck.c) splits words on spaces,
/// tabs and commas and takes `#` as the start of a description only at the start of a word, so `down#reason`
/// is one unknown word and changes nothing ("No status change": a stale primary stayed UP in rw-agent).
package enum AgentAnswer {
    package static func line(_ verdict: Verdict) -> String {
        switch (verdict.outcome, verdict.state) {
        case (.passed, _): "up ready\n"
        // A primary that a failover left behind: DOWN, with the reason, not a quiet MAINT.
        case (.wrongRole, .unavailable(let reason)): down(reason.word)
        // A healthy node of the other role: out of this pool without showing as DOWN.
        case (.wrongRole, _): "maint\n"
        // Soft exits: existing sessions finish, no new ones arrive.
        case (.unavailable, .unavailable(.lagging)), (.unavailable, .unavailable(.maintenance)): "drain\n"
        case (.unavailable, _): down(verdict.state.word)
        }
    }

    /// An agent-send line that names no check: the server is not put in service on a guess.
    package static let badRequest = down("bad-request")

    private static func down(_ word: String) -> String { "down #\(word)\n" }
}
