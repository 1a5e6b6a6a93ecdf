/// The wire protocol spoken on the socket.
package enum Format: String, Sendable, CaseIterable {
    /// HAProxy `option httpchk`: status 200/206/503.
    case http
    /// HAProxy `tcp-check expect string`: `production` / `standby`.
    case text
    /// HAProxy `agent-check`: `up ready`, `maint`, `drain`, `down #reason`.
    case agent
}
