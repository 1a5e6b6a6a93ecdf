import CPosix
import PgsqlStateCore

/// Looks for the maintenance file (see `MaintenanceFileState` for why it fails closed).
public enum MaintenanceFile {
    public static func check(_ path: String) -> MaintenanceFileState {
        let error: Errno
        switch nothingOrErrno({ access(path, F_OK) }) {
        case .success: return .present
        case .failure(let failure): error = failure
        }
        guard error == .noSuchFile else { return .uncheckable(errno: error.rawValue) }
        // ENOENT also when a directory on the way is missing, or emptied by ProtectHome=yes: only a missing
        // file in a directory that is there means no maintenance.
        var status = stat()
        if case .failure(let failure) = nothingOrErrno({ stat(MaintenanceFileState.directory(of: path), &status) }) {
            return .uncheckable(errno: failure.rawValue)
        }
        guard status.st_mode & mode_t(S_IFMT) == mode_t(S_IFDIR) else { return .uncheckable(errno: Errno.notDirectory.rawValue) }
        return .absent
    }
}
