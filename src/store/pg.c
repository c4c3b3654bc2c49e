/* PostgreSQL driver over libpq: '?' rewritten to $n, statements prepared once per connection. */
#include "store.h"
#include "stmt_cache.h"
#include "../base/alloc.h"
#include "../base/buf.h"
#include <errno.h>
#include <libpq-fe.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PG_CACHE (128 * STMT_WAYS)

typedef struct {
    yt_db base;
    PGconn *c;
    stmt_cache cache;             /* over the two below, by the original '?' text */
    stmt_entry entries[PG_CACHE];
    char names[PG_CACHE][16];     /* each one's prepared statement on the server */
    int nstmt;
    bool listening; /* LISTEN was sent (wait_notify) */
    char sqlstate[6];
    char err[512];
} pg_db;

typedef struct {
    const yt_driver *drv;
    PGresult *res;
    int row, nrows;
} pg_rows;

static void set_err_res(pg_db *d, PGresult *res) {
    const char *st = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    snprintf(d->sqlstate, sizeof d->sqlstate, "%s", st ? st : "");
    /* only the primary message and the SQLSTATE: DETAIL lines can echo row values (names, phones) */
    const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;
    if (m && *m) snprintf(d->err, sizeof d->err, "%s (SQLSTATE %s)", m, d->sqlstate);
    else snprintf(d->err, sizeof d->err, "%s", PQerrorMessage(d->c));
    size_t n = strlen(d->err);
    while (n && d->err[n - 1] == '\n') d->err[--n] = '\0';
}

static yt_db *pg_connect(const char *target, char *err, size_t errsz) {
    PGconn *c = PQconnectdb(target);
    if (PQstatus(c) != CONNECTION_OK) {
        /* libpq's message can echo the conninfo host but never the password */
        snprintf(err, errsz, "cannot connect to PostgreSQL: %s", PQerrorMessage(c));
        size_t n = strlen(err);
        while (n && err[n - 1] == '\n') err[--n] = '\0';
        PQfinish(c);
        return NULL;
    }
    PGresult *r = PQexec(c, "SET client_min_messages=warning; SET TIME ZONE 'UTC'");
    PQclear(r);
    pg_db *d = yt_calloc(1, sizeof *d);
    d->base.drv = &yt_pg_driver;
    d->c = c;
    d->cache = (stmt_cache){d->entries, PG_CACHE / STMT_WAYS, 0};
    return &d->base;
}

static void pg_close(yt_db *db) {
    pg_db *d = (pg_db *)db;
    stmt_cache_clear(&d->cache);
    PQfinish(d->c);
    free(d);
}

/* '?' -> '$n', leaving quoted literals and identifiers alone. */
static char *rewrite(const char *sql) {
    yt_buf b = YT_BUF_INIT;
    int n = 0;
    char quote = 0;
    for (const char *p = sql; *p; p++) {
        if (quote) {
            if (*p == quote) quote = 0;
            buf_putc(&b, *p);
        } else if (*p == '\'' || *p == '"') {
            quote = *p;
            buf_putc(&b, *p);
        } else if (*p == '?') {
            buf_printf(&b, "$%d", ++n);
        } else {
            buf_putc(&b, *p);
        }
    }
    return buf_take(&b);
}

static const char *prepared_name(pg_db *d, const char *sql, int n) {
    bool hit;
    int i = stmt_cache_find(&d->cache, sql, &hit); /* never -1: nothing is pinned here */
    if (hit) return d->names[i];
    char name[16];
    snprintf(name, sizeof name, "s%d", ++d->nstmt);
    char *text = rewrite(sql);
    PGresult *r = PQprepare(d->c, name, text, n, NULL);
    free(text);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        set_err_res(d, r);
        PQclear(r);
        return NULL;
    }
    PQclear(r);
    if (d->entries[i].sql) { /* evict: the old statement goes from the server too */
        char dealloc[40];
        snprintf(dealloc, sizeof dealloc, "DEALLOCATE %s", d->names[i]);
        PQclear(PQexec(d->c, dealloc));
    }
    stmt_cache_fill(&d->cache, i, sql);
    memcpy(d->names[i], name, sizeof name);
    return d->names[i];
}

