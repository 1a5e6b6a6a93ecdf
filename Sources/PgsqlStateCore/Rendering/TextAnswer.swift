/// The bare word for HAProxy's `tcp-check expect string`, the protocol of the systemd-socket shell checks we replace: `production` or `standby`
/// for a healthy node whatever the check, otherwise the reason (which contains neither word, since
/// `expect string` matches substrings).
package enum TextAnswer {
    package static func line(_ verdict: Verdict) -> String {
        switch verdict.state {
        case .primary: "production\n"
        case .standby: "standby\n"
        case .unavailable(let reason): reason.word + "\n"
        }
    }
}
