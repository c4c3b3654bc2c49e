/* Merge (two records found to be one person) and PIPL erasure, over every customer-keyed table the module entries list. */
#include "customer.h"
#include "../modules.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include <stdio.h>
#include <stdlib.h>

/* The customers' rows a merge or an erasure changes, locked before anything else: on PostgreSQL a writer that
 * checks a customer under FOR SHARE in its own transaction (the flash committer) then either commits before
 * the merge moves the customer's rows, or waits and sees the customer merged or erased. SQLite has one writer
 * at a time anyway. Ascending ids, the order in which every locker takes them. */
static const char *const lock_for_merge[] = {
    [YT_SQLITE] = NULL,
    [YT_PG] = "SELECT id FROM customers WHERE id IN (?, ?) ORDER BY id FOR NO KEY UPDATE",
};
static const char *const lock_for_erase[] = {
    [YT_SQLITE] = NULL,
    [YT_PG] = "SELECT id FROM customers WHERE id = ? OR merged_into = ? ORDER BY id FOR NO KEY UPDATE",
};

/* Runs a dialect's lock statement, if it has one; false on a store error. */
static bool lock_rows(yt_ctx *x, const char *const sql[], int n, yt_param *p) {
    const char *q = sql[db_dialect(x->db)];
    if (!q) return true;
    yt_rows *r = db_query(x->db, q, n, p);
    bool ok = r != NULL;
    rows_free(r);
    return ok;
}

int customer_hold(yt_ctx *x, int64_t customer, int gone, const char *doing) {
    yt_param c[] = {PI(customer)};
    int64_t live = db_exec(x->db, "UPDATE customers SET updated_at = updated_at WHERE id = ? AND merged_into IS NULL AND erased_at IS NULL",
                           1, c);
    if (live < 0) return yt_fail_db(x, doing);
    if (live > 0) return YT_OK;
    return gone == YT_ECONFLICT ? yt_fail(x, YT_ECONFLICT, NULL, "customer %lld was merged or erased just now; try again", (long long)customer)
                                : yt_fail(x, YT_ENOTFOUND, NULL, "no customer with id %lld", (long long)customer);
}

yt_rows *customers_live(yt_db *db, const int64_t *ids, size_t n, bool lock) {
    static const char *const locking[] = {[YT_SQLITE] = NULL, [YT_PG] = " ORDER BY id FOR SHARE"};
    yt_dialect d = db_dialect(db);
    char sql[256], *list = db_id_list(d, ids, n);
    snprintf(sql, sizeof sql, "SELECT id, owner_id FROM customers WHERE merged_into IS NULL AND erased_at IS NULL AND id%s%s",
             db_in_ids(d), lock && locking[d] ? locking[d] : " ORDER BY id");
    yt_param p[] = {PT(list)};
    yt_rows *r = db_query(db, sql, 1, p);
    free(list);
    return r;
}

int customers_lock_ascending(yt_ctx *x, const int64_t *ids, size_t n, const char *doing) {
    yt_dialect d = db_dialect(x->db);
    if (d != YT_PG || !n) return YT_OK;
    char sql[160], *list = db_id_list(d, ids, n);
    snprintf(sql, sizeof sql, "SELECT id FROM customers WHERE id%s ORDER BY id FOR NO KEY UPDATE", db_in_ids(d));
    yt_param p[] = {PT(list)};
    yt_rows *r = db_query(x->db, sql, 1, p);
    free(list);
    if (!r) return yt_fail_db(x, doing);
    rows_free(r);
    return YT_OK;
}

