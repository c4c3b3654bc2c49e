/* Mall orders: reading them, recording a payment exactly once, and their life after checkout (cancel, ship,
 * complete, and the sweep that cancels unpaid ones). */
#include "mall_order.h"
#include "flash_journal.h"
#include "catalog.h"
#include "checkout.h"
#include "coupon.h"
#include "../base/arena.h"
#include "../base/log.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include "../domain/page.h"
#include "../groupbuy/groupbuy.h"
#include "../distribution/commission.h"
#include "../loyalty/levels.h"
#include "../loyalty/membership.h"
#include "../loyalty/points.h"
#include "../loyalty/points_mall.h"
#include <stdio.h>
#include <string.h>

#define ORDER_COLS                                                                                            \
    "id, customer_id, kind, activity_id, sku_id, quantity, unit_price, total, status, created_at, pay_by, paid_at," \
    " closed_at, pay_provider, pay_txn, goods_total, discount, points_used, points_value, shipped_at, completed_at," \
    " carrier, tracking_no, cancel_reason, refunded, refunded_quantity, points_returned, points_clawed, member_discount," \
    " COALESCE((SELECT p.name FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = mall_orders.sku_id),"  \
    "   (SELECT i.name FROM mall_order_items i WHERE i.order_id = mall_orders.id AND i.sku_id = 0)),"  /* no SKU: a membership */ \
    " (SELECT s.name FROM skus s WHERE s.id = mall_orders.sku_id)"

static void write_order_members(yt_jw *w, yt_rows *r) {
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "customer_id", rows_int(r, 1));
    jw_kstr(w, "kind", rows_text(r, 2));
    if (rows_null(r, 3)) jw_knull(w, "activity_id");
    else jw_kint(w, "activity_id", rows_int(r, 3));
    jw_kint(w, "sku_id", rows_int(r, 4));
    jw_kstr(w, "product_name", rows_null(r, 29) ? "" : rows_text(r, 29));
    jw_kstr(w, "sku_name", rows_null(r, 30) ? "" : rows_text(r, 30));
    jw_kint(w, "quantity", rows_int(r, 5));
    jw_kint(w, "unit_price", rows_int(r, 6));
    jw_kint(w, "total", rows_int(r, 7));
    jw_kstr(w, "status", rows_text(r, 8));
    jw_ktime(w, "created_at", rows_int(r, 9));
    static const char *const times[] = {"pay_by", "paid_at", "closed_at"};
    for (int i = 0; i < 3; i++)
        if (rows_null(r, 10 + i)) jw_knull(w, times[i]);
        else jw_ktime(w, times[i], rows_int(r, 10 + i));
    if (rows_null(r, 13)) jw_knull(w, "payment");
    else {
        jw_key(w, "payment");
        jw_obj(w);
        jw_kstr(w, "provider", rows_text(r, 13));
        jw_kstr(w, "transaction", rows_text(r, 14));
        jw_obj_end(w);
    }
    /* a flash order is one line at the activity price: its goods total is its total */
    jw_kint(w, "goods_total", strcmp(rows_text(r, 2), "flash") == 0 ? rows_int(r, 7) : rows_int(r, 15));
    jw_kint(w, "discount", rows_int(r, 16));
    jw_kint(w, "points_used", rows_int(r, 17));
    jw_kint(w, "points_value", rows_int(r, 18));
    static const char *const later[] = {"shipped_at", "completed_at"};
    for (int i = 0; i < 2; i++)
        if (rows_null(r, 19 + i)) jw_knull(w, later[i]);
        else jw_ktime(w, later[i], rows_int(r, 19 + i));
    if (rows_null(r, 21)) jw_knull(w, "shipping");
    else {
        jw_key(w, "shipping");
        jw_obj(w);
        jw_kstr(w, "carrier", rows_text(r, 21));
        jw_kstr(w, "tracking_no", rows_text(r, 22));
        jw_obj_end(w);
    }
    if (rows_null(r, 23)) jw_knull(w, "cancel_reason");
    else jw_kstr(w, "cancel_reason", rows_text(r, 23));
    jw_kint(w, "refunded", rows_int(r, 24));
    jw_kint(w, "refunded_quantity", rows_int(r, 25));
    jw_kint(w, "points_returned", rows_int(r, 26));
    jw_kint(w, "points_clawed", rows_int(r, 27));
    jw_kint(w, "member_discount", rows_int(r, 28));
}

