#if canImport(Glibc)
import Glibc
#endif
import PgsqlStateCore

/// Looks for the maintenance file (see `MaintenanceFileState` for why it fails closed).
public enum MaintenanceFile {
    public static func check(_ path: String) -> MaintenanceFileState {
        if access(path, F_OK) == 0 { return .present }
        let error = errno
        guard error == ENOENT else { return .uncheckable(errno: error) }
        // ENOENT also when a directory on the way is missing, or emptied by ProtectHome=yes: only a missing
        // file in a directory that is there means no maintenance.
        var status = stat()
        guard stat(MaintenanceFileState.directory(of: path), &status) == 0 else { return .uncheckable(errno: errno) }
        guard (status.st_mode & S_IFMT) == S_IFDIR else { return .uncheckable(errno: ENOTDIR) }
        return .absent
    }
}
