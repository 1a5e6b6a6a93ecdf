#ifndef PGSQL_STATE_CLIBPQLOADER_H
#define PGSQL_STATE_CLIBPQLOADER_H
/*
 * libpq, loaded on first use. A check answered without connecting (from shared facts, --version, a usage
 * error, the maintenance file) never loads Debian's libpq and the two dozen libraries it needs (Kerberos,
 * LDAP, GnuTLS, p11-kit, ...), whose mapping, relocation and constructors cost several times the rest of
 * such a run. loader.c defines the libpq functions pgsql-state calls, each forwarding to the real one
 * found with dlopen(3)/dlsym(3); the executable does not link libpq at all.
 */

/* Whether libpq could be loaded (loading it if not yet tried); dlerror(3)'s words otherwise, for syslog. */
int pgsql_state_libpq_loaded(void);
const char *pgsql_state_libpq_load_error(void);

#endif
