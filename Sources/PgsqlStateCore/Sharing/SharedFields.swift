/// A probe's record and a peer survey's reports as `SharedEntry` fields, and back; nil for fields that do
/// not read as one (the check then probes for itself).
extension ProbeRecord {
    package var fields: [String?] {
        switch self {
        case .failed(let reason, let diagnostic):
            return ["failed", reason.word, diagnostic]
        case .reported(let readOnly):
            return ["reported", readOnly ? "t" : "f"]
        case .queried(let result, let variant):
            var fields: [String?] = ["queried", Self.word(variant)]
            switch result {
            case .rows(let count, let first):
                fields += ["rows", String(count)]
                fields += first
            case .error(let sqlState, let message):
                fields += ["error", sqlState, message]
            case .none:
                fields.append("none")
            }
            return fields
        }
    }

    package init?(fields: [String?]) {
        guard let tag = fields.first ?? nil else { return nil }
        switch tag {
        case "failed":
            guard fields.count == 3, let word = fields[1], let reason = Reason.named(word), let diagnostic = fields[2] else { return nil }
            self = .failed(reason, diagnostic: diagnostic)
        case "reported":
            guard fields.count == 2, let value = fields[1], value == "t" || value == "f" else { return nil }
            self = .reported(readOnly: value == "t")
        case "queried":
            guard fields.count >= 3, let word = fields[1], let variant = Self.variant(word), let kind = fields[2] else { return nil }
            switch kind {
            case "rows":
                guard fields.count >= 4, let text = fields[3], let count = Int(text), count >= 0 else { return nil }
                self = .queried(.rows(count: count, first: Array(fields[4...])), variant)
            case "error":
                guard fields.count == 5, let message = fields[4] else { return nil }
                self = .queried(.error(sqlState: fields[3], message: message), variant)
            case "none":
                guard fields.count == 3 else { return nil }
                self = .queried(.none, variant)
            default:
                return nil
            }
        default:
            return nil
        }
    }

    private static func word(_ variant: FactsQuery.Variant) -> String {
        switch variant {
        case .check: "check"
        case .peers: "peers"
        case .report: "report"
        }
    }

    private static func variant(_ word: String) -> FactsQuery.Variant? {
        switch word {
        case "check": .check
        case "peers": .peers
        case "report": .report
        default: nil
        }
    }
}

extension PeerAnswer {
    /// Each report as its name, trust, then `answered` and four facts or `unanswered` and a reason.
    package static func fields(_ reports: [PeerAnswer]) -> [String?] {
        var fields: [String?] = []
        for report in reports {
            fields += [report.name, report.trust.map(word)]
            switch report.outcome {
            case .answered(let facts):
                fields += ["answered", facts.inRecovery ? "t" : "f", facts.readOnly ? "t" : "f", String(facts.timeline), facts.systemIdentifier]
            case .unanswered(let reason):
                fields += ["unanswered", reason.word]
            }
        }
        return fields
    }

    package static func answers(fields: [String?]) -> [PeerAnswer]? {
        var reports: [PeerAnswer] = []
        var index = 0
        func next() -> String?? {
            guard index < fields.count else { return .none }
            index += 1
            return .some(fields[index - 1])
        }
        while index < fields.count {
            guard case .some(.some(let name)) = next(), case .some(let trustWord) = next(),
                  case .some(.some(let tag)) = next() else { return nil }
            var trust: PeerSecurity.Trust?
            if let trustWord {
                guard let known = Self.trust(trustWord) else { return nil }
                trust = known
            }
            switch tag {
            case "answered":
                guard case .some(.some(let inRecovery)) = next(), case .some(.some(let readOnly)) = next(),
                      case .some(.some(let timelineText)) = next(), case .some(.some(let systemIdentifier)) = next(),
                      let inRecoveryValue = FactsQuery.boolean(inRecovery), let readOnlyValue = FactsQuery.boolean(readOnly),
                      let timeline = UInt32(timelineText) else { return nil }
                reports.append(PeerAnswer(name: name, outcome: .answered(PeerFacts(inRecovery: inRecoveryValue, readOnly: readOnlyValue,
                                                                                   timeline: timeline, systemIdentifier: systemIdentifier)),
                                          trust: trust))
            case "unanswered":
                guard case .some(.some(let word)) = next(), let reason = Reason.named(word) else { return nil }
                reports.append(PeerAnswer(name: name, outcome: .unanswered(reason), trust: trust))
            default:
                return nil
            }
        }
        return reports
    }

    private static func word(_ trust: PeerSecurity.Trust) -> String {
        switch trust {
        case .channelBound: "channel-bound"
        case .verifiedTLS: "verified-tls"
        case .channelBindingAdded: "channel-binding-added"
        case .peerCredentials: "peer-credentials"
        case .peerCredentialsAdded: "peer-credentials-added"
        }
    }

    private static func trust(_ word: String) -> PeerSecurity.Trust? {
        switch word {
        case "channel-bound": .channelBound
        case "verified-tls": .verifiedTLS
        case "channel-binding-added": .channelBindingAdded
        case "peer-credentials": .peerCredentials
        case "peer-credentials-added": .peerCredentialsAdded
        default: nil
        }
    }
}

/// What libpq's parser (PQconninfoParse) made of one `--peer` line, and libpq's version: remembered in the
/// runtime directory under the line's hash, so that a check answered from shared facts reads its `--peer`
/// lines without loading libpq. The same string always parses the same way with the same libpq.
package struct ParsedConninfo: Equatable, Sendable {
    package var libpqVersion: Int
    package var line: [PeerSecurity.Parameter]

    package init(libpqVersion: Int, line: [PeerSecurity.Parameter]) {
        self.libpqVersion = libpqVersion
        self.line = line
    }

    /// The entry's key for a line.
    package static func key(_ conninfo: String) -> String { "conninfo-" + Sharing.hash(["conninfo", conninfo]) }

    package var fields: [String?] {
        var fields: [String?] = [String(libpqVersion)]
        for parameter in line { fields += [parameter.keyword, parameter.value] }
        return fields
    }

    package init?(fields: [String?]) {
        guard fields.count % 2 == 1, let version = fields[0].flatMap({ Int($0) }), version > 0 else { return nil }
        var line: [PeerSecurity.Parameter] = []
        var index = 1
        while index < fields.count {
            guard let keyword = fields[index], let value = fields[index + 1] else { return nil }
            line.append(PeerSecurity.Parameter(keyword, value))
            index += 2
        }
        self.init(libpqVersion: version, line: line)
    }
}
