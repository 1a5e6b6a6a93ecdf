/// Sizes as PostgreSQL and Patroni write them: a whole number of bytes, optionally with a unit
/// B, kB, MB, GB or TB (1024-based). No spaces, no fractions, nothing that overflows 64 bits.
package enum ByteSize {
    private static let units: [(suffix: String, multiplier: UInt64)] = [
        ("kB", 1 << 10), ("MB", 1 << 20), ("GB", 1 << 30), ("TB", 1 << 40), ("B", 1),
    ]

    package static func parse(_ text: Substring) -> UInt64? {
        var digits = text
        var multiplier: UInt64 = 1
        for unit in units where text.hasSuffix(unit.suffix) {
            digits = text.dropLast(unit.suffix.count)
            multiplier = unit.multiplier
            break
        }
        guard !digits.isEmpty, digits.count <= 20, digits.allSatisfy({ $0 >= "0" && $0 <= "9" }),
              let value = UInt64(digits) else { return nil }
        let (product, overflow) = value.multipliedReportingOverflow(by: multiplier)
        return overflow ? nil : product
    }
}
