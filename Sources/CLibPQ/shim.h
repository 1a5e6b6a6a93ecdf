#ifndef PGSQL_STATE_CLIBPQ_SHIM_H
#define PGSQL_STATE_CLIBPQ_SHIM_H
#include <libpq-fe.h>

/* Swift cannot import character-literal macros such as PG_DIAG_SQLSTATE ('C'). */
static inline int pgsql_state_diag_sqlstate(void) { return PG_DIAG_SQLSTATE; }

#endif
