/* libpq's functions as pgsql-state calls them, forwarding to libpq.so.5 loaded at the first call (see
 * CLibPQLoader.h). Hidden: the executable exports none of these names, so nothing in libpq binds to them. */
#include "CLibPQLoader.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <libpq-fe.h>

/* The soname Debian's libpq5 package ships (libpq's ABI has been 5 since PostgreSQL 8.0). */
#define LIBPQ_SONAME "libpq.so.5"

#define LIBPQ_FUNCTIONS(X) \
    X(PQconnectStartParams) X(PQconnectPoll) X(PQfinish) X(PQstatus) X(PQsocket) X(PQerrorMessage) \
    X(PQconnectionNeedsPassword) X(PQparameterStatus) X(PQsetErrorVerbosity) X(PQsetNoticeProcessor) \
    X(PQsetnonblocking) X(PQsendQuery) X(PQflush) X(PQconsumeInput) X(PQisBusy) X(PQgetResult) X(PQclear) \
    X(PQresultStatus) X(PQresultErrorMessage) X(PQresultErrorField) X(PQntuples) X(PQnfields) X(PQgetvalue) \
    X(PQgetisnull) X(PQconninfoParse) X(PQconninfoFree) X(PQfreemem) X(PQlibVersion)

static struct {
#define POINTER(name) __typeof__(&name) name;
    LIBPQ_FUNCTIONS(POINTER)
#undef POINTER
} libpq;
static int loaded;
static char load_error[256];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void load(void) {
    /* RTLD_LOCAL: libpq's symbols stay out of the global scope. RTLD_LAZY, as when the executable linked
     * libpq: RTLD_NOW would bind every symbol libpq and its libraries use at load time, which cost ~8 % more
     * CPU per check than the C reference (bench/run); ours are checked with dlsym below. */
    void *handle = dlopen(LIBPQ_SONAME, RTLD_LAZY | RTLD_LOCAL);
    if (!handle) {
        const char *why = dlerror();
        strncpy(load_error, why ? why : LIBPQ_SONAME ": cannot be loaded", sizeof load_error - 1);
        return;
    }
#define RESOLVE(name) \
    if (!(libpq.name = (__typeof__(&name))dlsym(handle, #name))) { \
        strncpy(load_error, LIBPQ_SONAME ": no " #name, sizeof load_error - 1); \
        return; \
    }
    LIBPQ_FUNCTIONS(RESOLVE)
#undef RESOLVE
    loaded = 1;
}

int pgsql_state_libpq_loaded(void) {
    pthread_once(&once, load);
    return loaded;
}

const char *pgsql_state_libpq_load_error(void) { return pgsql_state_libpq_loaded() ? "" : load_error; }

#define HIDDEN __attribute__((visibility("hidden")))
/* Functions reached only with a connection or result that libpq made: libpq is loaded by then. */
#define FORWARD(type, name, parameters, arguments) \
    HIDDEN type name parameters { return libpq.name arguments; }

/* The entry points: without libpq, no connection (NULL), no parse (NULL and a message to free), version 0. */
HIDDEN PGconn *PQconnectStartParams(const char *const *keywords, const char *const *values, int expand_dbname) {
    if (!pgsql_state_libpq_loaded()) return NULL;
    return libpq.PQconnectStartParams(keywords, values, expand_dbname);
}

HIDDEN PQconninfoOption *PQconninfoParse(const char *conninfo, char **errmsg) {
    if (!pgsql_state_libpq_loaded()) {
        if (errmsg) *errmsg = strdup(load_error);
        return NULL;
    }
    return libpq.PQconninfoParse(conninfo, errmsg);
}

HIDDEN int PQlibVersion(void) { return pgsql_state_libpq_loaded() ? libpq.PQlibVersion() : 0; }

/* PQconninfoParse's message above is ours when libpq is not there. */
HIDDEN void PQfreemem(void *ptr) {
    if (loaded) libpq.PQfreemem(ptr); else free(ptr);
}

FORWARD(PostgresPollingStatusType, PQconnectPoll, (PGconn *conn), (conn))
HIDDEN void PQfinish(PGconn *conn) { libpq.PQfinish(conn); }
FORWARD(ConnStatusType, PQstatus, (const PGconn *conn), (conn))
FORWARD(int, PQsocket, (const PGconn *conn), (conn))
FORWARD(char *, PQerrorMessage, (const PGconn *conn), (conn))
FORWARD(int, PQconnectionNeedsPassword, (const PGconn *conn), (conn))
FORWARD(const char *, PQparameterStatus, (const PGconn *conn, const char *paramName), (conn, paramName))
FORWARD(PGVerbosity, PQsetErrorVerbosity, (PGconn *conn, PGVerbosity verbosity), (conn, verbosity))
FORWARD(PQnoticeProcessor, PQsetNoticeProcessor, (PGconn *conn, PQnoticeProcessor proc, void *arg), (conn, proc, arg))
FORWARD(int, PQsetnonblocking, (PGconn *conn, int arg), (conn, arg))
FORWARD(int, PQsendQuery, (PGconn *conn, const char *query), (conn, query))
FORWARD(int, PQflush, (PGconn *conn), (conn))
FORWARD(int, PQconsumeInput, (PGconn *conn), (conn))
FORWARD(int, PQisBusy, (PGconn *conn), (conn))
FORWARD(PGresult *, PQgetResult, (PGconn *conn), (conn))
HIDDEN void PQclear(PGresult *res) { libpq.PQclear(res); }
FORWARD(ExecStatusType, PQresultStatus, (const PGresult *res), (res))
FORWARD(char *, PQresultErrorMessage, (const PGresult *res), (res))
FORWARD(char *, PQresultErrorField, (const PGresult *res, int fieldcode), (res, fieldcode))
FORWARD(int, PQntuples, (const PGresult *res), (res))
FORWARD(int, PQnfields, (const PGresult *res), (res))
FORWARD(char *, PQgetvalue, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))
FORWARD(int, PQgetisnull, (const PGresult *res, int tup_num, int field_num), (res, tup_num, field_num))
HIDDEN void PQconninfoFree(PQconninfoOption *connOptions) { libpq.PQconninfoFree(connOptions); }
