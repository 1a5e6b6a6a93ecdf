#if canImport(Glibc)
import Glibc
#endif
import PgsqlStateCore
import PgsqlStateIO
import PgsqlStateProbe

// Before anything can write: the socket may also be stderr, and a vanished peer must not kill us.
Peer.ignoreBrokenPipe()
Peer.silenceStandardErrorIfPeer()

let peer = Peer.detect()
var invocation = OptionsParser.parse(Array(CommandLine.arguments.dropFirst()), readFile: ConfigText.read)
// Peers are read by libpq, so libpq checks them: a bad one is a usage error at once, not a silent 200.
if case .success(.run(let options)) = invocation {
    for conninfo in options.peers {
        if case .failure(let error) = PeerAddress.inspect(conninfo) { invocation = .failure(error); break }
    }
}
switch invocation {
case .success(.run(let options)):
    exit(Checker(options: options, peer: peer).run().rawValue)
case .success(.help):
    CommandOutput.write(HelpText.text, to: 1)
    exit(0)
case .success(.version):
    CommandOutput.write("pgsql-state \(Version.string)\n", to: 1)
    exit(0)
case .failure(let error):
    Syslog.log(.error, "usage error: \(error.message)")
    if !Peer.isConnectedTCP(2) { CommandOutput.write("pgsql-state: \(SecretMask.redact(error.message))\n", to: 2) }
    if case .socket(let fd) = peer {
        // No answer for a misconfigured service, but no RST either: HAProxy sees a clean close.
        var client = ClientSocket(fd: fd)
        client.answer([], until: Deadline.after(nanoseconds: 100_000_000))
    }
    exit(ExitStatus.usage.rawValue)
}