static void write_order_row(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    write_order_members(w, r);
    jw_obj_end(w);
}

static void write_item(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "sku_id", rows_int(r, 1));
    jw_kint(w, "product_id", rows_int(r, 2));
    jw_kstr(w, "name", rows_text(r, 3));
    jw_kint(w, "quantity", rows_int(r, 4));
    jw_kint(w, "unit_price", rows_int(r, 5));
    jw_kint(w, "subtotal", rows_int(r, 6));
    jw_kint(w, "refunded_quantity", rows_int(r, 7));
    jw_obj_end(w);
}

int mall_order_write_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t customer) {
    if (flash_journal_settle_order(x, id)) return x->err.code;
    yt_param p[] = {PI(id), PI(customer), PI(customer)};
    yt_rows *r = db_query(x->db, "SELECT " ORDER_COLS " FROM mall_orders WHERE id = ? AND (? = 0 OR customer_id = ?)", 3, p);
    if (!r) return yt_fail_db(x, "reading an order");
    bool found = rows_next(r);
    if (found) {
        jw_obj(w);
        write_order_members(w, r);
    }
    rows_free(r);
    if (!found) return yt_fail(x, YT_ENOTFOUND, NULL, "no order with id %lld", (long long)id);
    /* the lines: a normal order's items; a flash or group order is its one SKU at the activity price */
    yt_param q[] = {PI(id), PI(id)};
    r = db_query(x->db, "SELECT id, sku_id, product_id, name, quantity, unit_price, subtotal, refunded_quantity FROM mall_order_items"
                        " WHERE order_id = ? UNION ALL SELECT 0, o.sku_id, s.product_id, p.name || ' ' || s.name, o.quantity,"
                        " o.unit_price, o.total, o.refunded_quantity"
                        " FROM mall_orders o JOIN skus s ON s.id = o.sku_id JOIN products p ON p.id = s.product_id"
                        " WHERE o.id = ? AND o.kind IN ('flash', 'group') ORDER BY 1", 2, q);
    if (!r) return yt_fail_db(x, "reading an order");
    jw_key(w, "items");
    rows_write_array(w, r, write_item);
    rows_free(r);
    jw_obj_end(w);
    return YT_OK;
}

/* The values an order's status and kind take, for the list's filters. */
static const char *const order_statuses[] = {"pending", "paid", "shipped", "completed", "released", "cancelled", "refunded", NULL};
static const char *const order_kinds[] = {"normal", "flash", "group", "points", "membership", NULL};

int mall_order_list_json(yt_ctx *x, yt_jw *w, const mall_order_filter *f, int limit, int64_t cursor) {
    if (f->status && !text_one_of(f->status, order_statuses))
        return yt_fail(x, YT_EINVAL, "status", "status is pending, paid, shipped, completed, released, cancelled or refunded");
    if (f->kind && !text_one_of(f->kind, order_kinds))
        return yt_fail(x, YT_EINVAL, "kind", "kind is normal, flash, group, points or membership");
    if (f->customer_id ? flash_journal_settle_customer(x, f->customer_id) : flash_journal_settle(x)) return x->err.code;
    const char *status = f->status ? f->status : "", *kind = f->kind ? f->kind : "";
    yt_param p[] = {PI(f->customer_id), PI(f->customer_id), PT(status), PT(status), PT(kind), PT(kind),
                    PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db,
                          "SELECT " ORDER_COLS " FROM mall_orders WHERE (? = 0 OR customer_id = ?) AND (? = '' OR status = ?)"
                          " AND (? = '' OR kind = ?) AND id < ? ORDER BY id DESC LIMIT ?",
                          NPARAMS(p), p);
    if (!r) return yt_fail_db(x, "listing orders");
    page_write(w, r, limit, write_order_row);
    rows_free(r);
    return YT_OK;
}

