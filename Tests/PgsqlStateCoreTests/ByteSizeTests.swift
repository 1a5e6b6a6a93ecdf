import PgsqlStateCore
import Testing

@Suite struct ByteSizeTests {
    @Test(arguments: [
        ("0", UInt64(0)), ("123", 123), ("16B", 16), ("16kB", 16384), ("10MB", 10 << 20), ("1GB", 1 << 30), ("2TB", 2 << 40),
        ("18446744073709551615", UInt64.max),
    ])
    func accepted(_ text: String, _ bytes: UInt64) {
        #expect(ByteSize.parse(Substring(text)) == bytes)
    }

    @Test(arguments: ["", "kB", "-1", "1.5MB", "16 MB", "16mb", "16KB", "0x10", "+1", "18446744073709551616", "16777216TB", "1e6"])
    func refused(_ text: String) {
        #expect(ByteSize.parse(Substring(text)) == nil)
    }
}
