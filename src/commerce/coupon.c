/* Coupons: templates, claims and grants under the quota and per-customer limit, and use at checkout. */
#include "coupon.h"
#include "mall_order.h"
#include "../base/alloc.h"
#include "../base/ids.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL
#define GRANT_CHUNK 1000 /* customers per transaction in a grant */

/* ---- templates ---- */

static int check(yt_ctx *x, const coupon_input *in) {
    if (yt_check_text(x, "name", in->name ? in->name : "", 1, 60)) return x->err.code;
    bool amount = in->kind && strcmp(in->kind, "amount") == 0, percent = in->kind && strcmp(in->kind, "percent") == 0;
    if (!amount && !percent) return yt_fail(x, YT_EINVAL, "kind", "kind is amount (满减) or percent (折扣)");
    if (in->threshold < 0 || in->threshold > 10000000000LL) return yt_fail(x, YT_EINVAL, "threshold", "is fen from 0 to 10^10");
    if (amount && (in->amount_off < 1 || in->amount_off > 100000000LL))
        return yt_fail(x, YT_EINVAL, "amount_off", "is fen from 1 to 10^8");
    if (amount && in->threshold && in->amount_off >= in->threshold)
        return yt_fail(x, YT_EINVAL, "amount_off", "must be less than the threshold");
    if (percent && (in->percent_off < 1 || in->percent_off > 99)) return yt_fail(x, YT_EINVAL, "percent_off", "is 1 to 99 (%% off)");
    if (in->max_off < 0 || in->max_off > 100000000LL) return yt_fail(x, YT_EINVAL, "max_off", "is fen from 0 (no cap) to 10^8");
    if (in->total < 1 || in->total > COUPON_TOTAL_MAX) return yt_fail(x, YT_EINVAL, "total", "is from 1 to %lld", COUPON_TOTAL_MAX);
    if (in->per_customer < 1 || in->per_customer > 100) return yt_fail(x, YT_EINVAL, "per_customer", "is from 1 to 100");
    if (in->claim_ends <= in->claim_starts) return yt_fail(x, YT_EINVAL, "claim_ends", "must be after claim_starts");
    if (in->valid_days < 0 || in->valid_days > 3650) return yt_fail(x, YT_EINVAL, "valid_days", "is from 0 to 3650");
    if (!in->valid_days && in->valid_until <= in->claim_starts)
        return yt_fail(x, YT_EINVAL, "valid_until", "give valid_days, or a valid_until after claim_starts");
    if (in->nproducts > COUPON_SCOPE_MAX || in->ncategories > COUPON_SCOPE_MAX)
        return yt_fail(x, YT_EINVAL, in->nproducts > COUPON_SCOPE_MAX ? "products" : "categories", "names at most %d", COUPON_SCOPE_MAX);
    if (in->nproducts && in->ncategories) return yt_fail(x, YT_EINVAL, "categories", "a coupon is scoped to products or to categories, not both");
    for (int i = 0; i < in->ncategories; i++) {
        char field[32];
        snprintf(field, sizeof field, "categories[%d]", i);
        if (yt_check_text(x, field, in->categories[i], 1, 60)) return x->err.code;
    }
    return YT_OK;
}

