/// One shared probe or peer survey as it is stored in its file: which question it answers (`Sharing.key`),
/// when it was taken (CLOCK_MONOTONIC, the moment the probe started, so that its age is never understated)
/// and its fields. Read strictly: anything else, a torn or foreign file included, is no entry and the check
/// probes for itself.
package struct SharedEntry: Equatable, Sendable {
    package var key: String
    package var takenAt: UInt64
    package var fields: [String?]

    package init(key: String, takenAt: UInt64, fields: [String?]) {
        self.key = key
        self.takenAt = takenAt
        self.fields = fields
    }

    /// Larger files are not read: an entry is a few hundred bytes.
    package static let maximumBytes = 16_384
    static let magic = "pgsql-state-shared 1"

    /// Header line `pgsql-state-shared 1 KEY TAKEN-AT COUNT`, then each field as `-` (NULL) or `LENGTH:BYTES`.
    package var bytes: [UInt8] {
        var out = Array("\(Self.magic) \(key) \(takenAt) \(fields.count)\n".utf8)
        for field in fields {
            if let field {
                out += Array("\(field.utf8.count):".utf8)
                out += Array(field.utf8)
            } else {
                out.append(UInt8(ascii: "-"))
            }
        }
        return out
    }

    package init?(bytes: [UInt8]) {
        guard bytes.count <= Self.maximumBytes, let newline = bytes.firstIndex(of: UInt8(ascii: "\n")) else { return nil }
        let header = String(decoding: bytes[..<newline], as: UTF8.self).split(separator: " ")
        guard header.count == 5, "\(header[0]) \(header[1])" == Self.magic,
              let takenAt = UInt64(header[3]), let count = Int(header[4]), count <= Self.maximumBytes else { return nil }
        var fields: [String?] = []
        var index = newline + 1
        while fields.count < count {
            guard index < bytes.count else { return nil }
            if bytes[index] == UInt8(ascii: "-") {
                fields.append(nil)
                index += 1
                continue
            }
            var length = 0
            while index < bytes.count, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9"), length <= Self.maximumBytes {
                length = length * 10 + Int(bytes[index] - UInt8(ascii: "0"))
                index += 1
            }
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":"), bytes.count - index - 1 >= length else { return nil }
            fields.append(String(decoding: bytes[(index + 1)..<(index + 1 + length)], as: UTF8.self))
            index += 1 + length
        }
        guard index == bytes.count else { return nil }
        self.init(key: String(header[2]), takenAt: takenAt, fields: fields)
    }

    /// The entry answers a run started at `runStart` if it is for the same question and was taken at most
    /// the window before that start (not before `now`: a check that waited for a probe in flight takes its
    /// facts). So every answer comes from a probe started no earlier than the window before its check
    /// started. nil when it does not; else its age at `now`.
    package func age(for sharing: Sharing, runStart: UInt64, now: UInt64) -> UInt64? {
        guard key == sharing.key, takenAt <= now, takenAt + sharing.nanoseconds >= runStart else { return nil }
        return now - takenAt
    }
}
