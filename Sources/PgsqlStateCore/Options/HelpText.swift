/// `--help`. Kept in step with README's option table by a unit test.
package enum HelpText {
    package static let text = """
        Usage: pgsql-state [OPTIONS]

        Tells HAProxy whether the local PostgreSQL is the primary or a standby. Started once per
        connection by xinetd or a systemd socket (Accept=yes); answers once and exits.

        Options:
          --format FORMAT          http (default), text or agent
          --check CHECK            role (default), primary, standby, read-only, health, or one of
                                   Patroni's: liveness, readiness, leader, standby-leader, sync, async,
                                   read-only-sync; with optional limits and tags:
                                   'standby?lag=16MB&replication_state=streaming&tag_dc=east'
          --conninfo STRING        libpq connection string or URI (PG* variables also apply)
          --timeout SECONDS        deadline for connect, query and write (default 1, 0.01 to 10;
                                   the shipped units stop a check after RuntimeMaxSec=15)
          --maintenance-file PATH  while PATH exists every check fails with reason 'maintenance'; so does
                                   a PATH that cannot be checked (unreadable or missing directory)
          --peer CONNINFO          another node of the cluster (by IP address), asked before a primary
                                   passes: 'superseded' or 'split-brain' instead of a stale primary; repeatable
          --min-peers N            a primary passes only if N peers answered (default 0)
          --tag KEY=VALUE          a tag of this node for tag_KEY=VALUE checks; noloadbalance=true keeps
                                   a standby out of the read checks (Patroni's meaning); repeatable
          --share-facts SECONDS    answer from another check's probe (and peer survey) started at most
                                   SECONDS before this check (0 to 1, default 0: every check probes)
          --config PATH            options from PATH, one 'name = value' a line (e.g. peer = host=...);
                                   later arguments override it
          --help                   show this help
          --version                show the version

        Exit status: 0 check passed, 1 healthy node of the other role (or a superseded primary),
        2 unavailable, 64 usage error.

        """
}
