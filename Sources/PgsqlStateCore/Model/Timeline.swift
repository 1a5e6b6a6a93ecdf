/// PostgreSQL timeline IDs: every promotion starts a new, higher one, so a higher timeline is a later
/// history (https://www.postgresql.org/docs/current/continuous-archiving.html#BACKUP-TIMELINES).
package enum Timeline {
    /// The timeline in a WAL segment file name (`pg_walfile_name()`): its first 8 hexadecimal digits
    /// (`XLogFileName` in PostgreSQL's `xlog_internal.h`). nil for anything else.
    package static func ofWalFileName(_ name: String) -> UInt32? {
        let bytes = Array(name.utf8)
        guard bytes.count == 24, bytes.allSatisfy(isHexDigit) else { return nil }
        return UInt32(String(decoding: bytes[0..<8], as: UTF8.self), radix: 16)
    }

    /// A timeline ID as PostgreSQL prints an integer column.
    package static func ofInteger(_ text: String) -> UInt32? {
        guard !text.isEmpty, text.utf8.count <= 10, text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { return nil }
        return UInt32(text)
    }

    private static func isHexDigit(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x46) || (byte >= 0x61 && byte <= 0x66)
    }
}
