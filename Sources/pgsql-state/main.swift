import PgsqlStateCore
import PgsqlStateIO
import PgsqlStateProbe

/// The options, with every --peer read once the way libpq will read it: a bad one is a usage error at
/// once, not a silent 200.
func invocation() throws(UsageError) -> Invocation {
    try OptionsParser.parse(Arguments.afterProgramName(), readConfig: ConfigFile.read, readPeer: PeerLine.read)
}

/// The whole run, in a function: top-level variables would be global mutable state, which strict
/// concurrency refuses in an Embedded build (where top-level code is not main-actor isolated).
func run() -> ExitStatus {
    // Before anything can write: the socket may also be stderr, and a vanished client must not kill us.
    Client.ignoreBrokenPipe()
    Client.silenceStandardErrorIfClient()

    let client = Client.detect()
    do throws(UsageError) {
        switch (try invocation(), client) {
        case (.run(var options), .socket(let fd)):
            options.libpqEnvironment = Sharing.environment(ThisProcess.environment)
            return Checker.serve(options, fd: fd)
        case (.run(var options), .command):
            options.libpqEnvironment = Sharing.environment(ThisProcess.environment)
            return Checker.command(options)
        case (.help, _):
            return Checker.deliver(AnswerPlan.information(HelpText.text), to: .command)
        case (.version, _):
            return Checker.deliver(AnswerPlan.information(Version.text), to: .command)
        }
    } catch {
        return Checker.deliver(AnswerPlan.usageError(error, client: client.planClient), to: client)
    }
}

ProcessExit.now(run())
