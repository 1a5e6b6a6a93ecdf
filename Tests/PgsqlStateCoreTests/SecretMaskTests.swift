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

    @Test func conninfoWithAPasswordIsNoticed() {
        #expect(SecretMask.carriesPassword("host=db password=x"))
        #expect(SecretMask.carriesPassword("postgresql://u:x@db"))
        #expect(SecretMask.carriesPassword("postgresql://db/x?password=y"))
    }
}
