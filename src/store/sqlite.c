/* SQLite driver: WAL, synchronous=FULL (the shared writer: NORMAL, and the store syncs the WAL for groups of
 * its commits before anyone is told of them), a prepared-statement cache per connection, and the WAL's upkeep
 * hooks (the store checkpoints on a thread of its own). */
#include "store.h"
#include "stmt_cache.h"
#include "../base/alloc.h"
#include <fcntl.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define STMT_CACHE (64 * STMT_WAYS)

typedef struct {
    yt_db base;
    sqlite3 *h;
    stmt_cache cache;                   /* over the two below; an entry is pinned while a yt_rows iterates it */
    stmt_entry entries[STMT_CACHE];
    sqlite3_stmt *stmts[STMT_CACHE];
    int last_rc;
    char err[512];
} sq_db;

typedef struct {
    const yt_driver *drv;
    sq_db *db;
    sqlite3_stmt *stmt;
    stmt_entry *slot; /* NULL when the statement is not cached and must be finalized */
    int rc;
} sq_rows;

static int sq_exec_script(yt_db *db, const char *sql);

static void set_err(sq_db *d, int rc) {
    d->last_rc = rc;
    snprintf(d->err, sizeof d->err, "%s", sqlite3_errmsg(d->h));
    /* some errors (disk full, I/O) make SQLite roll the whole transaction back by itself */
    if (d->base.tx_depth > 0 && sqlite3_get_autocommit(d->h)) d->base.tx_aborted = true;
}

/* Once, before SQLite's first use: no memory statistics, which would take a process-wide mutex on every
 * allocation of every connection (nothing reads them). */
static void sq_configure(void) { sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0); }

