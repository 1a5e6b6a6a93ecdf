import CPosix

/// Where checks leave what the next ones read (the log budget, shared facts): $RUNTIME_DIRECTORY, which
/// systemd sets for RuntimeDirectory= (systemd.exec(5)), else /run/pgsql-state, which the package's
/// tmpfiles.d entry creates for the service user. A tmpfs: nothing in it outlives a reboot.
package enum RuntimeDirectory {
    package static let defaultPath = "/run/pgsql-state"

    package static var path: String {
        getenv("RUNTIME_DIRECTORY").map { String(cString: $0) }
            .flatMap { $0.split(separator: ":").first.map(String.init) } ?? defaultPath
    }
}
