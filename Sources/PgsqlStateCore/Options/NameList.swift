/// The names the usage errors list, read from their declarations (`CheckKind`, `Format`, `Check.LagMode`), so
/// that a check or format declared is listed the day it is declared. Plain loops: in the Embedded build each
/// generic `map`/`filter`/`joined` is specialised into the binary, for an error path.
package enum NameList {
    /// "a, b or c" (`conjunction` "or"), "a, b and c" ("and"); `separator` alone between all ("a|b|c").
    package static func series(_ names: [String], _ conjunction: String?, separator: String = ", ") -> String {
        var text = ""
        for (index, name) in names.enumerated() {
            if index > 0 {
                if index == names.count - 1, let conjunction { text += " " + conjunction + " " } else { text += separator }
            }
            text += name
        }
        return text
    }

    package static var formats: String {
        var names: [String] = []
        for format in Format.allCases { names.append(format.rawValue) }
        return series(names, "or")
    }

    package static var checks: String {
        var names: [String] = []
        for kind in CheckKind.allCases { names.append(kind.rawValue) }
        return series(names, nil)
    }

    package static var lagModes: String {
        var names: [String] = []
        for mode in Check.LagMode.allCases { names.append(mode.rawValue) }
        return series(names, nil, separator: "|")
    }

    /// The checks where `lag=` and `replication_state=` apply (elsewhere they are ignored, as Patroni does).
    package static var checksWithStandbyLimits: String {
        var names: [String] = []
        for kind in CheckKind.allCases where kind.acceptsStandbyLimits { names.append(kind.rawValue) }
        return series(names, "and")
    }
}