int mall_order_pay(yt_ctx *x, const payment_notice *n, payment_result *res) {
    memset(res, 0, sizeof *res);
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "recording a payment");
    if (flash_journal_settle_order(x, n->order_id)) return yt_finish(x, x->err.code, "recording a payment");
    /* a group order's team first, so this payment and the closing of the team queue in one order */
    if (groupbuy_pay_lock(x, n->order_id)) return yt_finish(x, x->err.code, "recording a payment");
    /* then the order's row, read under its lock: two deliveries of one notification (or a payment racing the
     * sweep that closes the order) queue, and the second sees what the first did */
    yt_param q[] = {PI(n->order_id)};
    yt_rows *r = db_query(x->db, "UPDATE mall_orders SET status = status WHERE id = ? RETURNING customer_id, kind, quantity,"
                                 " total, status, pay_provider, pay_txn, created_at", 1, q);
    if (!r) return yt_finish(x, yt_fail_db(x, "recording a payment"), "recording a payment");
    if (!rows_next(r)) {
        rows_free(r);
        return yt_finish(x, yt_fail(x, YT_ENOTFOUND, "order_id", "no order with id %lld", (long long)n->order_id), "");
    }
    int64_t customer = rows_int(r, 0), qty = rows_int(r, 2), total = rows_int(r, 3), created = rows_int(r, 7);
    char kind[16], status[16], provider[16], txn[128];
    snprintf(kind, sizeof kind, "%s", rows_text(r, 1));
    snprintf(status, sizeof status, "%s", rows_text(r, 4));
    snprintf(provider, sizeof provider, "%s", rows_null(r, 5) ? "" : rows_text(r, 5));
    snprintf(txn, sizeof txn, "%s", rows_null(r, 6) ? "" : rows_text(r, 6));
    rows_free(r);
    static const char *const kinds[] = {"flash", "group"};
    res->kind = "normal";
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (strcmp(kind, kinds[i]) == 0) res->kind = kinds[i];
    int rc = YT_OK;
    if (strcmp(status, "pending") != 0) {
        if (strcmp(provider, n->provider) == 0 && strcmp(txn, n->transaction) == 0) {
            res->replay = true; /* told again: already recorded */
            db_rollback(x->db);
            return YT_OK;
        }
        log_error("payment refused: order %lld is %s (provider %s)", (long long)n->order_id, status, n->provider);
        rc = yt_fail(x, YT_ECONFLICT, "order_id", "the order is %s; this payment was not recorded", status);
    } else if (n->amount != total) {
        log_error("payment refused: order %lld totals %lld fen, %lld paid (provider %s)", (long long)n->order_id,
                 (long long)total, (long long)n->amount, n->provider);
        rc = yt_fail(x, YT_EINVAL, "amount", "the order totals %lld fen, not %lld", (long long)total, (long long)n->amount);
    }
    if (rc) return yt_finish(x, rc, "recording a payment");
    yt_param u[] = {PI(now), PT(n->provider), PT(n->transaction), PI(n->order_id)};
    if (db_exec(x->db, "UPDATE mall_orders SET status = 'paid', paid_at = ?, pay_provider = ?, pay_txn = ? WHERE id = ? AND status = 'pending'",
                4, u) != 1)
        return yt_finish(x, yt_fail_db(x, "recording a payment"), "recording a payment");
    /* the paid order joins the customer's orders: RFM, lifetime value and the lifecycle see it */
    char ext[32];
    snprintf(ext, sizeof ext, "%lld", (long long)n->order_id);
    yt_param o[] = {PI(customer), PT(ext), PI(created), PI(qty), PI(total), PI(now)};
    if (db_exec(x->db, "INSERT INTO orders(customer_id, platform, external_id, ordered_at, quantity, amount_fen, status, created_at)"
                       " VALUES(?, 'yutang', ?, ?, ?, ?, 'paid', ?)", 6, o) != 1)
        rc = yt_fail_db(x, "recording a payment");
    if (rc == YT_OK) rc = change_record(x, CHANGE_CUSTOMER_ORDERS, customer, 0);
    yt_param d[] = {PI(n->order_id)};
    if (rc == YT_OK && strcmp(kind, "points") == 0 &&
        db_exec(x->db, "UPDATE points_mall_redemptions SET status = 'done' WHERE order_id = ?", 1, d) < 0)
        rc = yt_fail_db(x, "recording a payment");
    if (rc == YT_OK && strcmp(res->kind, "group") == 0) rc = groupbuy_order_paid(x, n->order_id); /* its team may form */
    bool membership = strcmp(kind, "membership") == 0;
    if (rc == YT_OK && membership) rc = membership_order_paid(x, n->order_id, customer, now); /* its period starts */
    /* and earns points by the brand's rate (an erased buyer earns none) */
    loyalty_settings ls = {0};
    member_benefits mb = {.points_multiplier = 1};
    if (rc == YT_OK) rc = loyalty_settings_get(x, &ls);
    if (rc == YT_OK) rc = member_benefits_get(x, customer, &mb);
    int64_t earned = total / 100 * ls.points_per_yuan * mb.points_multiplier; /* member day multiplies them */
    if (earned > POINTS_DELTA_MAX) earned = POINTS_DELTA_MAX;                  /* one ledger row's most */
    if (rc == YT_OK) rc = member_growth_add(x, customer, total / 100 * ls.growth_per_yuan);
    char ref[40];
    snprintf(ref, sizeof ref, "mall_order:%lld", (long long)n->order_id);
    if (rc == YT_OK && earned > 0 && (rc = points_change(x, customer, earned, POINTS_ORDER, ref, NULL)) == YT_ENOTFOUND) rc = YT_OK;
    if (rc == YT_OK) rc = distribution_order_paid(x, n->order_id, customer, total); /* commissions, frozen */
    /* a membership ships nothing: completed now, so its commissions' after-sales window starts now */
    if (rc == YT_OK && membership) rc = distribution_order_completed(x, n->order_id, now);
    char summary[96];
    snprintf(summary, sizeof summary, "{\"amount\":%lld}", (long long)total);
    if (rc == YT_OK) rc = audit_record(x, "mall_order.pay", "mall_order", n->order_id, summary);
    return yt_finish(x, rc, "recording a payment");
}