int coupon_create(yt_ctx *x, const coupon_input *in, int64_t *id) {
    if (check(x, in)) return x->err.code;
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "creating a coupon");
    int rc = YT_OK;
    for (int i = 0; i < in->nproducts; i++) {
        yt_param q[] = {PI(in->products[i])};
        if (db_query_int(x->db, "SELECT COUNT(*) FROM products WHERE id = ?", 1, q, 0) != 1) {
            char field[32];
            snprintf(field, sizeof field, "products[%d]", i);
            rc = yt_fail(x, YT_EINVAL, field, "no product with id %lld", (long long)in->products[i]);
            break;
        }
    }
    /* the scope, kept as JSON for reading beside the rows checkout matches against */
    yt_buf sb = YT_BUF_INIT;
    yt_jw sw;
    jw_init(&sw, &sb);
    jw_obj(&sw);
    jw_key(&sw, "products");
    jw_arr(&sw);
    for (int i = 0; i < in->nproducts; i++) jw_int(&sw, in->products[i]);
    jw_arr_end(&sw);
    jw_key(&sw, "categories");
    jw_arr(&sw);
    for (int i = 0; i < in->ncategories; i++) jw_str(&sw, in->categories[i]);
    jw_arr_end(&sw);
    jw_obj_end(&sw);
    yt_param p[] = {PT(in->name), PT(in->kind), PI(in->threshold), PI(in->amount_off), PI(in->percent_off), PI(in->max_off),
                    PI(in->new_customers_only), PI(in->stackable), PI(in->total), PI(in->per_customer), PI(in->claim_starts),
                    PI(in->claim_ends), PI(in->valid_days), in->valid_days ? PNULL : PI(in->valid_until),
                    PT(sb.p), x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now), PI(now)};
    if (rc == YT_OK) {
        *id = db_query_int(x->db,
                           "INSERT INTO coupons(name, kind, threshold, amount_off, percent_off, max_off, new_customers_only, stackable,"
                           " total, per_customer, claim_starts, claim_ends, valid_days, valid_until, scope, created_by, created_at,"
                           " updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id", NPARAMS(p), p, 0);
        if (*id <= 0) rc = yt_fail_db(x, "creating a coupon");
    }
    for (int i = 0; rc == YT_OK && i < in->nproducts + in->ncategories; i++) {
        yt_param s[] = {PI(*id), i < in->nproducts ? PI(in->products[i]) : PNULL,
                        i < in->nproducts ? PNULL : PT(in->categories[i - in->nproducts])};
        if (db_exec(x->db, "INSERT INTO coupon_scope(coupon_id, product_id, category) VALUES(?,?,?)", 3, s) != 1)
            rc = yt_fail_db(x, "creating a coupon");
    }
    buf_free(&sb);
    if (rc == YT_OK) rc = audit_record(x, "coupon.create", "coupon", *id, NULL);
    return yt_finish(x, rc, "creating a coupon");
}

int coupon_stop(yt_ctx *x, int64_t id) {
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "stopping a coupon");
    yt_param p[] = {PI(now), PI(id)};
    int64_t n = db_exec(x->db, "UPDATE coupons SET status = 'stopped', updated_at = ? WHERE id = ?", 2, p);
    int rc = n < 0 ? yt_fail_db(x, "stopping a coupon") : n == 0 ? yt_fail(x, YT_ENOTFOUND, NULL, "no coupon with id %lld", (long long)id) : YT_OK;
    if (rc == YT_OK) rc = audit_record(x, "coupon.stop", "coupon", id, NULL);
    return yt_finish(x, rc, "stopping a coupon");
}

#define COUPON_COLS                                                                                                  \
    "id, name, kind, threshold, amount_off, percent_off, max_off, new_customers_only, stackable, total, issued,"       \
    " per_customer, claim_starts, claim_ends, valid_days, valid_until, status, created_at,"                           \
    " (SELECT COUNT(*) FROM customer_coupons u WHERE u.coupon_id = coupons.id AND u.status = 'used'), scope"

static void write_coupon(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "name", rows_text(r, 1));
    jw_kstr(w, "kind", rows_text(r, 2));
    jw_kint(w, "threshold", rows_int(r, 3));
    jw_kint(w, "amount_off", rows_int(r, 4));
    jw_kint(w, "percent_off", rows_int(r, 5));
    jw_kint(w, "max_off", rows_int(r, 6));
    jw_kbool(w, "new_customers_only", rows_int(r, 7) != 0);
    jw_kbool(w, "stackable", rows_int(r, 8) != 0);
    jw_kint(w, "total", rows_int(r, 9));
    jw_kint(w, "issued", rows_int(r, 10));
    jw_kint(w, "left", rows_int(r, 9) - rows_int(r, 10));
    jw_kint(w, "used", rows_int(r, 18));
    jw_kint(w, "per_customer", rows_int(r, 11));
    jw_ktime(w, "claim_starts", rows_int(r, 12));
    jw_ktime(w, "claim_ends", rows_int(r, 13));
    jw_kint(w, "valid_days", rows_int(r, 14));
    if (rows_null(r, 15)) jw_knull(w, "valid_until");
    else jw_ktime(w, "valid_until", rows_int(r, 15));
    jw_kstr(w, "status", rows_text(r, 16));
    jw_ktime(w, "created_at", rows_int(r, 17));
    jw_kraw(w, "scope", rows_text(r, 19));
    jw_obj_end(w);
}

int coupon_write_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " COUPON_COLS " FROM coupons WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a coupon");
    bool found = rows_next(r);
    if (found) write_coupon(w, r);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no coupon with id %lld", (long long)id);
}

