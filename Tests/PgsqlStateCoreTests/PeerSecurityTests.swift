import PgsqlStateCore
import Testing

@Suite struct PeerSecurityTests {
    private typealias P = PeerSecurity.Parameter

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

    @Test func theWarningNamesPeersByAddressOnly() {
        #expect(PeerSecurity.warning(peers: ["192.0.2.12:5432"])
            == "peer 192.0.2.12:5432 is neither verify-full TLS nor channel-bound: channel_binding=require added")
        #expect(PeerSecurity.warning(peers: ["192.0.2.12:5432", "[2001:db8::1]:5433"])
            == "peers 192.0.2.12:5432, [2001:db8::1]:5433 are neither verify-full TLS nor channel-bound: channel_binding=require added")
    }
}