/* ---- the order's life after checkout ---- */

int mall_order_customer(yt_ctx *x, int64_t id, int64_t *customer) {
    if (flash_journal_settle_order(x, id)) return x->err.code;
    yt_param p[] = {PI(id)};
    *customer = db_query_int(x->db, "SELECT customer_id FROM mall_orders WHERE id = ?", 1, p, 0);
    return *customer > 0 ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no order with id %lld", (long long)id);
}

/* Why a state change found no order to change: 404, or 409 naming the state it is in. */
static int not_changed(yt_ctx *x, int64_t id, int64_t member, const char *want) {
    if (flash_journal_settle_order(x, id)) return x->err.code; /* a flash order still in the journal is there */
    yt_param p[] = {PI(id), PI(member), PI(member)};
    yt_rows *r = db_query(x->db, "SELECT status, kind FROM mall_orders WHERE id = ? AND (? = 0 OR customer_id = ?)", 3, p);
    if (!r) return yt_fail_db(x, "changing an order");
    int rc;
    if (!rows_next(r)) rc = yt_fail(x, YT_ENOTFOUND, NULL, "no order with id %lld", (long long)id);
    else if ((strcmp(rows_text(r, 1), "flash") == 0 || strcmp(rows_text(r, 1), "group") == 0) && strcmp(want, "pending") == 0)
        rc = yt_fail(x, YT_ECONFLICT, "status", "a flash-sale or group-buy order is closed by itself when its payment window ends");
    else rc = yt_fail(x, YT_ECONFLICT, "status", "the order is %s, not %s", rows_text(r, 0), want);
    rows_free(r);
    return rc;
}