int coupon_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor) {
    yt_param p[] = {PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT " COUPON_COLS " FROM coupons WHERE id < ? ORDER BY id DESC LIMIT ?", 2, p);
    if (!r) return yt_fail_db(x, "listing coupons");
    page_write(w, r, limit, write_coupon);
    rows_free(r);
    return YT_OK;
}

int coupon_stats_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param q[] = {PI(id)};
    int64_t found = db_query_int(x->db, "SELECT count(*) FROM coupons WHERE id = ?", 1, q, -1);
    if (found < 0) return yt_fail_db(x, "reading a coupon's figures");
    if (!found) return yt_fail(x, YT_ENOTFOUND, NULL, "no coupon with id %lld", (long long)id);
    /* who holds one (claimed, granted, birthday) and the paid orders that used one: an order refunded in full gave
     * its coupons back and is no longer among them */
    yt_param p[] = {PI(id), PI(id), PI(id)};
    return activity_stats_json(x, w, "coupon", id, 0,
                               "SELECT (SELECT COUNT(DISTINCT customer_id) FROM customer_coupons WHERE coupon_id = ?),"
                               " (SELECT COUNT(*) FROM customer_coupons WHERE coupon_id = ?),"
                               " COUNT(DISTINCT o.customer_id), COUNT(*), COALESCE(SUM(o.total), 0), COALESCE(SUM(o.refunded), 0)"
                               " FROM mall_orders o WHERE o.paid_at IS NOT NULL"
                               " AND o.id IN (SELECT order_id FROM customer_coupons WHERE coupon_id = ? AND order_id IS NOT NULL)",
                               3, p);
}

/* ---- claims and grants ---- */

typedef struct {
    int64_t total, issued, per_customer, claim_starts, claim_ends, valid_days, valid_until;
    bool new_only, active;
} coupon_rules;

static int read_rules(yt_ctx *x, int64_t coupon, coupon_rules *c) {
    yt_param p[] = {PI(coupon)};
    yt_rows *r = db_query(x->db, "SELECT total, issued, per_customer, claim_starts, claim_ends, valid_days, valid_until,"
                                 " new_customers_only, status FROM coupons WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a coupon");
    bool found = rows_next(r);
    if (found)
        *c = (coupon_rules){rows_int(r, 0), rows_int(r, 1), rows_int(r, 2), rows_int(r, 3), rows_int(r, 4), rows_int(r, 5),
                            rows_null(r, 6) ? 0 : rows_int(r, 6), rows_int(r, 7) != 0, strcmp(rows_text(r, 8), "active") == 0};
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, "coupon_id", "no coupon with id %lld", (long long)coupon);
}

/* Gives one held coupon to customer inside the caller's transaction, the quota already taken: checks the
 * customer's count against the limit and who may hold it. 1: given; 0: skipped (x->err says why). */
static int give_one(yt_ctx *x, int64_t coupon, const coupon_rules *c, int64_t customer, const char *source, int64_t now,
                    int64_t *held) {
    if (c->new_only) {
        yt_param o[] = {PI(customer)};
        int64_t paid = db_query_int(x->db, "SELECT COUNT(*) FROM orders WHERE customer_id = ? AND status = 'paid'", 1, o, -1);
        if (paid < 0) return yt_fail_db(x, "giving a coupon"), -1;
        if (paid > 0) return yt_fail(x, YT_ECONFLICT, "new-customers-only", "this coupon is for customers who have not bought yet"), 0;
    }
    yt_param q[] = {PI(coupon), PI(customer)};
    int64_t have = db_query_int(x->db, "SELECT COUNT(*) FROM customer_coupons WHERE coupon_id = ? AND customer_id = ?", 2, q, -1);
    if (have < 0) return yt_fail_db(x, "giving a coupon"), -1;
    if (have >= c->per_customer)
        return yt_fail(x, YT_ECONFLICT, "limit-reached", "a customer holds at most %lld of this coupon", (long long)c->per_customer), 0;
    int64_t until = c->valid_days ? now + c->valid_days * DAY_MS : c->valid_until;
    yt_param p[] = {PI(coupon), PI(customer), PI(have + 1), PT(source), PI(now), PI(until), PI(now)};
    *held = db_query_int(x->db,
                         "INSERT INTO customer_coupons(coupon_id, customer_id, seq, source, valid_from, valid_until, claimed_at)"
                         " VALUES(?,?,?,?,?,?,?) RETURNING id", 7, p, 0);
    if (*held <= 0) return yt_fail_db(x, "giving a coupon"), -1;
    return 1;
}

