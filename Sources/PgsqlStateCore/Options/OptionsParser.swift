/// Hand-written on purpose: an argument-parsing library costs more start-up than this whole check
/// for a process started thousands of times a minute. Accepts `--name value` and `--name=value`.
package enum OptionsParser {
    /// `readConfig` reads a `--config` file and says who may read it; `readPeer` reads a `--peer` line
    /// the way libpq will (`ClusterPeer`). Both performed by the caller; they throw a usage error for the
    /// operator.
    package static func parse(_ arguments: [String],
                             readConfig: (String) throws(UsageError) -> ConfigSource,
                             readPeer: (String) throws(UsageError) -> ClusterPeer) throws(UsageError) -> Invocation {
        try invocation(arguments, readConfig: readConfig, readPeer: readPeer)
    }

    /// For callers whose files are text only (tests): as if owned by root and private.
    package static func parse(_ arguments: [String],
                             readFile: (String) throws(UsageError) -> String = noFiles,
                             readPeer: (String) throws(UsageError) -> ClusterPeer = noPeers) throws(UsageError) -> Invocation {
        try invocation(arguments, readConfig: { path throws(UsageError) in ConfigSource(text: try readFile(path), owner: 0, mode: 0o600) },
                       readPeer: readPeer)
    }

    /// For callers that have no files to offer (tests of everything else).
    package static func noFiles(_ path: String) throws(UsageError) -> String { throw UsageError("cannot read \(path)") }

    /// For callers that cannot read a `--peer` line (only libpq can).
    package static func noPeers(_ conninfo: String) throws(UsageError) -> ClusterPeer { throw UsageError("cannot read --peer here") }

    private static func invocation(_ arguments: [String],
                                   readConfig: (String) throws(UsageError) -> ConfigSource,
                                   readPeer: (String) throws(UsageError) -> ClusterPeer) throws(UsageError) -> Invocation {
        var options = Options()
        var remaining = arguments[...]
        var configRead = false
        while let argument = remaining.popFirst() {
            var name = argument
            var inlineValue: String?
            if argument.hasPrefix("--"), let equals = argument.firstIndex(of: "=") {
                name = String(argument[..<equals])
                inlineValue = String(argument[argument.index(after: equals)...])
            }
            func value() throws(UsageError) -> String {
                if let inlineValue { return inlineValue }
                guard let next = remaining.popFirst() else { throw UsageError("\(name) needs a value") }
                return next
            }
            switch name {
            case "--help", "-h":
                return .help
            case "--version":
                return .version
            case "--format":
                let text = try value()
                guard let format = Format(rawValue: text) else {
                    throw UsageError("--format must be \(NameList.formats), not '\(text)'")
                }
                options.format = format
            case "--check":
                let text = try value()
                do {
                    options.check = try CheckParser.parse(Substring(text))
                } catch {
                    switch error {
                    case .unknownCheck:
                        throw UsageError("--check: unknown check in '\(text)' (\(NameList.checks))")
                    case .invalidParameter:
                        throw UsageError("--check: invalid parameter in '\(text)' (lag=SIZE and replication_state=streaming on \(NameList.checksWithStandbyLimits); mode=\(NameList.lagModes) on readiness; tag_KEY=VALUE)")
                    }
                }
            case "--conninfo":
                options.conninfo = try value()
            case "--timeout":
                let text = try value()
                guard let nanoseconds = Seconds.nanoseconds(text),
                      (Options.minimumTimeoutNanoseconds...Options.maximumTimeoutNanoseconds).contains(nanoseconds) else {
                    throw UsageError("--timeout must be a number of seconds from 0.01 to 10, not '\(text)'")
                }
                options.timeoutNanoseconds = nanoseconds
            case "--share-facts":
                let text = try value()
                guard let nanoseconds = Seconds.nanoseconds(text), nanoseconds <= Sharing.maximumNanoseconds else {
                    throw UsageError("--share-facts must be a number of seconds from 0 (off) to 1, not '\(text)'")
                }
                options.shareNanoseconds = nanoseconds
            case "--maintenance-file":
                let text = try value()
                guard !text.isEmpty else { throw UsageError("--maintenance-file needs a path") }
                options.maintenanceFile = text
            case "--peer":
                let text = try value()
                guard !text.isEmpty else { throw UsageError("--peer needs a connection string") }
                options.peers.append(try readPeer(text))
            case "--min-peers":
                let text = try value()
                guard text.utf8.count <= 3, let count = Int(text), count >= 0 else {
                    throw UsageError("--min-peers must be a whole number from 0 to the number of peers, not '\(text)'")
                }
                options.minPeers = count
            case "--tag":
                let text = try value()
                guard let tag = Tag.parse(Substring(text)) else {
                    throw UsageError("--tag must be KEY=VALUE (KEY: letters, digits, _ and -; VALUE: printable, no spaces, & or quotes), not '\(text)'")
                }
                options.tags.append(tag)
            case "--config":
                let path = try value()
                guard !path.isEmpty else { throw UsageError("--config needs a path") }
                // One file: its lines take the place of the option, so later arguments override it.
                guard !configRead else { throw UsageError("--config may be given once") }
                configRead = true
                let source = try readConfig(path)
                try source.refusePasswordUnlessPrivate(path: path)
                let lines = try Config.arguments(source.text, path: path)
                remaining = (lines + remaining)[...]
            default:
                throw UsageError("unknown argument '\(argument)' (see --help)")
            }
        }
        guard options.minPeers <= options.peers.count else {
            throw UsageError("--min-peers \(options.minPeers) is more than the \(options.peers.count) peers given")
        }
        return .run(options)
    }
}

/// Decimal seconds ("1", "0.5", "2.25") to nanoseconds, without floating point rounding surprises.
enum Seconds {
    static func nanoseconds(_ text: String) -> UInt64? {
        let parts = text.split(separator: ".", maxSplits: 1, omittingEmptySubsequences: false)
        guard let whole = parts.first, !whole.isEmpty || parts.count == 2,
              whole.count <= 3, whole.allSatisfy({ $0.isASCIIDigit }) else { return nil }
        var fraction = parts.count == 2 ? parts[1] : ""
        guard fraction.count <= 9, fraction.allSatisfy({ $0.isASCIIDigit }), !(parts.count == 2 && fraction.isEmpty) else {
            return nil
        }
        fraction += String(repeating: "0", count: 9 - fraction.count)
        return (UInt64(whole) ?? 0) * 1_000_000_000 + (UInt64(fraction) ?? 0)
    }
}

extension Character {
    var isASCIIDigit: Bool { self >= "0" && self <= "9" }
}
