#ifndef PGSQL_STATE_CARGV_H
#define PGSQL_STATE_CARGV_H

/* argv as kept, or an empty argv ({NULL}, *count = 0) when argv is NULL or argc is not positive. */
char **pgsql_state_argv_or_empty(char **argv, int argc, int *count);

#endif
