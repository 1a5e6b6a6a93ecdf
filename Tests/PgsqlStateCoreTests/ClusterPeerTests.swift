import PgsqlStateCore
import Testing

/// A `--peer` line is read once into one value: the server it names, its name for logs, what is added to it.
@Suite struct ClusterPeerTests {
    @Test func aPeerIsOneServerByAddress() throws {
        let peer = try SamplePeer.read("host=192.0.2.12 port=5433 sslmode=verify-full password=s3cret")
        #expect(peer.address == ServerAddress(host: "192.0.2.12", port: "5433"))
        #expect(peer.name == "192.0.2.12:5433")
        #expect(peer.security.trust == .verifiedTLS)
        #expect(peer.conninfo == "host=192.0.2.12 port=5433 sslmode=verify-full password=s3cret")
        #expect(try SamplePeer.read("host=2001:db8::12").name == "[2001:db8::12]")
        #expect(try SamplePeer.read("host=db1 hostaddr=192.0.2.12").address == ServerAddress(host: "192.0.2.12"))
        let socket = try SamplePeer.read("host=/run/postgresql port=5432")
        #expect(socket.name == "/run/postgresql:5432")
        #expect(socket.security == PeerSecurity.Connection(addedParameters: [PeerSecurity.Parameter("requirepeer", "postgres")],
                                                           trust: .peerCredentialsAdded))
        #expect(try SamplePeer.read("host=192.0.2.12 port=").address.port == nil)
    }

    @Test(arguments: [
        ("host=192.0.2.12,192.0.2.13", "--peer: one server per --peer (no host lists)"),
        ("host=192.0.2.12 port=5432,5433", "--peer: one server per --peer (no host lists)"),
        ("hostaddr=db1", "--peer: hostaddr 'db1' is not an IP address"),
        ("port=5432", "--peer: name the server with host= (an IP address or a socket directory)"),
        ("host=db1", "--peer: host 'db1' is a name; give an IP address (or hostaddr=) so that no DNS lookup can outlast the deadline"),
    ])
    func whatNoPeerLineMaySay(_ line: String, _ message: String) {
        #expect(throws: UsageError(message)) { try SamplePeer.read(line) }
    }

    @Test func theOptionsCarryEachPeerReadOnce() throws {
        guard case .run(let options) = try OptionsParser.parse(["--peer", "host=192.0.2.12", "--peer", "host=192.0.2.13 port=5433"],
                                                                readPeer: SamplePeer.read) else {
            Issue.record("no run"); return
        }
        #expect(options.peers == SamplePeer.peers(["host=192.0.2.12", "host=192.0.2.13 port=5433"]))
        #expect(options.policyContext.peers == [ServerAddress(host: "192.0.2.12"), ServerAddress(host: "192.0.2.13", port: "5433")])
        #expect(throws: UsageError("--peer: host 'db1' is a name; give an IP address (or hostaddr=) so that no DNS lookup can outlast the deadline")) {
            try OptionsParser.parse(["--peer", "host=db1"], readPeer: SamplePeer.read)
        }
    }
}
