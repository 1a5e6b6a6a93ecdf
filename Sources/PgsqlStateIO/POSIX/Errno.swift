import CPosix
import PgsqlStateCore

/// What an errno means, from the C library: the value itself lives in the core (`PgsqlStateCore.Errno`).
extension Errno {
    /// errno as the last failed call left it.
    public static var current: Errno { Errno(rawValue: pgsql_state_errno()) }

    /// strerror(3)'s words, for log lines.
    public var description: String { String(cString: strerror(rawValue)) }

    public static let interrupted = Errno(rawValue: EINTR)
    public static let wouldBlock = Errno(rawValue: EAGAIN)
    public static let noSuchFile = Errno(rawValue: ENOENT)
    public static let notDirectory = Errno(rawValue: ENOTDIR)
    public static let protocolType = Errno(rawValue: EPROTOTYPE)
    public static let permissionDenied = Errno(rawValue: EACCES)

    /// EAGAIN, or EWOULDBLOCK where a C library makes it a different number (POSIX allows it).
    public var isWouldBlock: Bool { rawValue == EAGAIN || rawValue == EWOULDBLOCK }
}
