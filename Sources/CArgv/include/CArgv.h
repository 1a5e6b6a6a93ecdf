#ifndef PGSQL_STATE_CARGV_H
#define PGSQL_STATE_CARGV_H

/* argv as kept, or an empty argv ({NULL}, *count = 0) when argv is NULL or argc is not positive. */
char **pgsql_state_argv_or_empty(char **argv, int argc, int *count);

/* The process's argv as glibc passed it to .init_array (argv.c): what main reads in every build mode,
   since Embedded Swift has no CommandLine. Never NULL; *count is 0 when there was nothing usable. */
char **pgsql_state_arguments(int *count);

#endif
