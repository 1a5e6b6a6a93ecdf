import PgsqlStateCore
import Testing

@Suite struct NameListTests {
    @Test func series() {
        #expect(NameList.series([], "or") == "")
        #expect(NameList.series(["a"], "or") == "a")
        #expect(NameList.series(["a", "b"], "or") == "a or b")
        #expect(NameList.series(["a", "b", "c"], "and") == "a, b and c")
    }

    /// A check or format declared is named by `--help` and by the usage errors, with no list to update.
    @Test func everyDeclaredNameIsListed() throws {
        for kind in CheckKind.allCases {
            #expect(HelpText.text.contains(kind.rawValue), "--help does not name \(kind.rawValue)")
            #expect(NameList.checks.contains(kind.rawValue))
            if kind.acceptsStandbyLimits { #expect(NameList.checksWithStandbyLimits.contains(kind.rawValue)) }
        }
        for format in Format.allCases {
            #expect(HelpText.text.contains(format.rawValue))
        }
        for (arguments, listed) in [(["--check", "nonsense"], NameList.checks), (["--format", "nonsense"], NameList.formats)] {
            do {
                _ = try OptionsParser.parse(arguments)
                Issue.record("\(arguments) parsed")
            } catch {
                #expect(error.message.contains(listed), "\(error.message)")
            }
        }
    }
}
