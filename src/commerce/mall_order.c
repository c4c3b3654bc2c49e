/* Mall orders: reading them, and recording a payment exactly once. */
#include "mall_order.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include "../domain/page.h"
#include "../loyalty/points.h"
#include <stdio.h>
#include <string.h>

#define ORDER_COLS                                                                                            \
    "id, customer_id, kind, activity_id, sku_id, quantity, unit_price, total, status, created_at, pay_by, paid_at," \
    " closed_at, pay_provider, pay_txn,"                                                                         \
    " (SELECT p.name FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = mall_orders.sku_id),"         \
    " (SELECT s.name FROM skus s WHERE s.id = mall_orders.sku_id)"

static void write_order_row(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "customer_id", rows_int(r, 1));
    jw_kstr(w, "kind", rows_text(r, 2));
    if (rows_null(r, 3)) jw_knull(w, "activity_id");
    else jw_kint(w, "activity_id", rows_int(r, 3));
    jw_kint(w, "sku_id", rows_int(r, 4));
    jw_kstr(w, "product_name", rows_null(r, 15) ? "" : rows_text(r, 15));
    jw_kstr(w, "sku_name", rows_null(r, 16) ? "" : rows_text(r, 16));
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
    jw_obj_end(w);
}

int mall_order_write_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " ORDER_COLS " FROM mall_orders WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading an order");
    bool found = rows_next(r);
    if (found) write_order_row(w, r);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no order with id %lld", (long long)id);
}

int mall_order_list_json(yt_ctx *x, yt_jw *w, int64_t customer_id, int limit, int64_t cursor) {
    yt_param p[] = {PI(customer_id), PI(customer_id), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db,
                          "SELECT " ORDER_COLS " FROM mall_orders WHERE (? = 0 OR customer_id = ?) AND id < ?"
                          " ORDER BY id DESC LIMIT ?",
                          4, p);
    if (!r) return yt_fail_db(x, "listing orders");
    page_write(w, r, limit, write_order_row);
    rows_free(r);
    return YT_OK;
}

int mall_order_pay(yt_ctx *x, const payment_notice *n, payment_result *res) {
    memset(res, 0, sizeof *res);
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "recording a payment");
    yt_param q[] = {PI(n->order_id)};
    yt_rows *r = db_query(x->db, "SELECT customer_id, kind, activity_id, quantity, total, status, pay_provider, pay_txn, created_at"
                                 " FROM mall_orders WHERE id = ?", 1, q);
    if (!r) return yt_finish(x, yt_fail_db(x, "recording a payment"), "recording a payment");
    if (!rows_next(r)) {
        rows_free(r);
        return yt_finish(x, yt_fail(x, YT_ENOTFOUND, "order_id", "no order with id %lld", (long long)n->order_id), "");
    }
    int64_t customer = rows_int(r, 0), activity = rows_null(r, 2) ? 0 : rows_int(r, 2), qty = rows_int(r, 3), total = rows_int(r, 4);
    int64_t created = rows_int(r, 8);
    char kind[16], status[16], provider[16], txn[128];
    snprintf(kind, sizeof kind, "%s", rows_text(r, 1));
    snprintf(status, sizeof status, "%s", rows_text(r, 5));
    snprintf(provider, sizeof provider, "%s", rows_null(r, 6) ? "" : rows_text(r, 6));
    snprintf(txn, sizeof txn, "%s", rows_null(r, 7) ? "" : rows_text(r, 7));
    rows_free(r);
    res->kind = strcmp(kind, "flash") == 0 ? "flash" : "normal";
    res->activity_id = activity;
    res->quantity = qty;
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
    /* and earns points by the brand's rate (an erased buyer earns none) */
    loyalty_settings ls = {0};
    if (rc == YT_OK) rc = loyalty_settings_get(x, &ls);
    int64_t earned = total / 100 * ls.points_per_yuan;
    char ref[40];
    snprintf(ref, sizeof ref, "mall_order:%lld", (long long)n->order_id);
    if (rc == YT_OK && earned > 0 && (rc = points_change(x, customer, earned, POINTS_ORDER, ref, NULL)) == YT_ENOTFOUND) rc = YT_OK;
    char summary[96];
    snprintf(summary, sizeof summary, "{\"amount\":%lld}", (long long)total);
    if (rc == YT_OK) rc = audit_record(x, "mall_order.pay", "mall_order", n->order_id, summary);
    return yt_finish(x, rc, "recording a payment");
}
