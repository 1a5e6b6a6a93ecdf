import CPosix
import PgsqlStateCore

/// What an errno means, from the C library: the value itself lives in the core (`PgsqlStateCore.Errno`).
extension Errno {
    /// errno as the last failed call left it.
    package static var current: Errno { Errno(rawValue: pgsql_state_errno()) }

    /// strerror(3)'s words, for log lines.
    package var description: String { String(cString: strerror(rawValue)) }

    package static let interrupted = Errno(rawValue: EINTR)
    package static let wouldBlock = Errno(rawValue: EAGAIN)
    package static let noSuchFile = Errno(rawValue: ENOENT)
    package static let notDirectory = Errno(rawValue: ENOTDIR)
    package static let protocolType = Errno(rawValue: EPROTOTYPE)
    package static let permissionDenied = Errno(rawValue: EACCES)

    /// EAGAIN, or EWOULDBLOCK where a C library makes it a different number (POSIX allows it).
    package var isWouldBlock: Bool { rawValue == EAGAIN || rawValue == EWOULDBLOCK }
}
