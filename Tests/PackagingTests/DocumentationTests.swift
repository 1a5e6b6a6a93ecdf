import Foundation
import PgsqlStateCore
import Testing
import TestSupport

/// `--help`, README.md and the man page describe the same options, checks, reasons and exit statuses, and
/// agree with the code.
@Suite struct DocumentationTests {
    // MARK: the three sources

    static func readme() throws -> String { try SourceTree.read("README.md") }

    /// The man page as `man` shows it, rendered by groff with lines long enough never to wrap.
    static func manPage() throws -> [String: [String]] {
        let result = try Shell.run("/usr/bin/groff", ["-man", "-Tascii", "-P-c", "-P-b", "-P-u", "-P-o",
                                                      "-rLL=2000n", "-rHY=0", SourceTree.root + "/man/pgsql-state.8"])
        try #require(result.stderr.isEmpty, "groff: \(result.stderr)")
        return sections(result.stdout)
    }

    /// Section title (a line at column 0 in capitals) -> its lines.
    static func sections(_ text: String) -> [String: [String]] {
        var sections: [String: [String]] = [:]
        var current = ""
        for line in text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) {
            if let first = line.first, first != " ", line.allSatisfy({ $0.isUppercase || $0 == " " }) {
                current = line
                sections[current] = []
            } else {
                sections[current, default: []].append(line)
            }
        }
        return sections
    }

    /// A README section: from its `## Title` line to the next `## `.
    static func readmeSection(_ title: String) throws -> [String] {
        let lines = try readme().split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let start = try #require(lines.firstIndex(of: "## " + title), "README has no ## \(title)")
        let rest = lines[(start + 1)...]
        return Array(rest.prefix { !$0.hasPrefix("## ") })
    }

    /// The rows of the Markdown table whose header line starts with `header`.
    static func tableRows(_ lines: [String], header: String) throws -> [[String]] {
        let start = try #require(lines.firstIndex { $0.hasPrefix(header) }, "no table \(header)")
        return lines[(start + 2)...].prefix { $0.hasPrefix("|") }.map { row in
            row.split(separator: "|", omittingEmptySubsequences: false).dropFirst().dropLast()
                .map { $0.trimmingCharacters(in: .whitespaces) }
        }
    }

    /// The `code` spans in a Markdown cell or line.
    static func codeSpans(_ text: String) -> [String] {
        text.split(separator: "`", omittingEmptySubsequences: false).enumerated()
            .filter { $0.offset % 2 == 1 }.map { String($0.element) }
    }

    // MARK: options

    static func helpOptions(_ help: String) -> [String] {
        help.split(separator: "\n").compactMap { line in
            guard line.hasPrefix("  --") else { return nil }
            return line.dropFirst(2).split(separator: " ").first.map(String.init)
        }
    }

    @Test func optionsAgree() throws {
        let help = Self.helpOptions(HelpText.text)
        let shown = try Command.run(CheckerBinary.path, ["--help"], timeout: .seconds(10))
        #expect(shown.status == 0)
        #expect(shown.stdout == HelpText.text)

        let readme = try Self.tableRows(Self.readmeSection("Options"), header: "| option |")
            .compactMap { Self.codeSpans($0[0]).first?.split(separator: " ").first.map(String.init) }

        let man = try #require(Self.manPage()["OPTIONS"]).compactMap { line -> String? in
            // .TP tags sit at column 7; their text starts at 14, or on the same line after a short tag.
            guard line.hasPrefix("       --") else { return nil }
            return line.dropFirst(7).split(separator: " ").first.map(String.init)
        }

        #expect(help.count == 12, "\(help)")
        #expect(Set(readme) == Set(help), "README \(readme) vs --help \(help)")
        #expect(Set(man) == Set(help), "man page \(man) vs --help \(help)")
        #expect(readme.count == Set(readme).count && man.count == Set(man).count)

        // Every option in the synopsis too.
        let synopsis = try #require(Self.manPage()["SYNOPSIS"]).joined(separator: " ")
        for option in help { #expect(synopsis.contains(option), "SYNOPSIS lacks \(option)") }

        // Every option the parser takes is documented (and only those): each documented one parses.
        for option in help {
            let arguments = ["--help", "--version"].contains(option) ? [option] : [option, Self.sampleValue(option)]
            // --config reads a file: an empty one here.
            do {
                _ = try OptionsParser.parse(arguments, readFile: { (_: String) throws(UsageError) -> String in "" },
                                            readPeer: { (line: String) throws(UsageError) -> ClusterPeer in
                                                try ClusterPeer(conninfo: line, line: [PeerSecurity.Parameter("host", "192.0.2.12")],
                                                                libpqVersion: 0, isIPAddress: { _ in true })
                                            })
            } catch {
                Issue.record("\(option) is documented but refused: \(error.message)")
            }
        }
    }

    static func sampleValue(_ option: String) -> String {
        switch option {
        case "--format": "text"
        case "--check": "replica?lag=16MB"
        case "--timeout": "0.5"
        case "--min-peers": "0"
        case "--share-facts": "0.25"
        case "--peer": "host=192.0.2.12"
        case "--tag": "nofailover=true"
        default: "x"
        }
    }

    // MARK: checks

    typealias CheckNames = [String: Set<String>]  // canonical name -> aliases

    static func readmeChecks() throws -> CheckNames {
        var checks: CheckNames = [:]
        for row in try tableRows(readmeSection("Checks"), header: "| check (aliases) |") {
            let names = codeSpans(row[0])
            guard let name = names.first else { continue }
            checks[name] = Set(names.dropFirst())
        }
        return checks
    }

    /// `.SS name`, `.SS name (default)`, `.SS name (aliases: a, b)` under CHECKS, rendered at column 3.
    static func manChecks() throws -> CheckNames {
        var checks: CheckNames = [:]
        for line in try #require(manPage()["CHECKS"]) where line.hasPrefix("   ") && !line.hasPrefix("    ") {
            let text = line.dropFirst(3)
            let name = String(text.prefix { $0 != " " })
            var aliases: Set<String> = []
            if let open = text.range(of: "(aliases: "), let close = text.lastIndex(of: ")") {
                aliases = Set(text[open.upperBound..<close].components(separatedBy: ", "))
            }
            checks[name] = aliases
        }
        return checks
    }

    @Test func checksAndAliasesAgree() throws {
        let readme = try Self.readmeChecks()
        let man = try Self.manChecks()
        #expect(readme == man, "README \(readme) vs man page \(man)")
        #expect(Set(readme.keys) == Set(CheckKind.allCases.map(\.rawValue)))
        for (name, aliases) in readme {
            let kind = CheckKind(name: name)
            #expect(kind?.rawValue == name)
            for alias in aliases {
                #expect(CheckKind(name: alias) == kind, "alias \(alias) of \(name)")
            }
        }
        // The help names every check.
        for name in readme.keys {
            #expect(HelpText.text.contains(name), "--help does not name \(name)")
        }

        // HTTP paths: one per name and alias, in both.
        let everyName = Set(readme.flatMap { [$0.key] + $0.value })
        let formats = try Self.readmeSection("Checks")
        let httpBullet = formats.drop { !$0.contains("**`http`**") }.enumerated()
            .prefix { $0.offset == 0 || !$0.element.hasPrefix("- ") }.map(\.element).joined(separator: " ")
        let readmeHTTP = Self.pathList(httpBullet)
        let manHTTP = try #require(Self.manPage()["FORMATS"]).first { $0.hasPrefix("       http ") }.map(Self.pathList) ?? []
        #expect(readmeHTTP == everyName, "README paths \(readmeHTTP)")
        #expect(manHTTP == everyName, "man page paths \(manHTTP)")

        // The man page gives each check's HTTP code, text word, agent word and exit status.
        let checks = try #require(Self.manPage()["CHECKS"])
        for name in readme.keys {
            let start = try #require(checks.firstIndex { $0.hasPrefix("   \(name)") })
            let block = checks[(start + 1)...].prefix { !$0.hasPrefix("   ") || $0.hasPrefix("    ") }
                .map { $0.trimmingCharacters(in: .whitespaces) }
            for label in ["HTTP:", "text:", "agent:", "exit:"] {
                #expect(block.contains { $0.hasPrefix(label) }, "\(name) lacks \(label)")
            }
        }
    }

    /// The `/name` paths after "path selects the check (" up to the closing parenthesis.
    static func pathList(_ text: String) -> Set<String> {
        guard let open = text.range(of: "the check (") else { return [] }
        let rest = text[open.upperBound...]
        let list = rest.prefix { $0 != ")" }
        return Set(list.replacingOccurrences(of: "`", with: "").components(separatedBy: ", ")
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { $0.hasPrefix("/") }.map { String($0.dropFirst()) })
    }

    // MARK: reasons and exit statuses

    @Test func reasonsAndExitStatusesAgree() throws {
        let readmeReasons = try Self.tableRows(Self.readmeSection("Checks"), header: "| reason | meaning |")
            .compactMap { Self.codeSpans($0[0]).first }
        let manReasons = try #require(Self.manPage()["STATES AND REASONS"]).compactMap { line -> String? in
            guard line.hasPrefix("       "), !line.hasPrefix("        ") else { return nil }
            let word = line.dropFirst(7).prefix { $0 != " " }
            guard let first = word.first, first.isLowercase,
                  word.allSatisfy({ $0.isLowercase || $0 == "-" }) else { return nil }
            let rest = line.dropFirst(7 + word.count)
            return rest.isEmpty || rest.hasPrefix("  ") ? String(word) : nil
        }
        let code = Reason.allCases.map(\.word)
        #expect(readmeReasons == code, "README reasons \(readmeReasons)")
        #expect(manReasons == code, "man page reasons \(manReasons)")

        let statuses = [ExitStatus.passed, .wrongRole, .unavailable, .usage].map { String($0.rawValue) }
        let readmeExit = try Self.readmeSection("Checks").drop { $0 != "### Exit status" }.dropFirst()
            .prefix { !$0.hasPrefix("#") }.flatMap(Self.codeSpans).filter { Int($0) != nil }
        let manExit = try #require(Self.manPage()["EXIT STATUS"]).compactMap { line -> String? in
            guard line.hasPrefix("       "), let word = line.dropFirst(7).split(separator: " ").first,
                  Int(word) != nil else { return nil }
            return String(word)
        }
        #expect(readmeExit == statuses, "README exit statuses \(readmeExit)")
        #expect(manExit == statuses, "man page exit statuses \(manExit)")
    }

    // MARK: version

    @Test func versionComesFromVersionSwift() throws {
        let shown = try Command.run(CheckerBinary.path, ["--version"], timeout: .seconds(10))
        #expect(shown.stdout == "pgsql-state \(Version.string)\n")
        // The Makefile reads the same file.
        #expect(try Shell.make(["-s", "version"]).stdout == Version.string + "\n")
        // The man page source holds a placeholder, not a second copy of the version.
        let source = try SourceTree.read("man/pgsql-state.8")
        #expect(source.contains("\n.TH PGSQL\\-STATE 8 \"\" \"pgsql\\-state @VERSION@\""))
        #expect(!source.contains("pgsql\\-state \(Version.string)"))
        // So do the package templates.
        #expect(try SourceTree.read("packaging/control.in").contains("\nVersion: @VERSION@\n"))
        #expect(try SourceTree.read("packaging/changelog.in").hasPrefix("pgsql-state (@VERSION@) "))
    }
}