int mall_order_cancel(yt_ctx *x, int64_t id, int64_t member, const char *reason) {
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "cancelling an order");
    yt_param p[] = {PI(now), PT(reason), PI(id), PI(member), PI(member)};
    yt_rows *r = db_query(x->db, "UPDATE mall_orders SET status = 'cancelled', closed_at = ?, cancel_reason = ? WHERE id = ?"
                                 " AND status = 'pending' AND kind IN ('normal', 'points', 'membership') AND (? = 0 OR customer_id = ?)"
                                 " RETURNING customer_id, points_used, kind", 5, p);
    if (!r) return yt_finish(x, yt_fail_db(x, "cancelling an order"), "cancelling an order");
    bool changed = rows_next(r);
    int64_t customer = changed ? rows_int(r, 0) : 0, points = changed ? rows_int(r, 1) : 0;
    bool from_points_mall = changed && strcmp(rows_text(r, 2), "points") == 0;
    rows_free(r);
    int rc = changed ? YT_OK : not_changed(x, id, member, "pending");
    /* the customer's row before any SKU's: every write that takes both takes them in this order */
    yt_param cl[] = {PI(customer)};
    if (rc == YT_OK && db_exec(x->db, "UPDATE customers SET updated_at = updated_at WHERE id = ?", 1, cl) < 0)
        rc = yt_fail_db(x, "cancelling an order");
    char ref[40];
    snprintf(ref, sizeof ref, "mall_order:%lld", (long long)id);
    /* the stock back, line by line */
    yt_param q[] = {PI(id)};
    r = rc == YT_OK ? db_query(x->db, "SELECT sku_id, quantity FROM mall_order_items WHERE order_id = ? ORDER BY id", 1, q) : NULL;
    if (rc == YT_OK && !r) rc = yt_fail_db(x, "cancelling an order");
    int64_t lines[CHECKOUT_LINES_MAX][2];
    int n = 0;
    while (r && rows_next(r) && n < CHECKOUT_LINES_MAX) lines[n][0] = rows_int(r, 0), lines[n][1] = rows_int(r, 1), n++;
    rows_free(r);
    for (int i = 0; rc == YT_OK && i < n; i++) /* a line with no SKU (a paid membership) has no stock */
        if (lines[i][0]) rc = sku_stock_apply(x, lines[i][0], lines[i][1], "order_cancel", ref, NULL);
    if (rc == YT_OK) rc = coupon_return(x, id);
    if (rc == YT_OK && from_points_mall) rc = points_mall_cancelled(x, id); /* the item's stock back too */
    if (rc == YT_OK && points && (rc = points_change(x, customer, points, POINTS_RETURN, ref, NULL)) == YT_ENOTFOUND)
        rc = YT_OK; /* an erased customer gets nothing back */
    char summary[64];
    snprintf(summary, sizeof summary, "{\"reason\":\"%s\"}", reason);
    if (rc == YT_OK) rc = audit_record(x, "mall_order.cancel", "mall_order", id, summary);
    return yt_finish(x, rc, "cancelling an order");
}

int mall_order_ship(yt_ctx *x, int64_t id, const char *carrier, const char *tracking_no) {
    if (yt_check_text(x, "carrier", carrier ? carrier : "", 1, 40) || yt_check_text(x, "tracking_no", tracking_no ? tracking_no : "", 1, 60))
        return x->err.code;
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "shipping an order");
    if (groupbuy_order_waiting(x, id)) return yt_finish(x, x->err.code, "shipping an order"); /* its team has not formed */
    yt_param p[] = {PI(now), PT(carrier), PT(tracking_no), PI(id)};
    int64_t n = db_exec(x->db, "UPDATE mall_orders SET status = 'shipped', shipped_at = ?, carrier = ?, tracking_no = ? WHERE id = ?"
                               " AND status = 'paid'", 4, p);
    int rc = n < 0 ? yt_fail_db(x, "shipping an order") : n == 0 ? not_changed(x, id, 0, "paid") : YT_OK;
    if (rc == YT_OK) rc = audit_record(x, "mall_order.ship", "mall_order", id, NULL);
    return yt_finish(x, rc, "shipping an order");
}

int mall_order_complete(yt_ctx *x, int64_t id, int64_t member) {
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "completing an order");
    yt_param p[] = {PI(now), PI(id), PI(member), PI(member)};
    int64_t n = db_exec(x->db, "UPDATE mall_orders SET status = 'completed', completed_at = ? WHERE id = ? AND status = 'shipped'"
                               " AND (? = 0 OR customer_id = ?)", 4, p);
    int rc = n < 0 ? yt_fail_db(x, "completing an order") : n == 0 ? not_changed(x, id, member, "shipped") : YT_OK;
    if (rc == YT_OK) rc = distribution_order_completed(x, id, now); /* the after-sales window starts */
    if (rc == YT_OK) rc = audit_record(x, "mall_order.complete", "mall_order", id, NULL);
    return yt_finish(x, rc, "completing an order");
}

void mall_order_sweep(yt_store *store) {
    yt_db *db = store_db(store);
    if (!db) return;
    int64_t now = now_ms(), ids[100];
    int n = 0;
    yt_param p[] = {PI(now)};
    /* read on this thread's own connection: the writer is taken only when something is due */
    yt_rows *r = db_query(db, "SELECT id FROM mall_orders WHERE status = 'pending' AND pay_by <= ? AND kind IN ('normal', 'points', 'membership')"
                              " ORDER BY pay_by LIMIT 100", 1, p);
    while (r && rows_next(r)) ids[n++] = rows_int(r, 0);
    rows_free(r);
    if (!n) return;
    yt_db *w = store_writer_acquire(store);
    if (!w) return;
    yt_arena arena = {0};
    for (int i = 0; i < n; i++) {
        yt_ctx x = {.db = w, .who = yt_system_actor(), .arena = &arena};
        /* another instance may have cancelled it, or the payment may have arrived: both are a 409, not an error */
        if (mall_order_cancel(&x, ids[i], 0, "timeout") && x.err.code != YT_ECONFLICT)
            log_error("mall orders: cannot cancel unpaid order %lld: %s", (long long)ids[i], x.err.msg);
    }
    arena_free(&arena);
    store_writer_release(store);
}

