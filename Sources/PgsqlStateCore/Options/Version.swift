/// The one place the version is written; the man page, the package and `--version` read it from here.
public enum Version {
    public static let string = "0.1.0"
    /// What `--version` prints.
    public static let text = "pgsql-state \(string)\n"
}
