/// One row of `pg_stat_replication`: a standby (or pg_basebackup) streaming from this server. Without
/// `pg_read_all_stats` most columns of other roles' senders are NULL, which stays nil here.
package struct ReplicationConnection: Equatable, Sendable {
    package var usename: String?
    package var applicationName: String?
    package var clientAddress: String?
    package var state: String?
    package var syncState: String?
    package var syncPriority: Int?

    package init(usename: String? = nil, applicationName: String? = nil, clientAddress: String? = nil, state: String? = nil,
                syncState: String? = nil, syncPriority: Int? = nil) {
        self.usename = usename
        self.applicationName = applicationName
        self.clientAddress = clientAddress
        self.state = state
        self.syncState = syncState
        self.syncPriority = syncPriority
    }

    /// At most this many rows reach a document, and this many bytes of each value.
    static let maximumRows = 64
    static let maximumValueBytes = 256

    /// The report query's encoding: rows split by `;`, six fields by `,`, text fields as hexadecimal
    /// UTF-8, `-` for NULL. A row that does not have that shape is left out.
    package static func parse(_ text: String) -> [ReplicationConnection] {
        text.split(separator: ";").prefix(maximumRows).compactMap { row in
            let fields = row.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count == 6 else { return nil }
            var texts: [String?] = []
            for field in fields.prefix(5) {
                if field == "-" { texts.append(nil); continue }
                guard let bytes = hexBytes(field) else { return nil }
                texts.append(String(decoding: bytes.prefix(maximumValueBytes), as: UTF8.self))
            }
            let priority: Int?
            if fields[5] == "-" {
                priority = nil
            } else {
                guard fields[5].utf8.count <= 10, let value = Int(fields[5]) else { return nil }
                priority = value
            }
            return ReplicationConnection(usename: texts[0], applicationName: texts[1], clientAddress: texts[2],
                                         state: texts[3], syncState: texts[4], syncPriority: priority)
        }
    }

    private static func hexBytes(_ text: Substring) -> [UInt8]? {
        let digits = Array(text.utf8)
        guard digits.count % 2 == 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(digits.count / 2)
        var index = 0
        while index < digits.count {
            guard let high = nibble(digits[index]), let low = nibble(digits[index + 1]) else { return nil }
            bytes.append(high << 4 | low)
            index += 2
        }
        return bytes
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: digit - 0x30
        case 0x61...0x66: digit - 0x61 + 10
        default: nil
        }
    }
}
