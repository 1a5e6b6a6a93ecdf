/// The one place the version is written; the man page, the package and `--version` read it from here.
package enum Version {
    package static let string = "0.1.0"
    /// What `--version` prints.
    package static let text = "pgsql-state \(string)\n"
}
