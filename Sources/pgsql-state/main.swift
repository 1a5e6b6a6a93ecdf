import PgsqlStateCore
import PgsqlStateIO
import PgsqlStateProbe

/// The whole run, in a function: top-level variables would be global mutable state, which strict
/// concurrency refuses in an Embedded build (where top-level code is not main-actor isolated).
func run() -> ExitStatus {
    // Before anything can write: the socket may also be stderr, and a vanished peer must not kill us.
    Peer.ignoreBrokenPipe()
    Peer.silenceStandardErrorIfPeer()

    let peer = Peer.detect()
    var invocation = OptionsParser.parse(Arguments.afterProgramName(), readFile: ConfigText.read)
    // Peers are read by libpq, so libpq checks them: a bad one is a usage error at once, not a silent 200.
    if case .success(.run(let options)) = invocation {
        for conninfo in options.peers {
            if case .failure(let error) = PeerAddress.inspect(conninfo) { invocation = .failure(error); break }
        }
    }
    switch (invocation, peer) {
    case (.success(.run(let options)), .socket(let fd)):
        return Checker.serve(options, fd: fd)
    case (.success(.run(let options)), .command):
        return Checker.command(options)
    case (.success(.help), _):
        return Checker.deliver(AnswerPlan.information(HelpText.text), to: .command)
    case (.success(.version), _):
        return Checker.deliver(AnswerPlan.information("pgsql-state \(Version.string)\n"), to: .command)
    case (.failure(let error), _):
        return Checker.deliver(AnswerPlan.usageError(error, client: peer == .command ? .command : .socket), to: peer)
    }
}

ProcessExit.now(run())
