import PgsqlStateCore
import PgsqlStateIO
import PgsqlStateProbe

// Before anything can write: the socket may also be stderr, and a vanished peer must not kill us.
Peer.ignoreBrokenPipe()
Peer.silenceStandardErrorIfPeer()

let peer = Peer.detect()
func invocation() throws(UsageError) -> Invocation {
    let invocation = try OptionsParser.parse(Array(CommandLine.arguments.dropFirst()), readFile: ConfigText.read)
    // Peers are read by libpq, so libpq checks them: a bad one is a usage error at once, not a silent 200.
    if case .run(let options) = invocation {
        for conninfo in options.peers { _ = try PeerAddress.inspect(conninfo) }
    }
    return invocation
}

let status: ExitStatus
do throws(UsageError) {
    switch (try invocation(), peer) {
    case (.run(let options), .socket(let fd)):
        status = Checker.serve(options, fd: fd)
    case (.run(let options), .command):
        status = Checker.command(options)
    case (.help, _):
        status = Checker.deliver(AnswerPlan.information(HelpText.text), to: .command)
    case (.version, _):
        status = Checker.deliver(AnswerPlan.information("pgsql-state \(Version.string)\n"), to: .command)
    }
} catch {
    status = Checker.deliver(AnswerPlan.usageError(error, client: peer == .command ? .command : .socket), to: peer)
}
ProcessExit.now(status)
