/// An errno value kept with the result that failed (swift-system's `Errno`, reduced to what we use). A plain
/// number here, so that events can carry it into the plan; its words (strerror(3)) and the named values are
/// the POSIX seam's (PgsqlStateIO/POSIX/Errno.swift).
package struct Errno: Error, Equatable, Sendable {
    package let rawValue: Int32

    package init(rawValue: Int32) { self.rawValue = rawValue }
}
