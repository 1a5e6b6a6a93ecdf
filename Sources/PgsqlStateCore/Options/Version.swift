/// The one place the version is written; the man page, the package and `--version` read it from here.
package enum Version {
    package static let string = "0.1.0"
}
