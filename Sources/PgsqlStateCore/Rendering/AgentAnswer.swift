/// One HAProxy agent-check line. `ready` with `up` also lifts a previous `drain` or `maint`.
public enum AgentAnswer {
    public static func line(_ verdict: Verdict) -> String {
        switch (verdict.outcome, verdict.state) {
        case (.passed, _): "up ready\n"
        // A primary that a failover left behind: DOWN, with the reason, not a quiet MAINT.
        case (.wrongRole, .unavailable(let reason)): "down#\(reason.word)\n"
        // A healthy node of the other role: out of this pool without showing as DOWN.
        case (.wrongRole, _): "maint\n"
        // Soft exits: existing sessions finish, no new ones arrive.
        case (.unavailable, .unavailable(.lagging)), (.unavailable, .unavailable(.maintenance)): "drain\n"
        case (.unavailable, _): "down#\(verdict.state.word)\n"
        }
    }
}