int customer_merge(yt_ctx *x, int64_t survivor, int64_t absorbed) {
    if (survivor == absorbed) return yt_fail(x, YT_EINVAL, "from", "cannot merge a customer into itself");
    yt_param p[] = {PI(survivor), PI(absorbed)};
    /* the survivor keeps its own values and fills its blanks from the absorbed record */
    static const char *const fill =
        "UPDATE customers SET"
        " name = CASE WHEN customers.name = '' THEN a.name ELSE customers.name END,"
        " nickname = CASE WHEN customers.nickname = '' THEN a.nickname ELSE customers.nickname END,"
        " avatar_url = COALESCE(customers.avatar_url, a.avatar_url),"
        " birthday = COALESCE(customers.birthday, a.birthday),"
        " city = CASE WHEN customers.city = '' THEN a.city ELSE customers.city END,"
        " store_id = COALESCE(customers.store_id, a.store_id),"
        " owner_id = COALESCE(customers.owner_id, a.owner_id),"
        " points = customers.points + a.points, growth = customers.growth + a.growth,"
        " member_level = CASE WHEN a.member_level > customers.member_level THEN a.member_level"
        "   ELSE customers.member_level END"
        " FROM (SELECT * FROM customers WHERE id = ?) AS a WHERE customers.id = ?";
    if (db_begin(x->db) != 0) return yt_fail_db(x, "merging customers");
    int rc = lock_rows(x, lock_for_merge, 2, p) ? YT_OK : yt_fail_db(x, "merging customers");
    int nkeyed;
    const customer_keyed *keyed = modules_keyed(&nkeyed);
    for (int i = 0; rc == YT_OK && i < nkeyed; i++) {
        if (keyed[i].merge_fn) rc = keyed[i].merge_fn(x, survivor, absorbed);
        if (rc == YT_OK && ((keyed[i].merge_sql && db_exec(x->db, keyed[i].merge_sql, 2, p) < 0) ||
                            (keyed[i].merge_drop_sql && db_exec(x->db, keyed[i].merge_drop_sql, 1, &p[1]) < 0)))
            rc = yt_fail_db(x, "merging customers");
    }
    yt_param ap[] = {PI(absorbed), PI(survivor)};
    if (rc == YT_OK && db_exec(x->db, fill, 2, ap) < 0) rc = yt_fail_db(x, "merging customers");
    if (rc == YT_OK) {
        int64_t now = now_ms();
        yt_param q[] = {PI(survivor), PI(now), PI(absorbed)};
        yt_param t[] = {PI(now), PI(survivor)};
        if (db_exec(x->db, "UPDATE customers SET merged_into = ?, points = 0, growth = 0, updated_at = ? WHERE id = ?", 3, q) < 0 ||
            db_exec(x->db, "UPDATE customers SET updated_at = ? WHERE id = ?", 2, t) < 0)
            rc = yt_fail_db(x, "merging customers");
    }
    if (rc == YT_OK) rc = customer_index(x, survivor);
    if (rc == YT_OK) rc = customer_index(x, absorbed); /* removes it from the index */
    if (rc == YT_OK) {
        char summary[96];
        snprintf(summary, sizeof summary, "{\"absorbed\":%lld,\"survivor\":%lld}", (long long)absorbed, (long long)survivor);
        rc = audit_record(x, "customer.merge", "customer", survivor, summary);
    }
    if (rc == YT_OK) rc = change_record(x, CHANGE_CUSTOMER_MERGED, survivor, absorbed);
    if (rc == YT_OK) rc = change_record(x, CHANGE_CUSTOMER_MERGED, absorbed, survivor);
    return yt_finish(x, rc, "merging customers");
}

int customer_erase(yt_ctx *x, int64_t id) {
    if (db_begin(x->db) != 0) return yt_fail_db(x, "erasing a customer");
    yt_param p[] = {PI(id), PI(id)};
    int rc = lock_rows(x, lock_for_erase, 2, p) ? YT_OK : yt_fail_db(x, "erasing a customer");
    int nkeyed;
    const customer_keyed *keyed = modules_keyed(&nkeyed);
    for (int i = 0; rc == YT_OK && i < nkeyed; i++) {
        const customer_keyed *k = &keyed[i];
        if (k->erase_sql && db_exec(x->db, k->erase_sql, k->erase_nparams, p) < 0) rc = yt_fail_db(x, "erasing a customer");
    }
    if (rc == YT_OK) {
        int64_t now = now_ms();
        /* orders stay, linked to this anonymous shell */
        yt_param q2[] = {PI(now), PI(now), PI(now), PI(id), PI(id)};
        if (db_exec(x->db,
                    "UPDATE customers SET name = '', nickname = '', avatar_url = NULL, birthday = NULL, city = '',"
                    " gender = 'unknown', consent = 'withdrawn', consent_at = ?, consent_source = 'erasure',"
                    " erased_at = ?, updated_at = ? WHERE id = ? OR merged_into = ?",
                    5, q2) < 0)
            rc = yt_fail_db(x, "erasing a customer");
    }
    if (rc == YT_OK) rc = customer_index(x, id);
    if (rc == YT_OK) rc = change_record(x, CHANGE_CUSTOMER_ERASED, id, 0);
    if (rc == YT_OK) rc = audit_record(x, "customer.erase", "customer", id, "{\"pii\":\"removed\",\"orders\":\"kept anonymised\"}");
    return yt_finish(x, rc, "erasing a customer");
}
