/* The store: one small interface over SQLite and PostgreSQL. SQL uses '?' placeholders in both. */
#ifndef YT_STORE_H
#define YT_STORE_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum { YT_SQLITE, YT_PG } yt_dialect;

typedef struct yt_store yt_store;
typedef struct yt_db yt_db;
typedef struct yt_rows yt_rows;

typedef enum { P_NULL, P_INT, P_TEXT } yt_ptype;
typedef struct {
    yt_ptype t;
    int64_t i;
    const char *s; /* borrowed for the duration of the call */
} yt_param;

#define PI(v) ((yt_param){P_INT, (int64_t)(v), NULL})
#define PNULL ((yt_param){P_NULL, 0, NULL})
static inline yt_param PT(const char *s) { return (yt_param){s ? P_TEXT : P_NULL, 0, s}; }
#define NPARAMS(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* One backend; sqlite.c and pg.c each define one of these. */
typedef struct {
    const char *name;
    yt_db *(*connect)(const char *target, char *err, size_t errsz);
    void (*close)(yt_db *db);
    int64_t (*exec)(yt_db *db, const char *sql, int n, const yt_param *p);
    yt_rows *(*query)(yt_db *db, const char *sql, int n, const yt_param *p);
    int (*exec_script)(yt_db *db, const char *sql);
    bool (*next)(yt_rows *r);
    const char *(*text)(yt_rows *r, int col);
    int64_t (*integer)(yt_rows *r, int col);
    bool (*is_null)(yt_rows *r, int col);
    void (*free_rows)(yt_rows *r);
    const char *(*error)(yt_db *db);
    bool (*unique_violation)(yt_db *db);
    bool (*retryable)(yt_db *db); /* a deadlock or serialization failure: the same work may succeed again */
    const char *begin_sql;
    int (*backup)(yt_db *db, const char *path, char *err, size_t errsz);
    /* Waits up to timeout_ms for a notification on channel (listening from the first call); 1 when one
     * came, 0 on timeout, -1 on an error. NULL: the backend has none (callers poll). */
    int (*wait_notify)(yt_db *db, const char *channel, int timeout_ms);
    /* A write-ahead log the store looks after itself (SQLite's WAL; NULL on PostgreSQL, whose server does):
     * watch_log has the connection call store_log_grew after each commit; checkpoint copies the log into the
     * database without waiting for anyone; lazy_commits has the connection's commits stop waiting for the
     * disk (the store syncs them); log_fd opens the log read-only for the store's own syncs (-1 on failure). */
    void (*watch_log)(yt_db *db);
    int (*checkpoint)(yt_db *db);
    int (*lazy_commits)(yt_db *db);
    int (*log_fd)(yt_db *db);
} yt_driver;

#define DB_MAX_DEPTH 16 /* transaction levels: the transaction and its savepoints */

typedef void (*db_hook_fn)(void *arg);
typedef struct db_hook db_hook;

/* Every connection starts with this header so the generic layer can find its driver. */
struct yt_db {
    const yt_driver *drv;
    yt_store *store;
    int tx_depth;
    bool tx_aborted; /* a savepoint could not be rolled back: the transaction is gone, refuse work until its end */
    db_hook *hooks;  /* work to run after the outermost commit (db_after_commit), in order */
    int nhooks, caphooks;
    int hook_mark[DB_MAX_DEPTH]; /* nhooks when each level began: a level's rollback drops what came after */
    bool lazy; /* commits reach the log without waiting for the disk; the store's sync thread makes them durable */
    /* the commit under way only moves rows that are durable already, from one table to another (the flash
     * journal filed into mall_orders): the log's next sync covers it, but no answer waits for it, as nothing it
     * shows could be lost (killed before the sync, the rows are where they were, and are moved again when
     * read; store_pending) */
    bool moves_durable;
};

/* True for a postgres:// or postgresql:// URL (otherwise a target is a SQLite path). */
bool store_target_is_pg(const char *target);
/* Opens a store from a path (SQLite) or a postgres:// / postgresql:// URL. NULL with err on failure.
 * The store owns every connection it hands out; store_close() closes them all. */
yt_store *store_open(const char *target, char *err, size_t errsz);
void store_close(yt_store *s);
yt_dialect store_dialect(const yt_store *s);
/* This thread's connection, opened on first use; NULL (logged) when the database is unreachable. */
yt_db *store_db(yt_store *s);

/* The connection for a request that writes. SQLite admits one writer at a time anyway, and a commit
 * on one connection empties every other connection's page cache; so all writes share one connection
 * (its cache stays warm), held until store_writer_release and handed on in the order the callers asked
 * (first come, first served, so a long job that gives it back between chunks lets waiting writes in).
 * NULL (nothing held) when it cannot be opened. PostgreSQL: this thread's own connection. */
yt_db *store_writer_acquire(yt_store *s);
void store_writer_release(yt_store *s);
/* True when db may write without store_writer_acquire: on SQLite the writer a caller holds; on PostgreSQL
 * any connection (the writer is the thread's own). */
bool db_is_writer(const yt_db *db);

