#if canImport(Glibc)
import Glibc
#endif
import PgsqlStateCore
import PgsqlStateIO

// Before anything can write: the socket may also be stderr, and a vanished peer must not kill us.
Peer.ignoreBrokenPipe()
Peer.silenceStandardErrorIfPeer()

let peer = Peer.detect()
switch OptionsParser.parse(Array(CommandLine.arguments.dropFirst())) {
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
