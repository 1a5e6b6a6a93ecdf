extension StringProtocol {
    /// Whether `needle`'s UTF-8 bytes occur in this string's. Byte search, not `contains(_: StringProtocol)`,
    /// which comes from Foundation or _StringProcessing: neither exists in Embedded Swift. For the ASCII
    /// words we look for in libpq messages the answer is the same.
    package func contains(utf8 needle: String) -> Bool {
        let needle = Array(needle.utf8)
        guard !needle.isEmpty else { return true }
        let haystack = Array(utf8)
        guard haystack.count >= needle.count else { return false }
        for start in 0...(haystack.count - needle.count) where haystack[start..<(start + needle.count)].elementsEqual(needle) {
            return true
        }
        return false
    }
}
