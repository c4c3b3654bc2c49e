/* The flash order journal: filing its rows into mall_orders, and the settle every reader of mall orders does
 * first (flash_journal.h says why the journal is there). */
#include "flash_journal.h"
#include "../base/log.h"
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FILED_COLS "id, customer_id, kind, activity_id, sku_id, quantity, unit_price, total, status, created_at, pay_by, staff_id"
#define JOURNAL_COLS "id, customer_id, 'flash', activity_id, sku_id, quantity, unit_price, total, 'pending', created_at, pay_by, staff_id"

/* Which rows a filing takes (besides "up to an id"): all, one order's, or one customer's; each statement below
 * has the condition where its %s is, and takes the key after the id. */
typedef enum { SCOPE_ALL, SCOPE_ORDER, SCOPE_CUSTOMER } scope;
static const char *const scope_cond[] = {[SCOPE_ALL] = "", [SCOPE_ORDER] = " AND id = ?", [SCOPE_CUSTOMER] = " AND customer_id = ?"};

/* Moving the rows up to an id. On SQLite (one writer: nothing comes between two statements) a copy in
 * customer order (the customer index is written a page at a time, not an order at a time), then the removal.
 * On PostgreSQL the rows' customers are share-locked first, in ascending order, and only their rows move, in
 * one statement: a merge (which locks its two customers before it moves their rows, the journal's among
 * them) then either comes before, and its customers' rows move as the survivor's, or waits till they are in
 * mall_orders, where it moves them; and a row another instance commits meanwhile is neither copied without
 * being removed nor removed without being copied. */
static const struct {
    const char *lock, *move, *remove; /* lock: NULL without one; remove: NULL when move removes too */
} file_sql[] = {
    [YT_SQLITE] = {NULL,
                   "INSERT INTO mall_orders(" FILED_COLS ") SELECT " JOURNAL_COLS " FROM flash_journal WHERE id <= ?%s"
                   " ORDER BY customer_id, id",
                   "DELETE FROM flash_journal WHERE id <= ?%s"},
    [YT_PG] = {"SELECT id FROM customers WHERE id IN (SELECT customer_id FROM flash_journal WHERE id <= ?%s) ORDER BY id FOR SHARE",
               "WITH moved AS (DELETE FROM flash_journal WHERE id <= ?%s AND customer_id = ANY(CAST(? AS BIGINT[])) RETURNING *)"
               " INSERT INTO mall_orders(" FILED_COLS ") SELECT " JOURNAL_COLS " FROM moved ORDER BY customer_id, id",
               NULL},
};

/* One of the texts above with the scope's condition in it (the statement caches keep each variant). */
static const char *with_scope(char *out, size_t n, const char *sql, scope s) {
    snprintf(out, n, sql, scope_cond[s]);
    return out;
}

/* The customers of the rows to move, locked, as the move's last parameter (PostgreSQL). NULL on a store
 * error. The caller frees it. */
static char *lock_customers(yt_db *db, const yt_param *p, int np, scope s) {
    char sql[512];
    yt_rows *r = db_query(db, with_scope(sql, sizeof sql, file_sql[db_dialect(db)].lock, s), np, p);
    if (!r) return NULL;
    size_t n;
    int64_t *ids = rows_ids(r, &n);
    char *list = db_id_list(db_dialect(db), ids, n);
    free(ids);
    return list;
}

/* Files the oldest of the scope's rows, at most max (0: all), in a transaction of db's (nested in the caller's
 * when it has one). Their number, or -1 on a store error (nothing filed). */
static int64_t file_scope(yt_db *db, int64_t max, scope s, int64_t key) {
    if (db_begin(db) != 0) return -1;
    char sql[640];
    snprintf(sql, sizeof sql, "SELECT COALESCE(MAX(id), 0) FROM (SELECT id FROM flash_journal WHERE id > 0%s ORDER BY id LIMIT ?) j",
             scope_cond[s]);
    yt_param q[] = {PI(key), PI(max > 0 ? max : INT64_MAX)};
    int64_t upto = db_xact_lock(db, FLASH_JOURNAL_LOCK) == 0 ? db_query_int(db, sql, s ? 2 : 1, s ? q : q + 1, -1) : -1;
    const char *lock = file_sql[db_dialect(db)].lock, *rm = file_sql[db_dialect(db)].remove;
    yt_param p[3] = {PI(upto), PI(key)}; /* and the locked customers */
    int np = s ? 2 : 1;
    char *customers = upto > 0 && lock ? lock_customers(db, p, np, s) : NULL;
    if (customers) p[np] = PT(customers);
    int64_t n = upto <= 0 ? upto
                : lock && !customers ? -1
                : db_exec(db, with_scope(sql, sizeof sql, file_sql[db_dialect(db)].move, s), np + (customers ? 1 : 0), p);
    if (n > 0 && rm && db_exec(db, with_scope(sql, sizeof sql, rm, s), np, p) != n) n = -1; /* copied twice or not at all */
    free(customers);
    if (n < 0 || db_commit(db) != 0) {
        log_error("flash orders: cannot file the journal: %s", db_error(db));
        if (db->tx_depth) db_rollback(db);
        return -1;
    }
    return n;
}

int64_t flash_journal_file(yt_db *db, int64_t max) {
    /* a transaction of its own only moves durable rows: no answer waits for its commit (yt_db.moves_durable) */
    bool own = db->tx_depth == 0;
    if (own) db->moves_durable = true;
    int64_t n = file_scope(db, max, SCOPE_ALL, 0);
    if (own) db->moves_durable = false;
    return n;
}

/* Files the scope's rows before a read or a change, when the journal has any (one read): in x->db's
 * transaction when it is the writer's; else on the store's writer (taken when x->db is not it) in one of
 * their own (a reader's own transaction never writes). */
static int settle(yt_ctx *x, scope s, int64_t key) {
    yt_db *db = x->db;
    char sql[160];
    snprintf(sql, sizeof sql, "SELECT COUNT(*) FROM (SELECT 1 FROM flash_journal WHERE id > 0%s LIMIT 1) j", scope_cond[s]);
    int64_t any = db_query_int(db, sql, s ? 1 : 0, (yt_param[]){PI(key)}, -1);
    if (any < 0) return yt_fail_db(x, "reading the flash order journal");
    if (!any) return YT_OK;
    if (!db_is_writer(db)) { /* a reading request on SQLite: the writer files */
        yt_db *w = store_writer_acquire(db->store);
        int64_t n = w ? file_scope(w, 0, s, key) : -1;
        if (w) store_writer_release(db->store);
        return n < 0 ? yt_fail(x, YT_EINTERNAL, NULL, "the store could not file the flash orders; try again") : YT_OK;
    }
    return file_scope(db, 0, s, key) < 0 ? yt_fail_db(x, "filing the flash orders") : YT_OK;
}

int flash_journal_settle(yt_ctx *x) { return settle(x, SCOPE_ALL, 0); }
int flash_journal_settle_order(yt_ctx *x, int64_t order_id) { return settle(x, SCOPE_ORDER, order_id); }
int flash_journal_settle_customer(yt_ctx *x, int64_t customer_id) { return settle(x, SCOPE_CUSTOMER, customer_id); }
