/* The store: picks the driver from the target, hands out one connection per thread, nests transactions, and
 * looks after SQLite's WAL (checkpoints on a thread of its own, syncs for commits that did not wait). */
#define _GNU_SOURCE /* pthread_setname_np */
#include "store.h"
#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/log.h"
#include "../base/metrics.h"
#include "../base/timeutil.h"
#include <assert.h>
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct yt_store {
    const yt_driver *drv;
    char *target;
    pthread_key_t key;
    pthread_mutex_t mu;
    yt_db **all;     /* every connection handed out, closed by store_close */
    size_t nall, capall;
    pthread_mutex_t writer_mu; /* guards the two tickets below */
    pthread_cond_t writer_cv;
    uint64_t writer_next, writer_serving; /* FIFO hand-off: a thread holds the writer while serving == its ticket */
    yt_db *writer;   /* SQLite: the one connection every write request uses */
    bool group_durability; /* the writer's commits are made durable in groups (store_group_durability) */
    /* the log's upkeep (drivers with watch_log): a thread that checkpoints when the log grows long */
    pthread_t upkeep;
    bool upkeep_started, upkeep_stop, upkeep_due;
    pthread_cond_t upkeep_cv; /* with mu */
    _Atomic int log_asked;    /* the log's length when a checkpoint was last asked for; 0 after the log restarted */
    int log_fd;               /* the log, opened by the first sync; -1 before */
    /* group durability: commits on lazy connections counted, how far they are durable, who waits */
    _Atomic uint64_t committed;
    _Atomic uint64_t shown; /* the last commit an answer may show (one that did not only move durable rows) */
    _Atomic uint64_t durable;
    uint64_t failed;          /* with sync_mu: points up to here that are not durable were lost to a failed sync */
    /* a sync of the log failed: the kernel may have dropped what it could not write and a later sync would still
     * succeed, so no commit is called durable again until the server restarts (and SQLite recovers the log) */
    _Atomic bool log_lost;
    uint64_t wanted;          /* with sync_mu: the highest point anyone waits for */
    struct durable_waiter *waiters;
    pthread_mutex_t sync_mu;
    pthread_cond_t sync_cv;   /* wakes the sync thread */
    pthread_cond_t synced_cv; /* wakes store_await */
    pthread_t syncer;
    bool syncer_started, syncer_stop;
};

typedef struct durable_waiter {
    store_point point;
    void (*done)(void *arg, bool durable);
    void *arg;
    struct durable_waiter *next;
} durable_waiter;

/* The log's length in pages that wakes the upkeep thread (SQLite's own default for a checkpoint after
 * commit), and the length at which a committing connection checkpoints itself because the thread has not
 * kept up. */
#define CHECKPOINT_PAGES 1000
#define CHECKPOINT_INLINE_PAGES (16 * CHECKPOINT_PAGES)

bool store_target_is_pg(const char *t) {
    return strncmp(t, "postgres://", 11) == 0 || strncmp(t, "postgresql://", 13) == 0;
}

yt_store *store_open(const char *target, char *err, size_t errsz) {
    yt_store *s = yt_calloc(1, sizeof *s);
    s->drv = store_target_is_pg(target) ? &yt_pg_driver : &yt_sqlite_driver;
    s->target = yt_strdup(target);
    pthread_key_create(&s->key, NULL);
    pthread_mutex_init(&s->mu, NULL);
    pthread_mutex_init(&s->writer_mu, NULL);
    pthread_cond_init(&s->writer_cv, NULL);
    pthread_cond_init(&s->upkeep_cv, NULL);
    pthread_mutex_init(&s->sync_mu, NULL);
    pthread_cond_init(&s->sync_cv, NULL);
    pthread_cond_init(&s->synced_cv, NULL);
    s->log_fd = -1;
    yt_db *db = s->drv->connect(target, err, errsz); /* fail fast on a bad target */
    if (!db) {
        store_close(s);
        return NULL;
    }
    db->store = s;
    if (s->drv->watch_log) s->drv->watch_log(db);
    s->all = yt_calloc(8, sizeof *s->all);
    s->capall = 8;
    s->all[s->nall++] = db;
    pthread_setspecific(s->key, db);
    return s;
}