int coupon_claim(yt_ctx *x, int64_t coupon, int64_t customer, const char *source, int64_t *held) {
    int64_t now = now_ms();
    bool grant = strcmp(source, "claim") != 0; /* staff grants and birthday gifts ignore the claim window */
    if (db_begin(x->db) != 0) return yt_fail_db(x, "claiming a coupon");
    /* the customer's row first, still live, so no merge moves their coupons meanwhile (customer_hold) */
    if (customer_hold(x, customer, YT_ECONFLICT, "claiming a coupon")) return yt_finish(x, x->err.code, "claiming a coupon");
    /* then the quota: the coupon's row lock (PostgreSQL) queues its claims, so the count below is exact too */
    yt_param u[] = {PI(now), PI(coupon)};
    int64_t took = db_exec(x->db, "UPDATE coupons SET issued = issued + 1, updated_at = ? WHERE id = ? AND status = 'active'"
                                  " AND issued < total", 2, u);
    if (took < 0) return yt_finish(x, yt_fail_db(x, "claiming a coupon"), "claiming a coupon");
    coupon_rules c;
    int rc = read_rules(x, coupon, &c);
    if (rc == YT_OK && took == 0)
        rc = !c.active ? yt_fail(x, YT_ECONFLICT, "stopped", "the coupon was stopped")
                       : yt_fail(x, YT_ECONFLICT, "exhausted", "all %lld have been given out", (long long)c.total);
    if (rc == YT_OK && !grant && (now < c.claim_starts || now >= c.claim_ends))
        rc = yt_fail(x, YT_EINVAL, "coupon_id", now < c.claim_starts ? "claims have not opened yet" : "claims have closed");
    if (rc == YT_OK && !c.valid_days && c.valid_until <= now) rc = yt_fail(x, YT_EINVAL, "coupon_id", "the coupon is no longer valid");
    if (rc == YT_OK) {
        int given = give_one(x, coupon, &c, customer, source, now, held);
        if (given <= 0) rc = x->err.code;
    }
    if (rc == YT_OK) {
        char summary[64];
        snprintf(summary, sizeof summary, "{\"customer_id\":%lld}", (long long)customer);
        rc = audit_record(x, grant ? "coupon.grant" : "coupon.claim", "coupon", coupon, summary);
    }
    return yt_finish(x, rc, "claiming a coupon");
}

int coupon_grant_many(yt_ctx *x, int64_t coupon, const int64_t *ids, size_t n, int64_t *granted) {
    *granted = 0;
    coupon_rules c;
    if (read_rules(x, coupon, &c)) return x->err.code;
    if (!c.active) return yt_fail(x, YT_ECONFLICT, "stopped", "the coupon was stopped");
    if ((int64_t)n > c.total - c.issued)
        return yt_fail(x, YT_ECONFLICT, "exhausted", "%zu members, and %lld coupons left", n, (long long)(c.total - c.issued));
    int64_t now = now_ms();
    for (size_t at = 0; at < n; at += GRANT_CHUNK) {
        size_t end = at + GRANT_CHUNK < n ? at + GRANT_CHUNK : n;
        if (db_begin(x->db) != 0) return yt_fail_db(x, "granting a coupon");
        int64_t given = 0, held;
        /* the chunk's customers first, those still live share-locked (customers_live), so no merge moves
         * their coupons meanwhile; a customer merged or erased since the segment was read is skipped */
        int64_t *live = yt_calloc(end - at, sizeof *live);
        memcpy(live, ids + at, (end - at) * sizeof *live);
        size_t m = ids_sort_unique(live, end - at), nlive = 0;
        yt_rows *r = customers_live(x->db, live, m, true);
        while (r && rows_next(r)) live[nlive++] = rows_int(r, 0); /* ascending, a subset: written over what was read */
        int rc = r ? YT_OK : yt_fail_db(x, "granting a coupon");
        rows_free(r);
        /* then the coupon's row: its lock queues the coupon's claims, so the counts read below are exact */
        yt_param lk[] = {PI(now), PI(coupon)};
        if (rc == YT_OK)
            rc = db_exec(x->db, "UPDATE coupons SET updated_at = ? WHERE id = ?", 2, lk) == 1 ? read_rules(x, coupon, &c)
                                                                                             : yt_fail_db(x, "granting a coupon");
        for (size_t i = at; rc == YT_OK && i < end; i++) {
            if (!ids_find(live, nlive, ids[i])) continue;
            int g = give_one(x, coupon, &c, ids[i], "grant", now, &held);
            if (g < 0) rc = x->err.code;
            else given += g;
        }
        free(live);
        /* the quota is taken once per chunk, and the CHECK (issued <= total) refuses a chunk that would pass it */
        yt_param u[] = {PI(given), PI(now), PI(coupon), PI(given)};
        if (rc == YT_OK && given &&
            db_exec(x->db, "UPDATE coupons SET issued = issued + ?, updated_at = ? WHERE id = ? AND status = 'active'"
                           " AND issued + ? <= total", 4, u) != 1)
            rc = yt_fail(x, YT_ECONFLICT, "exhausted", "the quota ran out after %lld were granted", (long long)*granted);
        char summary[64];
        snprintf(summary, sizeof summary, "{\"granted\":%lld}", (long long)given);
        if (rc == YT_OK) rc = audit_record(x, "coupon.grant", "coupon", coupon, summary);
        if (rc == YT_OK) memset(&x->err, 0, sizeof x->err); /* skipped customers left their reason here */
        if ((rc = yt_finish(x, rc, "granting a coupon"))) return rc;
        *granted += given;
    }
    return YT_OK;
}