static yt_db *sq_connect(const char *target, char *err, size_t errsz) {
    static pthread_once_t configured = PTHREAD_ONCE_INIT;
    pthread_once(&configured, sq_configure);
    const char *path = target;
    if (strncmp(path, "sqlite://", 9) == 0) path += 9;
    sqlite3 *h = NULL;
    int rc = sqlite3_open_v2(path, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        snprintf(err, errsz, "cannot open %s: %s", path, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
        sqlite3_close(h);
        return NULL;
    }
    sqlite3_busy_timeout(h, 10000);
    char *msg = NULL;
    rc = sqlite3_exec(h,
                      "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"
                      "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;",
                      NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        snprintf(err, errsz, "cannot configure %s: %s", path, msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        sqlite3_close(h);
        return NULL;
    }
    sq_db *d = yt_calloc(1, sizeof *d);
    d->base.drv = &yt_sqlite_driver;
    d->h = h;
    d->cache = (stmt_cache){d->entries, STMT_CACHE / STMT_WAYS, 0};
    return &d->base;
}

/* After each commit on the connection, with the WAL's length in pages: the store decides when to checkpoint
 * (registering this turns SQLite's own checkpoint after commit off for the connection). */
static int wal_grew(void *arg, sqlite3 *h, const char *schema, int pages) {
    (void)h, (void)schema;
    store_log_grew(arg, pages);
    return SQLITE_OK;
}

static void sq_watch_log(yt_db *db) { sqlite3_wal_hook(((sq_db *)db)->h, wal_grew, db); }

/* Copies what it can of the WAL into the database without waiting for readers or the writer. */
static int sq_checkpoint(yt_db *db) {
    sq_db *d = (sq_db *)db;
    int rc = sqlite3_wal_checkpoint_v2(d->h, NULL, SQLITE_CHECKPOINT_PASSIVE, NULL, NULL);
    if (rc != SQLITE_OK && rc != SQLITE_BUSY) {
        set_err(d, rc);
        return -1;
    }
    return 0;
}

/* The connection's commits reach the WAL without waiting for the disk (synchronous NORMAL): the store syncs. */
static int sq_lazy_commits(yt_db *db) { return sq_exec_script(db, "PRAGMA synchronous=NORMAL"); }

/* A read-only descriptor of the WAL file, for the store's own syncs; -1 when it cannot be opened. */
static int sq_log_fd(yt_db *db) {
    sq_db *d = (sq_db *)db;
    const char *file = sqlite3_db_filename(d->h, "main"), *wal = file && *file ? sqlite3_filename_wal(file) : NULL;
    return wal ? open(wal, O_RDONLY | O_CLOEXEC) : -1;
}

static void sq_close(yt_db *db) {
    sq_db *d = (sq_db *)db;
    for (int i = 0; i < STMT_CACHE; i++) sqlite3_finalize(d->stmts[i]);
    stmt_cache_clear(&d->cache);
    sqlite3_close(d->h);
    free(d);
}

/* Finds or prepares the statement for sql; *slot is set when it came from (or went into) the cache. */
static sqlite3_stmt *prepare(sq_db *d, const char *sql, stmt_entry **slot) {
    bool hit;
    int i = stmt_cache_find(&d->cache, sql, &hit);
    *slot = i >= 0 ? &d->entries[i] : NULL;
    if (hit) return d->stmts[i];
    sqlite3_stmt *st = NULL;
    int rc = sqlite3_prepare_v3(d->h, sql, -1, SQLITE_PREPARE_PERSISTENT, &st, NULL);
    if (rc != SQLITE_OK) {
        set_err(d, rc);
        *slot = NULL;
        return NULL;
    }
    if (i >= 0) {
        sqlite3_finalize(d->stmts[i]);
        d->stmts[i] = st;
        stmt_cache_fill(&d->cache, i, sql);
    }
    return st;
}

static int bind(sq_db *d, sqlite3_stmt *st, int n, const yt_param *p) {
    for (int i = 0; i < n; i++) {
        int rc;
        switch (p[i].t) {
        case P_INT: rc = sqlite3_bind_int64(st, i + 1, p[i].i); break;
        case P_TEXT: rc = sqlite3_bind_text(st, i + 1, p[i].s, -1, SQLITE_STATIC); break;
        default: rc = sqlite3_bind_null(st, i + 1); break;
        }
        if (rc != SQLITE_OK) {
            set_err(d, rc);
            return -1;
        }
    }
    return 0;
}

static void release(sqlite3_stmt *st, stmt_entry *slot) {
    if (slot) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
        slot->pinned = false;
    } else {
        sqlite3_finalize(st);
    }
}

static int64_t sq_exec(yt_db *db, const char *sql, int n, const yt_param *p) {
    sq_db *d = (sq_db *)db;
    stmt_entry *slot;
    sqlite3_stmt *st = prepare(d, sql, &slot);
    if (!st) return -1;
    if (bind(d, st, n, p) != 0) {
        release(st, slot);
        return -1;
    }
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {}
    int64_t out = -1;
    if (rc == SQLITE_DONE) out = sqlite3_changes64(d->h);
    else set_err(d, rc);
    release(st, slot);
    return out;
}

static yt_rows *sq_query(yt_db *db, const char *sql, int n, const yt_param *p) {
    sq_db *d = (sq_db *)db;
    stmt_entry *slot;
    sqlite3_stmt *st = prepare(d, sql, &slot);
    if (!st) return NULL;
    if (bind(d, st, n, p) != 0) {
        release(st, slot);
        return NULL;
    }
    if (slot) slot->pinned = true;
    sq_rows *r = yt_calloc(1, sizeof *r);
    r->drv = &yt_sqlite_driver;
    r->db = d;
    r->stmt = st;
    r->slot = slot;
    /* Step once now so errors surface at query time, as with PostgreSQL. */
    r->rc = sqlite3_step(st);
    if (r->rc != SQLITE_ROW && r->rc != SQLITE_DONE) {
        set_err(d, r->rc);
        release(st, slot);
        free(r);
        return NULL;
    }
    r->rc = -r->rc; /* negative: the first row is pending, not yet handed out */
    return (yt_rows *)r;
}

static bool sq_next(yt_rows *rows) {
    sq_rows *r = (sq_rows *)rows;
    if (r->rc < 0) {
        r->rc = -r->rc;
        return r->rc == SQLITE_ROW;
    }
    if (r->rc != SQLITE_ROW) return false;
    r->rc = sqlite3_step(r->stmt);
    if (r->rc != SQLITE_ROW && r->rc != SQLITE_DONE) set_err(r->db, r->rc);
    return r->rc == SQLITE_ROW;
}

static const char *sq_text(yt_rows *rows, int col) {
    const unsigned char *t = sqlite3_column_text(((sq_rows *)rows)->stmt, col);
    return t ? (const char *)t : "";
}

static int64_t sq_int(yt_rows *rows, int col) { return sqlite3_column_int64(((sq_rows *)rows)->stmt, col); }

static bool sq_is_null(yt_rows *rows, int col) {
    return sqlite3_column_type(((sq_rows *)rows)->stmt, col) == SQLITE_NULL;
}

static void sq_free_rows(yt_rows *rows) {
    sq_rows *r = (sq_rows *)rows;
    release(r->stmt, r->slot);
    free(r);
}

static int sq_exec_script(yt_db *db, const char *sql) {
    sq_db *d = (sq_db *)db;
    char *msg = NULL;
    int rc = sqlite3_exec(d->h, sql, NULL, NULL, &msg);
    if (rc != SQLITE_OK) {
        d->last_rc = rc;
        snprintf(d->err, sizeof d->err, "%s", msg ? msg : sqlite3_errstr(rc));
        sqlite3_free(msg);
        if (d->base.tx_depth > 0 && sqlite3_get_autocommit(d->h)) d->base.tx_aborted = true;
        return -1;
    }
    return 0;
}

static const char *sq_error(yt_db *db) { return ((sq_db *)db)->err; }

static bool sq_unique(yt_db *db) {
    sq_db *d = (sq_db *)db;
    return (d->last_rc & 0xff) == SQLITE_CONSTRAINT && strstr(d->err, "UNIQUE") != NULL;
}

static int sq_backup(yt_db *db, const char *path, char *err, size_t errsz) {
    sq_db *d = (sq_db *)db;
    sqlite3 *dst = NULL;
    if (sqlite3_open(path, &dst) != SQLITE_OK) {
        snprintf(err, errsz, "cannot open %s: %s", path, dst ? sqlite3_errmsg(dst) : "out of memory");
        sqlite3_close(dst);
        return -1;
    }
    sqlite3_backup *b = sqlite3_backup_init(dst, "main", d->h, "main");
    if (!b) {
        snprintf(err, errsz, "backup failed: %s", sqlite3_errmsg(dst));
        sqlite3_close(dst);
        return -1;
    }
    int rc;
    while ((rc = sqlite3_backup_step(b, 256)) == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
        sqlite3_sleep(5);
    sqlite3_backup_finish(b);
    int out = 0;
    if (rc != SQLITE_DONE) {
        snprintf(err, errsz, "backup failed: %s", sqlite3_errstr(rc));
        out = -1;
    }
    sqlite3_close(dst);
    return out;
}

const yt_driver yt_sqlite_driver = {
    .name = "sqlite",
    .connect = sq_connect,
    .close = sq_close,
    .exec = sq_exec,
    .query = sq_query,
    .exec_script = sq_exec_script,
    .next = sq_next,
    .text = sq_text,
    .integer = sq_int,
    .is_null = sq_is_null,
    .free_rows = sq_free_rows,
    .error = sq_error,
    .unique_violation = sq_unique,
    .begin_sql = "BEGIN IMMEDIATE",
    .backup = sq_backup,
    .watch_log = sq_watch_log,
    .checkpoint = sq_checkpoint,
    .lazy_commits = sq_lazy_commits,
    .log_fd = sq_log_fd,
};
