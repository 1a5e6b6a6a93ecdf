import PgsqlStateCore
import Testing

@Suite struct SecretMaskTests {
    @Test(arguments: [
        // keyword/value, unquoted and quoted (libpq: single quotes, backslash escapes)
        ("host=db password=s3cret dbname=postgres", "host=db password=*** dbname=postgres"),
        ("password = s3cret", "password = ***"),
        ("host=db password='s3 cr\\'et' port=5432", "host=db password=*** port=5432"),
        ("password='unterminated secret", "password=***"),
        ("sslpassword=key-pass PGPASSWORD=env-pass", "sslpassword=*** PGPASSWORD=***"),
        ("PASSWORD=Upper", "PASSWORD=***"),
        // URI: user info and query parameter, as libpq quotes them in its errors
        ("invalid URI: \"postgresql://checker:s3cret@[::1\"", "invalid URI: \"postgresql://checker:***@[::1\""),
        ("postgres://u:p%40ss@db:5432/x?password=q&sslmode=require", "postgres://u:***@db:5432/x?password=***&sslmode=require"),
        ("unexpected spaces found in \"postgresql://u:my secret@host\"", "unexpected spaces found in \"postgresql://u:***@host\""),
        ("postgresql://u:pa/ss@host/db", "postgresql://u:***@host/db"),
        ("unknown argument 'postgresql://admin:hunter2@db' (see --help)", "unknown argument 'postgresql://admin:***@db' (see --help)"),
        ("\"postgresql://a:1@h\" and \"postgresql://b:2@h\"", "\"postgresql://a:***@h\" and \"postgresql://b:***@h\""),
        // Quotes, blanks and '@' in a URI password: libpq's user info ends at the last '@', not at a quote
        ("unexpected character \"x\" at position 29 in URI (expected \":\" or \"/\"): \"postgresql://u:se'cret@[::1]x/postgres\"",
         "unexpected character \"x\" at position 29 in URI (expected \":\" or \"/\"): \"postgresql://u:***@[::1]x/postgres\""),
        ("end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"postgresql://u:se\"cret@[::1/db\"",
         "end of string reached when looking for matching \"]\" in IPv6 host address in URI: \"postgresql://u:***@[::1/db\""),
        ("unknown argument '--peers=postgresql://u:se'cret@db' (see --help)", "unknown argument '--peers=postgresql://u:***@db' (see --help)"),
        ("unknown argument '--peers=postgresql://u:se\"cret@db' (see --help)", "unknown argument '--peers=postgresql://u:***@db' (see --help)"),
        ("\"postgresql://u:se cr'et@db/x\"", "\"postgresql://u:***@db/x\""),
        ("\"postgresql://u:se@cret@db/x\"", "\"postgresql://u:***@db/x\""),
        ("\"postgresql://u:se%40cret@db/x\"", "\"postgresql://u:***@db/x\""),
        ("postgresql://u:x@h/?password=y@z", "postgresql://u:***"),
        // keyword/value: a double quote inside single quotes, a single quote escaped
        ("host=db password='se\"cret' port=1", "host=db password=*** port=1"),
        ("host=db password='se\\'cret' port=1", "host=db password=*** port=1"),
        ("host=db password=se'cret port=1", "host=db password=*** port=1"),
    ])
    func passwordsAreMasked(_ text: String, _ expected: String) {
        #expect(SecretMask.redact(text) == expected)
    }

    @Test(arguments: [
        "unavailable: unreachable (connection to server on socket \"/run/postgresql/.s.PGSQL.5432\" failed)",
        "postgresql://checker@db:5432/postgres",
        "host=/var/run/postgresql port=5432 user=pgsql-state",
        "password authentication failed for user \"checker\"",
        "rejected request: 404 not-found",
        "",
    ])
    func linesWithoutPasswordsAreUnchanged(_ text: String) {
        #expect(SecretMask.redact(text) == text)
        #expect(!SecretMask.carriesPassword(text))
    }

    /// A raw '@' or '/' in a URI password cuts it where libpq cuts user info: the rest becomes a host or a
    /// port, quoted in libpq's errors without the URI around it. The plan masks the configured password's
    /// pieces wherever they appear.
    @Test func piecesOfAConfiguredPasswordAreMasked() {
        let atSign = SecretMask.passwords(in: ["postgresql://u:se@cret@nohost.invalid/db"])
        #expect(atSign == ["se@cret", "se", "cret"])
        #expect(SecretMask.redact("could not translate host name \"cret@nohost.invalid\" to address", secrets: atSign)
            == "could not translate host name \"***@nohost.invalid\" to address")
        let slash = SecretMask.passwords(in: ["postgresql://u:pa/ss@h/db"])
        #expect(SecretMask.redact("invalid integer value \"pa\" for connection option \"port\"", secrets: slash)
            == "invalid integer value \"***\" for connection option \"port\"")
        // Passwords libpq reads whole have no pieces: nothing else in a line is cut out.
        #expect(SecretMask.passwords(in: ["postgresql://u:p%40ss@db"]) == ["p%40ss", "p@ss"])
        #expect(SecretMask.passwords(in: ["host=db password='a:b\\' c'"]) == ["'a:b\\' c'", "a:b' c"])
        #expect(SecretMask.passwords(in: ["host=db user=x", "postgresql://u@db"]).isEmpty)
    }

    @Test func conninfoWithAPasswordIsNoticed() {
        #expect(SecretMask.carriesPassword("host=db password=x"))
        #expect(SecretMask.carriesPassword("postgresql://u:x@db"))
        #expect(SecretMask.carriesPassword("postgresql://db/x?password=y"))
    }
}