/* A connection broken by a server restart or a network cut is re-established once per call; its
 * prepared statements died with it. An open transaction is lost, so the statement fails if one was open. */
static bool ensure_connected(pg_db *d) {
    if (PQstatus(d->c) == CONNECTION_OK) return true;
    PQreset(d->c);
    stmt_cache_clear(&d->cache);
    if (PQstatus(d->c) != CONNECTION_OK) {
        snprintf(d->err, sizeof d->err, "PostgreSQL connection lost and not re-established");
        d->sqlstate[0] = '\0';
        return false;
    }
    PQclear(PQexec(d->c, "SET client_min_messages=warning; SET TIME ZONE 'UTC'"));
    if (d->base.tx_depth > 0) { /* the transaction died with the connection: fail until its levels unwind */
        d->base.tx_aborted = true;
        snprintf(d->err, sizeof d->err, "PostgreSQL connection was lost inside a transaction");
        return false;
    }
    return true;
}

static PGresult *run_once(pg_db *d, const char *sql, int n, const yt_param *p);

/* Outside a transaction a read that met a dead connection is tried once more on a new one. A write is
 * not: the server may have run it before the reply was lost, and running it twice is worse than failing. */
static PGresult *run(pg_db *d, const char *sql, int n, const yt_param *p) {
    PGresult *r = run_once(d, sql, n, p);
    if (!r && PQstatus(d->c) == CONNECTION_BAD && d->base.tx_depth == 0 && strncmp(sql, "SELECT", 6) == 0)
        r = run_once(d, sql, n, p);
    return r;
}

static PGresult *run_once(pg_db *d, const char *sql, int n, const yt_param *p) {
    if (!ensure_connected(d)) return NULL;
    const char *name = prepared_name(d, sql, n);
    if (!name) return NULL;
    enum { STACK_PARAMS = 64, MAX_PARAMS = 65535 }; /* the protocol's limit; past STACK_PARAMS (many rows) on the heap */
    if (n > MAX_PARAMS) {
        snprintf(d->err, sizeof d->err, "too many parameters (%d)", n);
        return NULL;
    }
    const char *vals_here[STACK_PARAMS], **vals = n > STACK_PARAMS ? yt_calloc((size_t)n, sizeof *vals) : vals_here;
    char nums_here[STACK_PARAMS][24], (*nums)[24] = n > STACK_PARAMS ? yt_calloc((size_t)n, sizeof *nums) : nums_here;
    for (int i = 0; i < n; i++) {
        if (p[i].t == P_INT) {
            snprintf(nums[i], sizeof nums[i], "%lld", (long long)p[i].i);
            vals[i] = nums[i];
        } else if (p[i].t == P_TEXT) {
            vals[i] = p[i].s;
        } else {
            vals[i] = NULL;
        }
    }
    PGresult *r = PQexecPrepared(d->c, name, n, vals, NULL, NULL, 0);
    if (vals != vals_here) {
        free(vals);
        free(nums);
    }
    ExecStatusType st = PQresultStatus(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        set_err_res(d, r);
        PQclear(r);
        return NULL;
    }
    return r;
}

static int64_t pg_exec(yt_db *db, const char *sql, int n, const yt_param *p) {
    PGresult *r = run((pg_db *)db, sql, n, p);
    if (!r) return -1;
    const char *t = PQcmdTuples(r);
    int64_t v = t && *t ? strtoll(t, NULL, 10) : 0;
    PQclear(r);
    return v;
}

static yt_rows *pg_query(yt_db *db, const char *sql, int n, const yt_param *p) {
    PGresult *r = run((pg_db *)db, sql, n, p);
    if (!r) return NULL;
    pg_rows *rows = yt_calloc(1, sizeof *rows);
    rows->drv = &yt_pg_driver;
    rows->res = r;
    rows->row = -1;
    rows->nrows = PQntuples(r);
    return (yt_rows *)rows;
}