static void write_held(yt_jw *w, yt_rows *r) {
    int64_t now = now_ms();
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "coupon_id", rows_int(r, 1));
    jw_kstr(w, "name", rows_text(r, 2));
    jw_kstr(w, "kind", rows_text(r, 3));
    jw_kint(w, "threshold", rows_int(r, 4));
    jw_kint(w, "amount_off", rows_int(r, 5));
    jw_kint(w, "percent_off", rows_int(r, 6));
    jw_kint(w, "max_off", rows_int(r, 7));
    bool used = strcmp(rows_text(r, 8), "used") == 0;
    jw_kstr(w, "status", used ? "used" : rows_int(r, 10) <= now ? "expired" : rows_int(r, 9) > now ? "not-yet" : "usable");
    jw_ktime(w, "valid_from", rows_int(r, 9));
    jw_ktime(w, "valid_until", rows_int(r, 10));
    jw_kstr(w, "source", rows_text(r, 11));
    if (rows_null(r, 12)) jw_knull(w, "order_id");
    else jw_kint(w, "order_id", rows_int(r, 12));
    jw_obj_end(w);
}

int customer_coupons_json(yt_ctx *x, yt_jw *w, int64_t customer, const char *status, int limit, int64_t cursor) {
    int64_t now = now_ms();
    int which = !status ? 0 : strcmp(status, "usable") == 0 ? 1 : strcmp(status, "used") == 0 ? 2 : strcmp(status, "expired") == 0 ? 3 : -1;
    if (which < 0) return yt_fail(x, YT_EINVAL, "status", "status is usable, used or expired");
    yt_param p[] = {PI(customer), PI(cursor ? cursor : INT64_MAX), PI(which), PI(now), PI(now), PI(which), PI(which), PI(now),
                    PI(limit + 1)};
    yt_rows *r = db_query(x->db,
                          "SELECT h.id, c.id, c.name, c.kind, c.threshold, c.amount_off, c.percent_off, c.max_off, h.status,"
                          " h.valid_from, h.valid_until, h.source, h.order_id FROM customer_coupons h JOIN coupons c ON c.id = h.coupon_id"
                          " WHERE h.customer_id = ? AND h.id < ?"
                          " AND (CAST(? AS BIGINT) <> 1 OR (h.status = 'unused' AND h.valid_from <= ? AND h.valid_until > ?))"
                          " AND (CAST(? AS BIGINT) <> 2 OR h.status = 'used')"
                          " AND (CAST(? AS BIGINT) <> 3 OR (h.status = 'unused' AND h.valid_until <= ?))"
                          " ORDER BY h.id DESC LIMIT ?", 9, p);
    if (!r) return yt_fail_db(x, "listing coupons");
    page_write(w, r, limit, write_held);
    rows_free(r);
    return YT_OK;
}

/* ---- checkout ---- */

/* Whether a line is in the coupon's scope: no scope rows means everything. */
static bool in_scope(const int64_t *products, int np, char (*cats)[256], int nc, const coupon_line *l) {
    if (!np && !nc) return true;
    for (int i = 0; i < np; i++)
        if (products[i] == l->product_id) return true;
    for (int i = 0; i < nc; i++)
        if (strcmp(cats[i], l->category) == 0) return true;
    return false;
}

