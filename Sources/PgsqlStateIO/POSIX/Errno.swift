import CPosix

/// An errno value kept with the result that failed (swift-system's `Errno`, reduced to what we use).
public struct Errno: Error, Equatable, Sendable, CustomStringConvertible {
    public let rawValue: Int32

    public init(rawValue: Int32) { self.rawValue = rawValue }

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
