import CPosix
import PgsqlStateCore

/// Calls on paths rather than descriptors.
package enum FileSystem {
    /// access(2) with F_OK: whether the path exists, as the process sees it.
    package static func exists(_ path: String) -> Result<Void, Errno> {
        nothingOrErrno { access(path, F_OK) }
    }

    /// stat(2), following symbolic links.
    package static func status(_ path: String) -> Result<stat, Errno> {
        var status = stat()
        return nothingOrErrno { stat(path, &status) }.map { status }
    }
}