int coupon_redeem(yt_ctx *x, int64_t customer, const int64_t *held, int nheld, const coupon_line *lines, int nlines,
                  int64_t order_id, int64_t *discount) {
    *discount = 0;
    int64_t now = now_ms(), goods = 0;
    for (int i = 0; i < nlines; i++) goods += lines[i].subtotal;
    for (int i = 0; i < nheld; i++) {
        char field[32];
        snprintf(field, sizeof field, "coupon_ids[%d]", i);
        for (int j = 0; j < i; j++)
            if (held[j] == held[i]) return yt_fail(x, YT_EINVAL, field, "the same coupon twice");
        yt_param p[] = {PI(held[i]), PI(customer)};
        yt_rows *r = db_query(x->db, "SELECT c.id, c.kind, c.threshold, c.amount_off, c.percent_off, c.max_off, c.stackable,"
                                     " h.status, h.valid_from, h.valid_until FROM customer_coupons h JOIN coupons c ON c.id = h.coupon_id"
                                     " WHERE h.id = ? AND h.customer_id = ?", 2, p);
        if (!r) return yt_fail_db(x, "using a coupon");
        if (!rows_next(r)) {
            rows_free(r);
            return yt_fail(x, YT_EINVAL, field, "the customer holds no coupon %lld", (long long)held[i]);
        }
        int64_t coupon = rows_int(r, 0), threshold = rows_int(r, 2), amount_off = rows_int(r, 3), percent_off = rows_int(r, 4);
        int64_t max_off = rows_int(r, 5), from = rows_int(r, 8), until = rows_int(r, 9);
        bool percent = strcmp(rows_text(r, 1), "percent") == 0, stackable = rows_int(r, 6) != 0;
        bool used = strcmp(rows_text(r, 7), "used") == 0;
        rows_free(r);
        if (used) return yt_fail(x, YT_ECONFLICT, field, "the coupon was used already");
        if (now < from || now >= until) return yt_fail(x, YT_EINVAL, field, now < from ? "the coupon is not valid yet" : "the coupon has expired");
        if (nheld > 1 && !stackable) return yt_fail(x, YT_EINVAL, field, "this coupon cannot be combined with others");
        int64_t products[COUPON_SCOPE_MAX];
        char cats[COUPON_SCOPE_MAX][256]; /* a category is at most 60 characters */
        int np = 0, nc = 0;
        yt_param s[] = {PI(coupon)};
        r = db_query(x->db, "SELECT product_id, category FROM coupon_scope WHERE coupon_id = ?", 1, s);
        if (!r) return yt_fail_db(x, "using a coupon");
        while (rows_next(r)) {
            if (!rows_null(r, 0) && np < COUPON_SCOPE_MAX) products[np++] = rows_int(r, 0);
            else if (!rows_null(r, 1) && nc < COUPON_SCOPE_MAX) snprintf(cats[nc++], sizeof cats[0], "%s", rows_text(r, 1));
        }
        rows_free(r);
        int64_t eligible = 0;
        for (int l = 0; l < nlines; l++)
            if (in_scope(products, np, cats, nc, &lines[l])) eligible += lines[l].subtotal;
        if (!eligible) return yt_fail(x, YT_EINVAL, field, "nothing in the order is in the coupon's scope");
        if (eligible < threshold)
            return yt_fail(x, YT_EINVAL, field, "the coupon needs %lld fen of goods in its scope, the order has %lld",
                           (long long)threshold, (long long)eligible);
        int64_t off = percent ? eligible * percent_off / 100 : amount_off;
        if (percent && max_off && off > max_off) off = max_off;
        if (off > eligible) off = eligible;
        *discount += off;
        yt_param u[] = {PI(now), PI(order_id), PI(held[i])};
        int64_t n = db_exec(x->db, "UPDATE customer_coupons SET status = 'used', used_at = ?, order_id = ? WHERE id = ?"
                                   " AND status = 'unused'", 3, u);
        if (n < 0) return yt_fail_db(x, "using a coupon");
        if (n == 0) return yt_fail(x, YT_ECONFLICT, field, "the coupon was used already"); /* a concurrent order took it */
    }
    if (goods > 0 && *discount > goods - 1) *discount = goods - 1; /* something is always paid */
    return YT_OK;
}

int coupon_return(yt_ctx *x, int64_t order_id) {
    yt_param p[] = {PI(order_id)};
    return db_exec(x->db, "UPDATE customer_coupons SET status = 'unused', used_at = NULL, order_id = NULL WHERE order_id = ?", 1, p) < 0
               ? yt_fail_db(x, "returning coupons")
               : YT_OK;
}
