import PgsqlStateCore
import Testing

@Suite struct PeerSecurityTests {
    private typealias P = PeerSecurity.Parameter

    private func report(_ name: String, _ trust: PeerSecurity.Trust) -> PeerAnswer {
        PeerAnswer(name: name, outcome: .unanswered(.timeout), trust: trust)
    }

    private func line(_ pairs: (String, String)...) -> [P] { pairs.map { P($0.0, $0.1) } }

    @Test func aChannelBoundLineIsUsedAsItIs() {
        for version in [150_014, 160_000, 180_001] {
            let connection = PeerSecurity.connection(line: line(("host", "192.0.2.12"), ("channel_binding", "require")), libpqVersion: version)
            #expect(connection == PeerSecurity.Connection(addedParameters: [], trust: .channelBound))
        }
        // Channel binding wins over verify-full: SCRAM-SHA-256-PLUS only, nothing to add.
        #expect(PeerSecurity.connection(line: line(("sslmode", "verify-full"), ("channel_binding", "require")), libpqVersion: 160_000).trust
            == .channelBound)
    }

    @Test func verifiedTLSRefusesClearTextAndMD5WhereLibpqCan() {
        let verified = line(("host", "192.0.2.12"), ("sslmode", "verify-full"), ("sslrootcert", "/etc/pgsql-state/root.crt"))
        #expect(PeerSecurity.connection(line: verified, libpqVersion: 160_000)
            == PeerSecurity.Connection(addedParameters: [P("require_auth", "!password,!md5")], trust: .verifiedTLS))
        #expect(PeerSecurity.connection(line: verified, libpqVersion: 180_001).addedParameters == [P("require_auth", "!password,!md5")])
        // libpq 15 has no require_auth (it would refuse the keyword): the password only goes inside verified TLS.
        #expect(PeerSecurity.connection(line: verified, libpqVersion: 150_014)
            == PeerSecurity.Connection(addedParameters: [], trust: .verifiedTLS))
        // The operator's own require_auth is kept.
        #expect(PeerSecurity.connection(line: verified + [P("require_auth", "scram-sha-256")], libpqVersion: 160_000).addedParameters.isEmpty)
    }

    @Test func anythingElseGetsChannelBindingAndAWarning() {
        let weak: [[P]] = [
            line(("host", "192.0.2.12")),
            line(("host", "192.0.2.12"), ("sslmode", "require")),
            line(("host", "192.0.2.12"), ("sslmode", "verify-ca")),
            line(("host", "192.0.2.12"), ("channel_binding", "prefer")),
            line(("host", "192.0.2.12"), ("channel_binding", "disable"), ("sslmode", "prefer")),
            line(("host", "192.0.2.12"), ("require_auth", "scram-sha-256")),
        ]
        for pairs in weak {
            for version in [150_014, 160_000] {
                #expect(PeerSecurity.connection(line: pairs, libpqVersion: version)
                    == PeerSecurity.Connection(addedParameters: [P("channel_binding", "require")], trust: .channelBindingAdded),
                    "\(pairs)")
            }
        }
    }

    /// No TLS on a unix socket, hence no channel binding: the kernel's peer credentials say who serves it.
    @Test func aUnixSocketPeerMustBeServedByTheRightUser() {
        #expect(PeerSecurity.connection(line: line(("host", "/run/postgresql"), ("requirepeer", "postgres")), libpqVersion: 150_014)
            == PeerSecurity.Connection(addedParameters: [], trust: .peerCredentials))
        for host in ["/run/postgresql", "@abstract"] {
            #expect(PeerSecurity.connection(line: line(("host", host), ("channel_binding", "require")), libpqVersion: 160_000)
                == PeerSecurity.Connection(addedParameters: [P("requirepeer", "postgres")], trust: .peerCredentialsAdded))
        }
        // hostaddr wins over host: TCP.
        #expect(PeerSecurity.connection(line: line(("host", "/run/postgresql"), ("hostaddr", "192.0.2.12")), libpqVersion: 160_000).trust
            == .channelBindingAdded)
    }

    @Test func theWarningNamesPeersByAddressOnly() {
        #expect(PeerSecurity.warning([report("192.0.2.12:5432", .channelBindingAdded)])
            == "peer 192.0.2.12:5432 is neither verify-full TLS nor channel-bound: channel_binding=require added")
        #expect(PeerSecurity.warning([report("192.0.2.12:5432", .channelBindingAdded), report("[2001:db8::1]:5433", .channelBindingAdded)])
            == "peers 192.0.2.12:5432, [2001:db8::1]:5433 are neither verify-full TLS nor channel-bound: channel_binding=require added")
        #expect(PeerSecurity.warning([report("192.0.2.12:5432", .channelBindingAdded), report("/run/postgresql:5433", .peerCredentialsAdded),
                                     report("192.0.2.13:5432", .verifiedTLS)])
            == "peer 192.0.2.12:5432 is neither verify-full TLS nor channel-bound: channel_binding=require added; "
            + "peer /run/postgresql:5433 is a unix socket without requirepeer: requirepeer=postgres added")
        #expect(PeerSecurity.warning([report("192.0.2.13:5432", .verifiedTLS), report("192.0.2.14:5432", .channelBound),
                                      report("/run/postgresql:5433", .peerCredentials), PeerAnswer(name: "x", outcome: .unanswered(.error))]) == nil)
    }
}