static bool pg_next(yt_rows *rows) {
    pg_rows *r = (pg_rows *)rows;
    return ++r->row < r->nrows;
}

static const char *pg_text(yt_rows *rows, int col) {
    pg_rows *r = (pg_rows *)rows;
    return PQgetvalue(r->res, r->row, col);
}

/* Integers come back as text; a boolean column ('t'/'f') reads as 1/0, as it does in SQLite. */
static int64_t pg_int(yt_rows *rows, int col) {
    const char *t = pg_text(rows, col);
    if (t[0] == 't' && !t[1]) return 1;
    if (t[0] == 'f' && !t[1]) return 0;
    return strtoll(t, NULL, 10);
}

static bool pg_is_null(yt_rows *rows, int col) {
    pg_rows *r = (pg_rows *)rows;
    return PQgetisnull(r->res, r->row, col);
}

static void pg_free_rows(yt_rows *rows) {
    pg_rows *r = (pg_rows *)rows;
    PQclear(r->res);
    free(r);
}

static int pg_exec_script(yt_db *db, const char *sql) {
    pg_db *d = (pg_db *)db;
    if (!ensure_connected(d)) return -1;
    PGresult *r = PQexec(d->c, sql);
    if (PQstatus(d->c) == CONNECTION_BAD && d->base.tx_depth == 0 && strcmp(sql, "BEGIN") == 0) {
        PQclear(r); /* the connection died before the statement ran: once more on a new one */
        if (!ensure_connected(d)) return -1;
        r = PQexec(d->c, sql);
    }
    ExecStatusType st = PQresultStatus(r);
    int out = 0;
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK && st != PGRES_EMPTY_QUERY) {
        set_err_res(d, r);
        out = -1;
    }
    PQclear(r);
    return out;
}

static const char *pg_error(yt_db *db) { return ((pg_db *)db)->err; }
static bool pg_unique(yt_db *db) { return strcmp(((pg_db *)db)->sqlstate, "23505") == 0; }
static bool pg_retryable(yt_db *db) {
    const char *s = ((pg_db *)db)->sqlstate;
    return strcmp(s, "40P01") == 0 || strcmp(s, "40001") == 0;
}

static int pg_wait_notify(yt_db *db, const char *channel, int timeout_ms) {
    pg_db *d = (pg_db *)db;
    if (!d->listening) {
        char *quoted = PQescapeIdentifier(d->c, channel, strlen(channel));
        if (!quoted) return -1;
        char sql[160];
        snprintf(sql, sizeof sql, "LISTEN %s", quoted);
        PQfreemem(quoted);
        PGresult *res = PQexec(d->c, sql);
        bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
        if (!ok) set_err_res(d, res);
        PQclear(res);
        if (!ok) return -1;
        d->listening = true;
    }
    int got = 0;
    PGnotify *n;
    if (PQconsumeInput(d->c) == 0) return -1;
    while ((n = PQnotifies(d->c))) {
        got = 1;
        PQfreemem(n);
    }
    if (got) return 1;
    struct pollfd pfd = {.fd = PQsocket(d->c), .events = POLLIN};
    if (pfd.fd < 0) return -1;
    int pr = poll(&pfd, 1, timeout_ms);
    if (pr < 0) return errno == EINTR ? 0 : -1;
    if (pr == 0) return 0;
    if (PQconsumeInput(d->c) == 0) return -1;
    while ((n = PQnotifies(d->c))) {
        got = 1;
        PQfreemem(n);
    }
    return got;
}

const yt_driver yt_pg_driver = {
    .name = "postgresql",
    .connect = pg_connect,
    .close = pg_close,
    .exec = pg_exec,
    .query = pg_query,
    .exec_script = pg_exec_script,
    .next = pg_next,
    .text = pg_text,
    .integer = pg_int,
    .is_null = pg_is_null,
    .free_rows = pg_free_rows,
    .error = pg_error,
    .unique_violation = pg_unique,
    .retryable = pg_retryable,
    .begin_sql = "BEGIN",
    .backup = NULL,
    .wait_notify = pg_wait_notify,
};
