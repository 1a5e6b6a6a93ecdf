import CLibPQ
import CPosix

/// One libpq connection. Non-copyable so that exactly one `PQfinish` runs, on every path, failed
/// connections included, and nothing can touch the handle after it.
struct Connection: ~Copyable {
    let handle: OpaquePointer

    /// nil only when libpq cannot allocate its connection object.
    init?(keywords: [String], values: [String]) {
        guard let handle = Connection.start(keywords: keywords, values: values) else { return nil }
        self.handle = handle
    }

    /// `PQconnectStartParams` with our settings; the caller owns the handle and must `PQfinish` it.
    static func start(keywords: [String], values: [String]) -> OpaquePointer? {
        let handle = withCStringArray(keywords) { keywordPointers in
            withCStringArray(values) { valuePointers in
                PQconnectStartParams(keywordPointers, valuePointers, 1)
            }
        }
        guard let handle else { return nil }
        // Verbose errors carry the SQLSTATE, which is how a failed start-up is classified.
        PQsetErrorVerbosity(handle, PQERRORS_VERBOSE)
        // Notices would be printed on stderr, which is the client's socket under xinetd.
        PQsetNoticeProcessor(handle, { _, _ in }, nil)
        return handle
    }

    deinit { PQfinish(handle) }

    var errorMessage: String { Connection.errorMessage(handle) }

    /// libpq's message for a handle (the peers' handles are not `Connection`s: one poll(2) drives them all).
    static func errorMessage(_ handle: OpaquePointer) -> String {
        guard let message = PQerrorMessage(handle) else { return "" }
        return String(cString: message)
    }

    func parameter(_ name: String) -> String? {
        guard let value = PQparameterStatus(handle, name) else { return nil }
        return String(cString: value)
    }
}

/// NULL-terminated array of C strings, valid for the duration of `body`.
private func withCStringArray<R>(_ strings: [String], _ body: (UnsafePointer<UnsafePointer<CChar>?>) -> R) -> R {
    let duplicates: [UnsafeMutablePointer<CChar>?] = strings.map { strdup($0) }
    defer { duplicates.forEach { free($0) } }
    var pointers: [UnsafePointer<CChar>?] = duplicates.map { UnsafePointer($0) }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