/* Rows affected, or -1 on error (see db_error). */
int64_t db_exec(yt_db *db, const char *sql, int n, const yt_param *p);
/* NULL on error; the caller frees the rows with rows_free. */
yt_rows *db_query(yt_db *db, const char *sql, int n, const yt_param *p);
/* First column of the first row as an integer; dflt when there is no row or on error. */
int64_t db_query_int(yt_db *db, const char *sql, int n, const yt_param *p, int64_t dflt);
int db_exec_script(yt_db *db, const char *sql);
/* Transactions nest: the outermost level is a transaction, inner levels are savepoints. */
int db_begin(yt_db *db);
int db_commit(yt_db *db);
/* Durability in groups. On SQLite the writer's commits reach the WAL without waiting for the disk (visible at
 * once, and kept if the process is killed); the store's sync thread then makes every commit made meanwhile
 * durable with one fdatasync. Whoever tells the world about a commit (an HTTP answer, a flash order's
 * acknowledgement) first waits for the point it was made at. A point counts commits; 0 waits for nothing.
 * PostgreSQL's commits are durable when they return: its points are always 0. */
typedef uint64_t store_point;
/* Turns group durability on for the shared writer (the server does, before its first write: it holds every
 * answer for its commits' sync). Other users of a store (the CLI's commands, which report when they are done)
 * keep commits that wait for the disk. */
void store_group_durability(yt_store *s);
/* The point every commit so far that an answer may show will be durable at (all but those that only moved
 * durable rows, see yt_db.moves_durable), or 0 when it is already. */
store_point store_pending(yt_store *s);
/* Waits until point is durable: 0, or -1 when the disk refused (logged). */
int store_await(yt_store *s, store_point point);
/* Calls done(arg, durable) once point is durable (durable false: the disk refused), from the store's sync
 * thread; at once, on this thread, when point is 0 or durable already. */
void store_when_durable(yt_store *s, store_point point, void (*done)(void *arg, bool durable), void *arg);
/* A sync of the log failed. What the kernel could not write it may have dropped, and a later sync would still
 * succeed, so from then on no commit is called durable (every waiter is told false at once) until the server
 * restarts and SQLite recovers what the log holds on disk. */
bool store_log_lost(yt_store *s);
/* A connection committed, leaving the store's log pages long (the driver calls it, see watch_log): the
 * commit is counted for group durability, and past a few megabytes of log the store's own thread
 * checkpoints, so commits never do. */
void store_log_grew(yt_db *db, int pages);
/* Has the store's own thread checkpoint what the log holds now (nothing on a store without one): a writer
 * that just wrote much while nothing waits (the flash journal filed while quiet) leaves a clean log to the
 * next burst, which would otherwise copy it back, or checkpoint it inline, in the middle of its orders. */
void store_checkpoint_soon(yt_store *s);
void db_rollback(yt_db *db);
/* Runs fn(copy of arg) after the outermost transaction commits, never when it (or the savepoint that
 * was open when this was called) rolls back; outside a transaction, at once. For in-memory structures
 * that follow the store: they learn of a change only once it is durable, so a rollback leaves nothing
 * to undo. size bytes of arg are copied (at most DB_HOOK_ARG). */
#define DB_HOOK_ARG 64
void db_after_commit(yt_db *db, db_hook_fn fn, const void *arg, size_t size);
/* Forgets pending after-commit work (the store calls it when a connection closes). */
void db_hooks_free(yt_db *db);
/* The connection's last error, in a buffer the next error overwrites. */
const char *db_error(yt_db *db);
bool db_unique_violation(yt_db *db);
bool db_retryable(yt_db *db);
yt_dialect db_dialect(const yt_db *db);
int db_backup(yt_db *db, const char *path, char *err, size_t errsz);

bool rows_next(yt_rows *r);
const char *rows_text(yt_rows *r, int col);   /* "" for NULL; valid until the next rows_next */
int64_t rows_int(yt_rows *r, int col);
bool rows_null(yt_rows *r, int col);
void rows_free(yt_rows *r);
/* Column 0 of every row as ids, in a new array of *n (NULL when none; the caller frees it); frees the rows. */
int64_t *rows_ids(yt_rows *r, size_t *n);

/* One schema step, in each dialect; versions are one sequence over every module (module.h). */
typedef struct {
    int version;
    const char *sqlite, *pg;
} yt_migration;

/* Holds a lock named by key until the transaction ends, across every connection to the store
 * (PostgreSQL advisory lock; SQLite has one writer at a time and needs none). 0, or -1 on an error. */
int db_xact_lock(yt_db *db, int64_t key);

/* Waits for a notification on channel up to timeout_ms (PostgreSQL LISTEN); on a store without them,
 * sleeps timeout_ms. 1: notified, 0: timed out, -1: an error. */
int db_wait_notify(yt_db *db, const char *channel, int timeout_ms);

/* "column is in this list" for one text parameter holding ids: a JSON array on SQLite, an array literal
 * on PostgreSQL. db_id_list writes the parameter (the caller frees it). */
const char *db_in_ids(yt_dialect d);
char *db_id_list(yt_dialect d, const int64_t *ids, size_t n);

/* Runs every pending migration; refuses (returns false) on a database newer than this binary. */
bool store_migrate(yt_db *db, char *err, size_t errsz);
int store_schema_version(yt_db *db);
int store_latest_version(void);

extern const yt_driver yt_sqlite_driver;
extern const yt_driver yt_pg_driver;

#endif
