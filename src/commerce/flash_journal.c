/* The flash order journal: filing its rows into mall_orders, and the settle every reader of mall orders does
 * first (flash_journal.h says why the journal is there). */
#include "flash_journal.h"
#include "../base/log.h"
#include <stdint.h>
#include <stdlib.h>

#define FILED_COLS "id, customer_id, kind, activity_id, sku_id, quantity, unit_price, total, status, created_at, pay_by, staff_id"
#define JOURNAL_COLS "id, customer_id, 'flash', activity_id, sku_id, quantity, unit_price, total, 'pending', created_at, pay_by, staff_id"

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
                   "INSERT INTO mall_orders(" FILED_COLS ") SELECT " JOURNAL_COLS " FROM flash_journal WHERE id <= ?"
                   " ORDER BY customer_id, id",
                   "DELETE FROM flash_journal WHERE id <= ?"},
    [YT_PG] = {"SELECT id FROM customers WHERE id IN (SELECT customer_id FROM flash_journal WHERE id <= ?) ORDER BY id FOR SHARE",
               "WITH moved AS (DELETE FROM flash_journal WHERE id <= ? AND customer_id = ANY(CAST(? AS BIGINT[])) RETURNING *)"
               " INSERT INTO mall_orders(" FILED_COLS ") SELECT " JOURNAL_COLS " FROM moved ORDER BY customer_id, id",
               NULL},
};

/* The customers of the rows up to upto, locked, as the move's second parameter (PostgreSQL). NULL on a store
 * error. The caller frees it. */
static char *lock_customers(yt_db *db, int64_t upto) {
    const char *sql = file_sql[db_dialect(db)].lock;
    yt_rows *r = db_query(db, sql, 1, (yt_param[]){PI(upto)});
    if (!r) return NULL;
    size_t n;
    int64_t *ids = rows_ids(r, &n);
    char *list = db_id_list(db_dialect(db), ids, n);
    free(ids);
    return list;
}

int64_t flash_journal_file(yt_db *db, int64_t max) {
    if (db_begin(db) != 0) return -1;
    yt_param lim[] = {PI(max > 0 ? max : INT64_MAX)};
    int64_t upto = db_xact_lock(db, FLASH_JOURNAL_LOCK) == 0
                       ? db_query_int(db, "SELECT COALESCE(MAX(id), 0) FROM (SELECT id FROM flash_journal ORDER BY id LIMIT ?) j", 1, lim, -1)
                       : -1;
    bool locks = file_sql[db_dialect(db)].lock != NULL;
    char *customers = upto > 0 && locks ? lock_customers(db, upto) : NULL;
    int64_t n = upto <= 0 ? upto
                : locks && !customers ? -1
                : db_exec(db, file_sql[db_dialect(db)].move, locks ? 2 : 1, (yt_param[]){PI(upto), PT(customers)});
    free(customers);
    if (n > 0 && file_sql[db_dialect(db)].remove && db_exec(db, file_sql[db_dialect(db)].remove, 1, (yt_param[]){PI(upto)}) != n)
        n = -1; /* a row copied twice or not at all: nothing is filed */
    if (n < 0 || db_commit(db) != 0) {
        log_error("flash orders: cannot file the journal: %s", db_error(db));
        if (db->tx_depth) db_rollback(db);
        return -1;
    }
    return n;
}

int flash_journal_settle(yt_ctx *x) {
    yt_db *db = x->db;
    if (!db->tx_depth || !db_is_writer(db)) { /* (a reader's own transaction never writes) */
        int64_t any = db_query_int(db, "SELECT COUNT(*) FROM (SELECT 1 FROM flash_journal LIMIT 1) j", 0, NULL, -1);
        if (any < 0) return yt_fail_db(x, "reading the flash order journal");
        if (!any) return YT_OK;
        if (!db_is_writer(db)) { /* a reading request on SQLite: the writer files */
            yt_db *w = store_writer_acquire(db->store);
            int64_t n = w ? flash_journal_file(w, 0) : -1;
            if (w) store_writer_release(db->store);
            return n < 0 ? yt_fail(x, YT_EINTERNAL, NULL, "the store could not file the flash orders; try again") : YT_OK;
        }
    }
    return flash_journal_file(db, 0) < 0 ? yt_fail_db(x, "filing the flash orders") : YT_OK;
}