/* Tells one of the store's threads to stop (its flags live under mu) and waits for it, when it was started. */
static void stop_thread(pthread_mutex_t *mu, pthread_cond_t *cv, bool *stop, const bool *started, pthread_t *t) {
    pthread_mutex_lock(mu);
    bool running = *started;
    *stop = true;
    pthread_cond_signal(cv);
    pthread_mutex_unlock(mu);
    if (running) pthread_join(*t, NULL);
}

void store_close(yt_store *s) {
    if (!s) return;
    store_await(s, atomic_load(&s->committed)); /* what was committed is durable before the store goes */
    stop_thread(&s->sync_mu, &s->sync_cv, &s->syncer_stop, &s->syncer_started, &s->syncer);
    stop_thread(&s->mu, &s->upkeep_cv, &s->upkeep_stop, &s->upkeep_started, &s->upkeep);
    if (s->log_fd >= 0) close(s->log_fd);
    for (size_t i = 0; i < s->nall; i++) {
        db_hooks_free(s->all[i]);
        s->drv->close(s->all[i]);
    }
    free(s->all);
    pthread_key_delete(s->key);
    pthread_mutex_destroy(&s->mu);
    pthread_mutex_destroy(&s->writer_mu);
    pthread_cond_destroy(&s->writer_cv);
    pthread_cond_destroy(&s->upkeep_cv);
    pthread_mutex_destroy(&s->sync_mu);
    pthread_cond_destroy(&s->sync_cv);
    pthread_cond_destroy(&s->synced_cv);
    free(s->target);
    free(s);
}

yt_dialect store_dialect(const yt_store *s) { return s->drv == &yt_pg_driver ? YT_PG : YT_SQLITE; }

static yt_db *new_connection(yt_store *s) {
    char err[256];
    yt_db *db = s->drv->connect(s->target, err, sizeof err);
    if (!db) {
        log_error("store connect failed: %s", err);
        return NULL;
    }
    db->store = s;
    if (s->drv->watch_log) s->drv->watch_log(db);
    pthread_mutex_lock(&s->mu);
    if (s->nall == s->capall) {
        s->capall *= 2;
        s->all = yt_realloc(s->all, s->capall * sizeof *s->all);
    }
    s->all[s->nall++] = db;
    pthread_mutex_unlock(&s->mu);
    return db;
}

yt_db *store_db(yt_store *s) {
    yt_db *db = pthread_getspecific(s->key);
    if (db) return db;
    db = new_connection(s);
    if (db) pthread_setspecific(s->key, db);
    return db;
}

/* The upkeep thread: checkpoints on its own connection whenever a commit left the log long, so no commit
 * (a flash group, an API write) waits for one. A passive checkpoint waits for nobody: what readers still
 * use stays in the log for the next one. */
