/*
 * The static Swift runtime finds argv with a static constructor that reads and parses all of
 * /proc/self/maps at every start (~145 lines with libpq's 25 libraries): 3 % of the instructions and
 * 4-8 % of the CPU of a whole check (bench/LINKING.md). glibc hands (argc, argv, envp) to .init_array
 * functions, so we keep argv from there: main reads it through pgsql_state_arguments in every build mode
 * (Embedded Swift has no CommandLine at all). For the static runtime build we also define the two
 * functions the runtime's CommandLine needs, so that its archive member and constructor are never linked.
 * If a toolchain renames these, the link fails loudly (duplicate symbol) or the runtime's grabber simply
 * comes back; PackagingTests and bench/run exercise the release binary's argument parsing.
 * Debug builds use the shared runtime, whose own copy wins there, and Embedded builds have no such
 * runtime: there these two are inert.
 */
#include <stddef.h>
#include <limits.h> /* any libc header defines __GLIBC__ on glibc */
#include "CArgv.h"

/*
 * Passing (argc, argv, envp) to .init_array functions is a glibc extension (csu/libc-start.c,
 * call_init); musl calls them with no arguments, so grab_argv would read garbage registers.
 */
#if !defined(__GLIBC__)
#error "CArgv needs glibc: other C libraries do not pass argc/argv to .init_array functions"
#endif

static char **saved_argv, **override_argv;
static int saved_argc, override_argc;

/* What CommandLine sees when there is nothing usable: no arguments, never NULL. */
static char *empty_argv[] = { NULL };

char **pgsql_state_argv_or_empty(char **argv, int argc, int *count) {
    if (argv == NULL || argc <= 0) {
        *count = 0;
        return empty_argv;
    }
    *count = argc;
    return argv;
}

static void grab_argv(int argc, char **argv, char **envp) {
    (void)envp;
    saved_argc = argc;
    saved_argv = argv;
}

__attribute__((section(".init_array"), used))
static void (*const grab_argv_entry)(int, char **, char **) = grab_argv;

char **pgsql_state_arguments(int *count) {
    return pgsql_state_argv_or_empty(saved_argv, saved_argc, count);
}

__attribute__((swiftcall)) char **_swift_stdlib_getUnsafeArgvArgc(int *count) {
    if (override_argv) {
        return pgsql_state_argv_or_empty(override_argv, override_argc, count);
    }
    /* The constructor may never have run (a loader that skips .init_array): empty, never NULL. */
    return pgsql_state_argv_or_empty(saved_argv, saved_argc, count);
}

__attribute__((swiftcall)) void _swift_stdlib_overrideUnsafeArgvArgc(char **argv, int argc) {
    override_argv = argv;
    override_argc = argc;
}
