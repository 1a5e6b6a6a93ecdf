import PgsqlStateCore
import PgsqlStateIO
import PgsqlStateProbe

// Before anything can write: the socket may also be stderr, and a vanished peer must not kill us.
Peer.ignoreBrokenPipe()
Peer.silenceStandardErrorIfPeer()

let peer = Peer.detect()
var invocation = OptionsParser.parse(Array(CommandLine.arguments.dropFirst()), readFile: ConfigText.read)
// Peers are read by libpq, so libpq checks them: a bad one is a usage error at once, not a silent 200.
if case .success(.run(var options)) = invocation {
    invocation = .success(.run(options))
    for conninfo in options.peers {
        switch PeerAddress.address(conninfo) {
        case .success(let address): options.peerAddresses.append(address)
        case .failure(let error): invocation = .failure(error)
        }
        if case .failure = invocation { break }
    }
    if case .success = invocation { invocation = .success(.run(options)) }
}
let status: ExitStatus
switch (invocation, peer) {
case (.success(.run(let options)), .socket(let fd)):
    status = Checker.serve(options, fd: fd)
case (.success(.run(let options)), .command):
    status = Checker.command(options)
case (.success(.help), _):
    status = Checker.deliver(AnswerPlan.information(HelpText.text), to: .command)
case (.success(.version), _):
    status = Checker.deliver(AnswerPlan.information("pgsql-state \(Version.string)\n"), to: .command)
case (.failure(let error), _):
    status = Checker.deliver(AnswerPlan.usageError(error, client: peer == .command ? .command : .socket), to: peer)
}
ProcessExit.now(status)