static void *upkeep_main(void *arg) {
    yt_store *s = arg;
    pthread_setname_np(pthread_self(), "yt-checkpoint");
    yt_db *db = store_db(s);
    pthread_mutex_lock(&s->mu);
    while (!s->upkeep_stop) {
        if (!s->upkeep_due) {
            pthread_cond_wait(&s->upkeep_cv, &s->mu);
            continue;
        }
        s->upkeep_due = false;
        pthread_mutex_unlock(&s->mu);
        if (db && s->drv->checkpoint(db) != 0) log_error("store: checkpoint failed: %s", db_error(db));
        else if (db) metrics_count_checkpoint();
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

void store_log_grew(yt_db *db, int pages) {
    yt_store *s = db->store;
    if (db->lazy) { /* a commit (autocommit too) in the log's file: durable at the next sync */
        uint64_t point = atomic_fetch_add(&s->committed, 1) + 1;
        if (!db->moves_durable) atomic_store(&s->shown, point); /* lazy: the writer alone, one commit at a time */
    }
    if (pages >= CHECKPOINT_INLINE_PAGES) { /* the thread has fallen behind (or cannot start): keep the log bounded */
        if (s->drv->checkpoint(db) != 0) log_error("store: checkpoint failed: %s", db_error(db));
        else metrics_count_checkpoint();
        return;
    }
    /* asked once for each CHECKPOINT_PAGES the log grows: a checkpoint copies what the log holds, and the next
     * commit starts the log again from its beginning (a shorter log). Asked after every commit instead, the
     * thread checkpointed back to back, a few pages and a sync of the database each time (200 a second under a
     * flash sale), and its reads kept the log from starting again. */
    if (pages < CHECKPOINT_PAGES) {
        atomic_store_explicit(&s->log_asked, 0, memory_order_relaxed);
        return;
    }
    int asked = atomic_load_explicit(&s->log_asked, memory_order_relaxed);
    if (asked && pages >= asked && pages - asked < CHECKPOINT_PAGES) return;
    atomic_store_explicit(&s->log_asked, pages, memory_order_relaxed);
    store_checkpoint_soon(s);
}

void store_checkpoint_soon(yt_store *s) {
    if (!s->drv->checkpoint) return;
    pthread_mutex_lock(&s->mu);
    if (!s->upkeep_started && !s->upkeep_stop) s->upkeep_started = pthread_create(&s->upkeep, NULL, upkeep_main, s) == 0;
    s->upkeep_due = true;
    pthread_cond_signal(&s->upkeep_cv);
    pthread_mutex_unlock(&s->mu);
}

/* The sync thread: one fdatasync of the log for every commit made since the last, then the waiters whose
 * points it covered are told. On stop it settles everyone still waiting first. */
static void *syncer_main(void *arg) {
    yt_store *s = arg;
    pthread_setname_np(pthread_self(), "yt-sync");
    pthread_mutex_lock(&s->sync_mu);
    for (;;) {
        if (s->wanted <= atomic_load(&s->durable)) {
            if (s->syncer_stop) break;
            pthread_cond_wait(&s->sync_cv, &s->sync_mu);
            continue;
        }
        uint64_t upto = atomic_load(&s->committed); /* every commit counted so far is in the log's file */
        if (s->log_fd < 0) {
            pthread_mutex_lock(&s->mu); /* the first connection lives as long as the store; the list may grow */
            yt_db *first = s->all[0];
            pthread_mutex_unlock(&s->mu);
            s->log_fd = s->drv->log_fd(first);
        }
        int fd = s->log_fd;
        bool lost = atomic_load(&s->log_lost);
        pthread_mutex_unlock(&s->sync_mu);
        bool ok = !lost && fd >= 0 && fdatasync(fd) == 0;
        if (!ok && !lost && fd < 0) log_error("store: cannot sync the write-ahead log: it cannot be opened");
        if (!ok && !lost && fd >= 0) {
            log_error("store: cannot sync the write-ahead log: %s; no change can be made durable until the server restarts",
                      strerror(errno));
            atomic_store(&s->log_lost, true);
        }
        pthread_mutex_lock(&s->sync_mu);
        uint64_t was = atomic_load(&s->durable); /* only this thread moves it */
        if (!lost) metrics_observe_sync(ok, ok && upto > was ? upto - was : 0);
        if (ok && upto > was) atomic_store(&s->durable, upto);
        if (!ok) {
            if (upto > s->failed) s->failed = upto;
            if (s->wanted <= s->failed) s->wanted = atomic_load(&s->durable); /* nothing more to try for now */
        }
        durable_waiter *settled = NULL, **at = &s->waiters;
        while (*at) {
            durable_waiter *w = *at;
            if (w->point <= atomic_load(&s->durable) || w->point <= s->failed || atomic_load(&s->log_lost)) {
                *at = w->next;
                w->next = settled;
                settled = w;
            } else {
                at = &w->next;
            }
        }
        pthread_cond_broadcast(&s->synced_cv);
        pthread_mutex_unlock(&s->sync_mu);
        while (settled) {
            durable_waiter *w = settled;
            settled = w->next;
            w->done(w->arg, w->point <= atomic_load(&s->durable));
            free(w);
        }
        pthread_mutex_lock(&s->sync_mu);
    }
    pthread_mutex_unlock(&s->sync_mu);
    return NULL;
}

void store_group_durability(yt_store *s) {
    s->group_durability = true;
    yt_db *w = store_writer_acquire(s); /* made lazy when opened now; made so now when it was opened before */
    if (w && !w->lazy && s->drv->lazy_commits && s->drv->log_fd) w->lazy = s->drv->lazy_commits(w) == 0;
    if (w) store_writer_release(s);
}

bool store_log_lost(yt_store *s) { return atomic_load(&s->log_lost); }

store_point store_pending(yt_store *s) {
    uint64_t c = atomic_load(&s->shown);
    return c > atomic_load(&s->durable) ? c : 0;
}

/* Asks the sync thread for point (with sync_mu held); false when it cannot run. */
static bool want_locked(yt_store *s, store_point point) {
    if (!s->syncer_started && !s->syncer_stop) s->syncer_started = pthread_create(&s->syncer, NULL, syncer_main, s) == 0;
    if (!s->syncer_started) return false;
    if (point > s->wanted) s->wanted = point;
    pthread_cond_signal(&s->sync_cv);
    return true;
}

int store_await(yt_store *s, store_point point) {
    if (!point || point <= atomic_load(&s->durable)) return 0;
    if (atomic_load(&s->log_lost)) return -1;
    pthread_mutex_lock(&s->sync_mu);
    bool running = want_locked(s, point);
    while (running && point > atomic_load(&s->durable) && point > s->failed && !atomic_load(&s->log_lost))
        pthread_cond_wait(&s->synced_cv, &s->sync_mu);
    int rc = point <= atomic_load(&s->durable) ? 0 : -1;
    pthread_mutex_unlock(&s->sync_mu);
    if (!running && rc) log_error("store: no thread to sync the write-ahead log");
    return rc;
}

void store_when_durable(yt_store *s, store_point point, void (*done)(void *arg, bool durable), void *arg) {
    if (!point || point <= atomic_load(&s->durable) || atomic_load(&s->log_lost)) {
        done(arg, !point || point <= atomic_load(&s->durable));
        return;
    }
    durable_waiter *w = yt_malloc(sizeof *w);
    *w = (durable_waiter){point, done, arg, NULL};
    pthread_mutex_lock(&s->sync_mu);
    /* a sync may have covered point since the look above: then no later sync would settle the waiter */
    bool already = point <= atomic_load(&s->durable), running = already || want_locked(s, point);
    if (running && !already) w->next = s->waiters, s->waiters = w;
    pthread_mutex_unlock(&s->sync_mu);
    if (already || !running) {
        if (!running) log_error("store: no thread to sync the write-ahead log");
        done(arg, running);
        free(w);
    }
}

/* A ticket lock: the writer goes to waiters in the order they came, so a thread that releases it and
 * asks again (an import between chunks) queues behind every write already waiting. */
yt_db *store_writer_acquire(yt_store *s) {
    if (s->drv != &yt_sqlite_driver) return store_db(s);
    pthread_mutex_lock(&s->writer_mu);
    uint64_t ticket = s->writer_next++;
    while (s->writer_serving != ticket) pthread_cond_wait(&s->writer_cv, &s->writer_mu);
    pthread_mutex_unlock(&s->writer_mu);
    if (!s->writer && (s->writer = new_connection(s)) && s->group_durability && s->drv->lazy_commits && s->drv->log_fd)
        s->writer->lazy = s->drv->lazy_commits(s->writer) == 0; /* durable in groups: see store_pending */
    if (!s->writer) store_writer_release(s);
    return s->writer;
}

bool db_is_writer(const yt_db *db) { return db->store->drv != &yt_sqlite_driver || db == db->store->writer; }

void store_writer_release(yt_store *s) {
    if (s->drv != &yt_sqlite_driver) return;
    pthread_mutex_lock(&s->writer_mu);
    s->writer_serving++;
    pthread_cond_broadcast(&s->writer_cv);
    pthread_mutex_unlock(&s->writer_mu);
}

/* The '?' placeholders of sql outside quoted literals: a statement bound with fewer or more parameters than
 * it has is a bug the drivers would report only at run time, or not at all (SQLite binds NULL to the rest). */
static __attribute__((unused)) int placeholders(const char *sql) { /* for assert: Debug builds only */
    int n = 0;
    char quote = 0;
    for (const char *c = sql; *c; c++) {
        if (quote) {
            if (*c == quote) quote = 0;
        } else if (*c == '\'' || *c == '"') {
            quote = *c;
        } else if (*c == '?') {
            n++;
        }
    }
    return n;
}

int64_t db_exec(yt_db *db, const char *sql, int n, const yt_param *p) {
    assert(placeholders(sql) == n);
    if (db->tx_aborted) return -1;
    uint64_t t0 = mono_ns();
    int64_t rc = db->drv->exec(db, sql, n, p);
    metrics_observe_store(mono_ns() - t0);
    return rc;
}

yt_rows *db_query(yt_db *db, const char *sql, int n, const yt_param *p) {
    assert(placeholders(sql) == n);
    if (db->tx_aborted) return NULL;
    uint64_t t0 = mono_ns();
    yt_rows *r = db->drv->query(db, sql, n, p);
    metrics_observe_store(mono_ns() - t0);
    return r;
}
int db_exec_script(yt_db *db, const char *sql) { return db->drv->exec_script(db, sql); }
const char *db_error(yt_db *db) { return db->drv->error(db); }
bool db_unique_violation(yt_db *db) { return db->drv->unique_violation(db); }
bool db_retryable(yt_db *db) { return db->drv->retryable && db->drv->retryable(db); }
yt_dialect db_dialect(const yt_db *db) { return db->drv == &yt_pg_driver ? YT_PG : YT_SQLITE; }

int db_backup(yt_db *db, const char *path, char *err, size_t errsz) {
    if (!db->drv->backup) {
        snprintf(err, errsz, "backup is not supported by the %s driver; use pg_dump", db->drv->name);
        return -1;
    }
    return db->drv->backup(db, path, err, errsz);
}

int64_t db_query_int(yt_db *db, const char *sql, int n, const yt_param *p, int64_t dflt) {
    yt_rows *r = db_query(db, sql, n, p);
    if (!r) return dflt;
    int64_t v = dflt;
    if (rows_next(r) && !rows_null(r, 0)) v = rows_int(r, 0);
    rows_free(r);
    return v;
}

struct db_hook {
    db_hook_fn fn;
    _Alignas(max_align_t) unsigned char arg[DB_HOOK_ARG];
};

void db_after_commit(yt_db *db, db_hook_fn fn, const void *arg, size_t size) {
    assert(size <= DB_HOOK_ARG);
    if (db->tx_depth == 0) {
        unsigned char copy[DB_HOOK_ARG];
        if (size) memcpy(copy, arg, size); /* arg may be NULL when there is nothing to pass */
        fn(copy);
        return;
    }
    if (db->nhooks == db->caphooks) {
        db->caphooks = db->caphooks ? db->caphooks * 2 : 16;
        db->hooks = yt_realloc(db->hooks, sizeof *db->hooks * (size_t)db->caphooks);
    }
    db_hook *h = &db->hooks[db->nhooks++];
    h->fn = fn;
    if (size) memcpy(h->arg, arg, size);
}

void db_hooks_free(yt_db *db) {
    free(db->hooks);
    db->hooks = NULL;
    db->nhooks = db->caphooks = 0;
}

/* Runs the work a committed transaction left, in order; work it adds runs at once (no transaction). */
static void run_hooks(yt_db *db) {
    int n = db->nhooks;
    db->nhooks = 0;
    for (int i = 0; i < n; i++) db->hooks[i].fn(db->hooks[i].arg);
}

/* The outermost level is a transaction; inner levels are savepoints, so an inner rollback undoes
 * only its own work and the caller decides about the rest. */
int db_begin(yt_db *db) {
    char sql[32];
    assert(db->tx_depth < DB_MAX_DEPTH);
    if (db->tx_depth == 0) snprintf(sql, sizeof sql, "%s", db->drv->begin_sql);
    else snprintf(sql, sizeof sql, "SAVEPOINT yt_%d", db->tx_depth);
    if (db->drv->exec_script(db, sql) != 0) return -1;
    if (db->tx_depth == 0) db->nhooks = 0;
    db->hook_mark[db->tx_depth] = db->nhooks;
    db->tx_depth++;
    return 0;
}

int db_commit(yt_db *db) {
    if (db->tx_depth <= 0) return -1;
    if (db->tx_aborted) { /* nothing can commit any more; unwind one level, the outermost end clears it */
        if (--db->tx_depth == 0) {
            db->tx_aborted = false;
            db->nhooks = 0;
        }
        return -1;
    }
    if (db->tx_depth > 1) {
        char sql[32];
        snprintf(sql, sizeof sql, "RELEASE yt_%d", db->tx_depth - 1);
        if (db->drv->exec_script(db, sql) != 0) return -1;
        db->tx_depth--;
        return 0;
    }
    db->tx_depth = 0;
    if (db->drv->exec_script(db, "COMMIT") != 0) {
        db->drv->exec_script(db, "ROLLBACK");
        db->nhooks = 0;
        return -1;
    }
    run_hooks(db);
    return 0;
}

void db_rollback(yt_db *db) {
    if (db->tx_depth <= 0) return;
    db->nhooks = db->hook_mark[db->tx_depth - 1]; /* what this level asked for will not happen */
    if (db->tx_aborted) {
        if (--db->tx_depth == 0) db->tx_aborted = false;
        return;
    }
    if (db->tx_depth > 1) {
        char sql[64];
        snprintf(sql, sizeof sql, "ROLLBACK TO yt_%d; RELEASE yt_%d", db->tx_depth - 1, db->tx_depth - 1);
        db->tx_depth--;
        if (db->drv->exec_script(db, sql) == 0) return;
        db->nhooks = 0; /* the whole transaction is gone */
        /* The savepoint is gone, so the whole transaction is: roll it back, and make every statement
         * fail until the outer levels have ended too, so none of them runs in autocommit by mistake. */
        db->drv->exec_script(db, "ROLLBACK");
        db->tx_aborted = true;
        return;
    }
    db->tx_depth = 0;
    db->drv->exec_script(db, "ROLLBACK");
}

bool rows_next(yt_rows *r) { return (*(const yt_driver **)r)->next(r); }
const char *rows_text(yt_rows *r, int col) { return (*(const yt_driver **)r)->text(r, col); }
int64_t rows_int(yt_rows *r, int col) { return (*(const yt_driver **)r)->integer(r, col); }
bool rows_null(yt_rows *r, int col) { return (*(const yt_driver **)r)->is_null(r, col); }
void rows_free(yt_rows *r) {
    if (r) (*(const yt_driver **)r)->free_rows(r);
}

int64_t *rows_ids(yt_rows *r, size_t *n) {
    int64_t *ids = NULL;
    size_t cap = 0;
    *n = 0;
    while (rows_next(r)) {
        if (*n == cap) ids = yt_realloc(ids, (cap = cap ? cap * 2 : 64) * sizeof *ids);
        ids[(*n)++] = rows_int(r, 0);
    }
    rows_free(r);
    return ids;
}

const char *db_in_ids(yt_dialect d) {
    return d == YT_PG ? " = ANY(CAST(? AS BIGINT[]))" : " IN (SELECT value FROM json_each(?))";
}

char *db_id_list(yt_dialect d, const int64_t *ids, size_t n) {
    yt_buf b = YT_BUF_INIT;
    buf_putc(&b, d == YT_PG ? '{' : '[');
    for (size_t i = 0; i < n; i++) buf_printf(&b, "%s%lld", i ? "," : "", (long long)ids[i]);
    buf_putc(&b, d == YT_PG ? '}' : ']');
    return buf_take(&b);
}

int db_wait_notify(yt_db *db, const char *channel, int timeout_ms) {
    if (db->drv->wait_notify) return db->drv->wait_notify(db, channel, timeout_ms);
    struct timespec ts = {timeout_ms / 1000, (long)(timeout_ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
    return 0;
}

int db_xact_lock(yt_db *db, int64_t key) {
    if (db_dialect(db) != YT_PG) return 0;
    yt_param p[] = {PI(key)};
    yt_rows *r = db_query(db, "SELECT pg_advisory_xact_lock(?)", 1, p);
    if (!r) return -1;
    rows_free(r);
    return 0;
}
