import CArgv

/// The command line after the program name. Not `CommandLine`: Embedded Swift has none, and the static
/// runtime's finds argv by parsing /proc/self/maps at every start (Sources/CArgv/argv.c).
enum Arguments {
    static func afterProgramName() -> [String] {
        var count: Int32 = 0
        guard let argv = pgsql_state_arguments(&count) else { return [] }
        var arguments: [String] = []
        var index = 1
        while index < Int(count) {
            if let argument = argv[index] { arguments.append(String(cString: argument)) }
            index += 1
        }
        return arguments
    }
}
