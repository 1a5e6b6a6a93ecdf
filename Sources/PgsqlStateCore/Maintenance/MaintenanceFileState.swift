/// What looking for the `--maintenance-file` found. It fails closed: only "no such file, in a directory
/// that is there" keeps the node in its pools. A path that cannot be checked (EACCES on a directory,
/// ENOTDIR, a directory hidden by systemd's ProtectHome= or missing) counts as maintenance, or an operator's
/// maintenance would silently be ignored.
package enum MaintenanceFileState: Equatable, Sendable {
    case absent
    case present
    /// Why the check failed, for the log line.
    case uncheckable(Errno)

    package var isMaintenance: Bool { self != .absent }

    /// The directory that must exist for a missing file to mean "no maintenance": "/" for "/x", "." for "x".
    package static func directory(of path: String) -> String {
        let bytes = Array(path.utf8)
        var end = bytes.count
        while end > 1, bytes[end - 1] == UInt8(ascii: "/") { end -= 1 }  // "dir/" names dir itself
        guard let slash = bytes[..<end].lastIndex(of: UInt8(ascii: "/")) else { return "." }
        var parentEnd = slash
        while parentEnd > 0, bytes[parentEnd - 1] == UInt8(ascii: "/") { parentEnd -= 1 }
        return parentEnd == 0 ? "/" : String(decoding: bytes[..<parentEnd], as: UTF8.self)
    }
}