int activity_stats_json(yt_ctx *x, yt_jw *w, const char *kind, int64_t id, int64_t until, const char *sql, int n,
                        const yt_param *p) {
    yt_rows *r = db_query(x->db, sql, n, p);
    if (!r) return yt_fail_db(x, "reading an activity's figures");
    int64_t v[6] = {0};
    if (rows_next(r))
        for (int i = 0; i < 6; i++) v[i] = rows_null(r, i) ? 0 : rows_int(r, i);
    rows_free(r);
    static const char *const names[] = {"participants", "entries", "buyers", "orders", "gmv", "refunded"};
    jw_obj(w);
    jw_kstr(w, "kind", kind);
    jw_kint(w, "id", id);
    for (int i = 0; i < 6; i++) jw_kint(w, names[i], v[i]);
    jw_key(w, "conversion");
    /* in ten-thousandths, rounded half up with integers, so the figure is the same on every platform */
    jw_dbl(w, v[0] ? (double)((v[2] * 10000 * 2 + v[0]) / (v[0] * 2)) / 10000.0 : 0.0);
    if (until) jw_ktime(w, "orders_until", until);
    else jw_knull(w, "orders_until");
    jw_obj_end(w);
    return YT_OK;
}

int mall_order_payable(yt_ctx *x, int64_t id, int64_t member, const char *appid, payable_order *out) {
    memset(out, 0, sizeof *out);
    if (flash_journal_settle_order(x, id)) return x->err.code;
    yt_param p[] = {PI(id), PI(member)};
    yt_rows *r = db_query(x->db,
                          "SELECT o.status, o.total, COALESCE(o.pay_by, 0),"
                          " COALESCE(p.name, (SELECT i.name FROM mall_order_items i WHERE i.order_id = o.id ORDER BY i.id LIMIT 1), ''),"
                          " (SELECT COUNT(*) FROM mall_order_items i WHERE i.order_id = o.id)" /* no SKU: a membership */
                          " FROM mall_orders o LEFT JOIN skus s ON s.id = o.sku_id LEFT JOIN products p ON p.id = s.product_id"
                          " WHERE o.id = ? AND o.customer_id = ?",
                          2, p);
    if (!r) return yt_fail_db(x, "reading an order to pay");
    if (!rows_next(r)) {
        rows_free(r);
        return yt_fail(x, YT_ENOTFOUND, NULL, "no order %lld of yours", (long long)id);
    }
    bool pending = strcmp(rows_text(r, 0), "pending") == 0;
    out->total = rows_int(r, 1);
    out->pay_by = rows_int(r, 2);
    int64_t lines = rows_int(r, 4);
    if (lines > 1) snprintf(out->description, sizeof out->description, "%.100s 等%lld件", rows_text(r, 3), (long long)lines);
    else snprintf(out->description, sizeof out->description, "%.120s", rows_text(r, 3));
    rows_free(r);
    if (!pending) return yt_fail(x, YT_ECONFLICT, "status", "the order is not waiting for payment");
    if (out->pay_by && out->pay_by <= now_ms()) return yt_fail(x, YT_ECONFLICT, "status", "the order's time to pay has passed");
    if (out->total <= 0) return yt_fail(x, YT_ECONFLICT, "status", "the order has nothing to pay");
    yt_param q[] = {PI(member), PT(appid ? appid : "")};
    r = db_query(x->db, "SELECT lookup FROM identities WHERE customer_id = ? AND kind = 'openid'"
                        " ORDER BY CASE WHEN platform = ? THEN 0 ELSE 1 END, id LIMIT 1", 2, q);
    if (!r) return yt_fail_db(x, "reading an order to pay");
    if (rows_next(r)) snprintf(out->openid, sizeof out->openid, "%s", rows_text(r, 0));
    rows_free(r);
    return YT_OK;
}
