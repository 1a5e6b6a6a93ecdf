/// A `--config` file as read: its text, and who may read it (from fstat(2) on the descriptor the text
/// was read from, so the two describe the same file).
package struct ConfigSource: Equatable, Sendable {
    package var text: String
    package var owner: UInt32
    /// The permission bits (`st_mode & 0o7777`).
    package var mode: UInt32

    package init(text: String, owner: UInt32, mode: UInt32) {
        self.text = text
        self.owner = owner
        self.mode = mode
    }

    /// The package ships the file `0640 root:pgsql-state`: the checker's group reads it, nobody else. A
    /// password in a file anyone may read, or one its non-root owner may rewrite (and so redirect the
    /// checks), is refused rather than used; without a password, the file holds nothing secret.
    package func refusePasswordUnlessPrivate(path: String) throws(UsageError) {
        guard mode & 0o004 != 0 || owner != 0 else { return }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        for (index, line) in lines.enumerated() where !line.drop(while: { $0 == " " || $0 == "\t" }).hasPrefix("#") {
            guard SecretMask.carriesPassword(String(line)) else { continue }
            let who = owner != 0 ? "owned by uid \(owner), not root" : "readable by everyone (mode \(Self.octal(mode)))"
            throw UsageError("\(path):\(index + 1): a password in a file \(who): refused. Put it in /etc/pgsql-state/pgpass "
                + "(PGPASSFILE), or make the file chown root:pgsql-state, chmod 0640")
        }
    }

    static func octal(_ mode: UInt32) -> String {
        let digits = (0..<4).reversed().map { String((mode >> (3 * UInt32($0))) & 7) }
        return digits.joined()
    }
}
