import CPosix
import PgsqlStateCore

/// Looks for the maintenance file (see `MaintenanceFileState` for why it fails closed).
package enum MaintenanceFile {
    package static func check(_ path: String) -> MaintenanceFileState {
        let error: Errno
        switch FileSystem.exists(path) {
        case .success: return .present
        case .failure(let failure): error = failure
        }
        guard error == .noSuchFile else { return .uncheckable(error) }
        // ENOENT also when a directory on the way is missing, or emptied by ProtectHome=yes: only a missing
        // file in a directory that is there means no maintenance.
        let status: stat
        switch FileSystem.status(MaintenanceFileState.directory(of: path)) {
        case .success(let found): status = found
        case .failure(let failure): return .uncheckable(failure)
        }
        guard status.st_mode & mode_t(S_IFMT) == mode_t(S_IFDIR) else { return .uncheckable(.notDirectory) }
        return .absent
    }
}
