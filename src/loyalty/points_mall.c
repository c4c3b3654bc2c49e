/* The points mall: items, redemptions (points spent, stock taken, the order made or the coupon given). */
#include "points_mall.h"
#include "points.h"
#include "../base/timeutil.h"
#include "../commerce/catalog.h"
#include "../commerce/coupon.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include <stdio.h>
#include <string.h>

#define MALL_QTY_MAX 100

int points_mall_create(yt_ctx *x, const points_mall_input *in, int64_t *id) {
    bool goods = in->kind && strcmp(in->kind, "goods") == 0, coupon = in->kind && strcmp(in->kind, "coupon") == 0;
    if (yt_check_text(x, "name", in->name ? in->name : "", 1, 60)) return x->err.code;
    if (!goods && !coupon) return yt_fail(x, YT_EINVAL, "kind", "kind is goods (a SKU) or coupon");
    if (goods && in->sku_id < 1) return yt_fail(x, YT_EINVAL, "sku_id", "a goods item names its SKU");
    if (coupon && in->coupon_id < 1) return yt_fail(x, YT_EINVAL, "coupon_id", "a coupon item names its coupon");
    if (coupon && in->cash) return yt_fail(x, YT_EINVAL, "cash", "a coupon is redeemed for points alone");
    if (in->points < 1 || in->points > POINTS_DELTA_MAX) return yt_fail(x, YT_EINVAL, "points", "is 1 to %lld", POINTS_DELTA_MAX);
    if (in->cash < 0 || in->cash > 100000000LL) return yt_fail(x, YT_EINVAL, "cash", "is fen from 0 to 10^8");
    if (in->stock < 0 || in->stock > 100000000LL) return yt_fail(x, YT_EINVAL, "stock", "is 0 to 10^8");
    if (in->per_customer < 1 || in->per_customer > MALL_QTY_MAX) return yt_fail(x, YT_EINVAL, "per_customer", "is 1 to %d", MALL_QTY_MAX);
    yt_param q[] = {PI(goods ? in->sku_id : in->coupon_id)};
    if (db_query_int(x->db, goods ? "SELECT COUNT(*) FROM skus WHERE id = ?" : "SELECT COUNT(*) FROM coupons WHERE id = ?", 1, q, 0) != 1)
        return yt_fail(x, YT_EINVAL, goods ? "sku_id" : "coupon_id", "no %s with id %lld", goods ? "SKU" : "coupon",
                       (long long)(goods ? in->sku_id : in->coupon_id));
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "creating a points-mall item");
    yt_param p[] = {PT(in->name), PT(in->kind), goods ? PI(in->sku_id) : PNULL, coupon ? PI(in->coupon_id) : PNULL, PI(in->points),
                    PI(in->cash), PI(in->stock), PI(in->per_customer), PI(now), PI(now)};
    *id = db_query_int(x->db, "INSERT INTO points_mall_items(name, kind, sku_id, coupon_id, points, cash, stock, per_customer,"
                              " created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?) RETURNING id", 10, p, 0);
    int rc = *id > 0 ? audit_record(x, "points_mall.create", "points_mall_item", *id, NULL) : yt_fail_db(x, "creating a points-mall item");
    return yt_finish(x, rc, "creating a points-mall item");
}

int points_mall_update(yt_ctx *x, int64_t id, const points_mall_patch *in) {
    if (in->name && yt_check_text(x, "name", in->name, 1, 60)) return x->err.code;
    if (in->status && strcmp(in->status, "on") && strcmp(in->status, "off")) return yt_fail(x, YT_EINVAL, "status", "status is on or off");
    if (in->points != -1 && (in->points < 1 || in->points > POINTS_DELTA_MAX))
        return yt_fail(x, YT_EINVAL, "points", "is 1 to %lld", POINTS_DELTA_MAX);
    if (in->cash != -1 && (in->cash < 0 || in->cash > 100000000LL)) return yt_fail(x, YT_EINVAL, "cash", "is fen from 0 to 10^8");
    if (in->stock != -1 && (in->stock < 0 || in->stock > 100000000LL)) return yt_fail(x, YT_EINVAL, "stock", "is 0 to 10^8");
    if (in->per_customer != -1 && (in->per_customer < 1 || in->per_customer > MALL_QTY_MAX))
        return yt_fail(x, YT_EINVAL, "per_customer", "is 1 to %d", MALL_QTY_MAX);
    if (db_begin(x->db) != 0) return yt_fail_db(x, "changing a points-mall item");
    yt_param q[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT kind FROM points_mall_items WHERE id = ?", 1, q);
    if (!r) return yt_finish(x, yt_fail_db(x, "changing a points-mall item"), "changing a points-mall item");
    bool found = rows_next(r), coupon = found && strcmp(rows_text(r, 0), "coupon") == 0;
    rows_free(r);
    int rc = YT_OK;
    if (!found) rc = yt_fail(x, YT_ENOTFOUND, NULL, "no points-mall item with id %lld", (long long)id);
    else if (coupon && in->cash > 0) rc = yt_fail(x, YT_EINVAL, "cash", "a coupon is redeemed for points alone");
    /* what is already redeemed keeps its price: each redemption holds the points and cash it was made for */
    yt_param p[] = {PT(in->name), PT(in->status), in->points != -1 ? PI(in->points) : PNULL, in->cash != -1 ? PI(in->cash) : PNULL,
                    in->stock != -1 ? PI(in->stock) : PNULL, in->per_customer != -1 ? PI(in->per_customer) : PNULL, PI(now_ms()), PI(id)};
    if (rc == YT_OK && db_exec(x->db, "UPDATE points_mall_items SET name = COALESCE(?, name), status = COALESCE(?, status),"
                                      " points = COALESCE(?, points), cash = COALESCE(?, cash), stock = COALESCE(?, stock),"
                                      " per_customer = COALESCE(?, per_customer), updated_at = ? WHERE id = ?", NPARAMS(p), p) != 1)
        rc = yt_fail_db(x, "changing a points-mall item");
    if (rc == YT_OK) rc = audit_record(x, "points_mall.update", "points_mall_item", id, NULL);
    return yt_finish(x, rc, "changing a points-mall item");
}

#define ITEM_COLS "i.id, i.name, i.kind, i.sku_id, i.coupon_id, i.points, i.cash, i.stock, i.per_customer, i.redeemed, i.status," \
                  " COALESCE(p.name || ' ' || s.name, c.name, '')"
#define ITEM_FROM " FROM points_mall_items i LEFT JOIN skus s ON s.id = i.sku_id LEFT JOIN products p ON p.id = s.product_id" \
                  " LEFT JOIN coupons c ON c.id = i.coupon_id"

static void write_item(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "name", rows_text(r, 1));
    jw_kstr(w, "kind", rows_text(r, 2));
    if (rows_null(r, 3)) jw_knull(w, "sku_id");
    else jw_kint(w, "sku_id", rows_int(r, 3));
    if (rows_null(r, 4)) jw_knull(w, "coupon_id");
    else jw_kint(w, "coupon_id", rows_int(r, 4));
    jw_kstr(w, "goods", rows_text(r, 11));
    jw_kint(w, "points", rows_int(r, 5));
    jw_kint(w, "cash", rows_int(r, 6));
    jw_kint(w, "stock", rows_int(r, 7));
    jw_kint(w, "per_customer", rows_int(r, 8));
    jw_kint(w, "redeemed", rows_int(r, 9));
    jw_kstr(w, "status", rows_text(r, 10));
    jw_obj_end(w);
}

int points_mall_list_json(yt_ctx *x, yt_jw *w, bool on_only, int limit, int64_t cursor) {
    yt_param p[] = {PI(on_only), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT " ITEM_COLS ITEM_FROM " WHERE (CAST(? AS BIGINT) = 0 OR i.status = 'on') AND i.id < ?"
                                 " ORDER BY i.id DESC LIMIT ?", 3, p);
    if (!r) return yt_fail_db(x, "listing the points mall");
    page_write(w, r, limit, write_item);
    rows_free(r);
    return YT_OK;
}

int points_mall_item_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " ITEM_COLS ITEM_FROM " WHERE i.id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a points-mall item");
    bool found = rows_next(r);
    if (found) write_item(w, r);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no points-mall item with id %lld", (long long)id);
}

/* The goods' mall order: one line of the SKU at no list price (the points and cash pay for it), its stock taken. */
static int make_order(yt_ctx *x, int64_t item, int64_t customer, int64_t sku, int64_t quantity, int64_t points, int64_t cash,
                      int64_t pay_window_ms, int64_t *order_id) {
    int64_t now = now_ms();
    bool paid = cash == 0;
    char txn[48];
    yt_param o[] = {PI(customer), PI(item), PI(sku), PI(quantity), PI(cash), PT(paid ? "paid" : "pending"), PI(now),
                    paid ? PNULL : PI(now + pay_window_ms), paid ? PI(now) : PNULL, paid ? PT("points") : PNULL, PI(points),
                    x->who->staff_id ? PI(x->who->staff_id) : PNULL};
    *order_id = db_query_int(x->db,
                             "INSERT INTO mall_orders(customer_id, kind, activity_id, sku_id, quantity, unit_price, total, status,"
                             " created_at, pay_by, paid_at, pay_provider, points_used, staff_id)"
                             " VALUES(?, 'points', ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", NPARAMS(o), o, 0);
    if (*order_id <= 0) return yt_fail_db(x, "redeeming");
    if (paid) { /* the points paid it: its payment reference is the order itself */
        snprintf(txn, sizeof txn, "points:%lld", (long long)*order_id);
        yt_param t[] = {PT(txn), PI(*order_id)};
        if (db_exec(x->db, "UPDATE mall_orders SET pay_txn = ? WHERE id = ?", 2, t) != 1) return yt_fail_db(x, "redeeming");
    }
    yt_param li[] = {PI(*order_id), PI(quantity), PI(cash), PI(sku)};
    if (db_exec(x->db, "INSERT INTO mall_order_items(order_id, sku_id, product_id, name, quantity, unit_price, subtotal)"
                       " SELECT ?, s.id, s.product_id, p.name || ' ' || s.name, ?, 0, ? FROM skus s JOIN products p ON p.id = s.product_id"
                       " WHERE s.id = ?", 4, li) != 1)
        return yt_fail_db(x, "redeeming");
    char ref[40];
    snprintf(ref, sizeof ref, "mall_order:%lld", (long long)*order_id);
    return sku_stock_apply(x, sku, -quantity, "points_mall", ref, NULL);
}

int points_mall_redeem(yt_ctx *x, int64_t item, int64_t customer, int64_t quantity, int64_t pay_window_ms, redemption_result *res) {
    memset(res, 0, sizeof *res);
    if (quantity < 1 || quantity > MALL_QTY_MAX) return yt_fail(x, YT_EINVAL, "quantity", "is 1 to %d", MALL_QTY_MAX);
    points_expire_due(x);
    if (db_begin(x->db) != 0) return yt_fail_db(x, "redeeming");
    /* the item's stock first: its row lock (PostgreSQL) queues the item's redemptions, so the count below is exact */
    yt_param u[] = {PI(quantity), PI(quantity), PI(now_ms()), PI(item), PI(quantity)};
    int64_t took = db_exec(x->db, "UPDATE points_mall_items SET stock = stock - ?, redeemed = redeemed + ?, updated_at = ?"
                                  " WHERE id = ? AND status = 'on' AND stock >= ?", 5, u);
    yt_param q[] = {PI(item)};
    yt_rows *r = took >= 0 ? db_query(x->db, "SELECT kind, sku_id, coupon_id, points, cash, per_customer, status FROM points_mall_items"
                                             " WHERE id = ?", 1, q)
                           : NULL;
    if (!r) return yt_finish(x, yt_fail_db(x, "redeeming"), "redeeming");
    bool found = rows_next(r), goods = false, on = false;
    int64_t sku = 0, coupon = 0, points = 0, cash = 0, per = 0;
    if (found) {
        goods = strcmp(rows_text(r, 0), "goods") == 0;
        sku = rows_null(r, 1) ? 0 : rows_int(r, 1), coupon = rows_null(r, 2) ? 0 : rows_int(r, 2);
        points = rows_int(r, 3), cash = rows_int(r, 4), per = rows_int(r, 5), on = strcmp(rows_text(r, 6), "on") == 0;
    }
    rows_free(r);
    int rc = YT_OK;
    if (!found || !on) rc = yt_fail(x, YT_ENOTFOUND, NULL, "no points-mall item %lld on sale", (long long)item);
    else if (!took) rc = yt_fail(x, YT_ECONFLICT, "sold-out", "fewer than %lld left", (long long)quantity);
    yt_param h[] = {PI(item), PI(customer)};
    int64_t had = rc ? 0 : db_query_int(x->db, "SELECT COALESCE(SUM(quantity), 0) FROM points_mall_redemptions WHERE item_id = ?"
                                               " AND customer_id = ? AND status <> 'cancelled'", 2, h, -1);
    if (rc == YT_OK && had < 0) rc = yt_fail_db(x, "redeeming");
    if (rc == YT_OK && had + quantity > per) rc = yt_fail(x, YT_ECONFLICT, "limit-reached", "a customer redeems at most %lld", (long long)per);
    res->points = points * quantity, res->cash = cash * quantity;
    /* goods: the order first, so the spend names it (a cancelled order's points go back to the lots they came from) */
    if (rc == YT_OK && goods) rc = make_order(x, item, customer, sku, quantity, res->points, res->cash, pay_window_ms, &res->order_id);
    char ref[40];
    if (goods) snprintf(ref, sizeof ref, "mall_order:%lld", (long long)res->order_id);
    else snprintf(ref, sizeof ref, "points_mall:%lld", (long long)item);
    if (rc == YT_OK) rc = points_change(x, customer, -res->points, POINTS_MALL, ref, NULL);
    for (int64_t i = 0; rc == YT_OK && !goods && i < quantity; i++) rc = coupon_claim(x, coupon, customer, "points", &res->customer_coupon_id);
    res->status = goods && res->cash ? "pending_payment" : "done";
    yt_param w[] = {PI(item), PI(customer), PI(quantity), PI(res->points), PI(res->cash), res->order_id ? PI(res->order_id) : PNULL,
                    PT(res->status), PI(now_ms())};
    if (rc == YT_OK) {
        res->redemption_id = db_query_int(x->db, "INSERT INTO points_mall_redemptions(item_id, customer_id, quantity, points, cash,"
                                                 " order_id, status, created_at) VALUES(?,?,?,?,?,?,?,?) RETURNING id", 8, w, 0);
        if (res->redemption_id <= 0) rc = yt_fail_db(x, "redeeming");
    }
    char summary[64];
    snprintf(summary, sizeof summary, "{\"customer_id\":%lld}", (long long)customer);
    if (rc == YT_OK) rc = audit_record(x, "points_mall.redeem", "points_mall_item", item, summary);
    return yt_finish(x, rc, "redeeming");
}

int points_mall_cancelled(yt_ctx *x, int64_t order_id) {
    yt_param p[] = {PI(order_id)};
    yt_rows *r = db_query(x->db, "UPDATE points_mall_redemptions SET status = 'cancelled' WHERE order_id = ? AND status <> 'cancelled'"
                                 " RETURNING item_id, quantity", 1, p);
    if (!r) return yt_fail_db(x, "cancelling a redemption");
    int64_t item = 0, qty = 0;
    if (rows_next(r)) item = rows_int(r, 0), qty = rows_int(r, 1);
    rows_free(r);
    yt_param u[] = {PI(qty), PI(qty), PI(item)};
    if (item && db_exec(x->db, "UPDATE points_mall_items SET stock = stock + ?, redeemed = redeemed - ? WHERE id = ?", 3, u) != 1)
        return yt_fail_db(x, "cancelling a redemption");
    return YT_OK;
}

static void write_redemption_fields(yt_jw *w, yt_rows *r) {
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "item_id", rows_int(r, 1));
    jw_kstr(w, "name", rows_text(r, 2));
    jw_kint(w, "quantity", rows_int(r, 3));
    jw_kint(w, "points", rows_int(r, 4));
    jw_kint(w, "cash", rows_int(r, 5));
    if (rows_null(r, 6)) jw_knull(w, "order_id");
    else jw_kint(w, "order_id", rows_int(r, 6));
    jw_kstr(w, "status", rows_text(r, 7));
    jw_ktime(w, "created_at", rows_int(r, 8));
}

static void write_redemption(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    write_redemption_fields(w, r);
    jw_obj_end(w);
}

/* staff see whose it was too */
static void write_redemption_staff(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    write_redemption_fields(w, r);
    jw_kint(w, "customer_id", rows_int(r, 9));
    jw_obj_end(w);
}

#define REDEMPTION_COLS "d.id, d.item_id, i.name, d.quantity, d.points, d.cash, d.order_id, d.status, d.created_at, d.customer_id"

int points_mall_redemptions_json(yt_ctx *x, yt_jw *w, int64_t customer, int limit, int64_t cursor) {
    yt_param p[] = {PI(customer), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT " REDEMPTION_COLS " FROM points_mall_redemptions d JOIN points_mall_items i ON i.id = d.item_id"
                                 " WHERE d.customer_id = ? AND d.id < ? ORDER BY d.id DESC LIMIT ?", 3, p);
    if (!r) return yt_fail_db(x, "listing redemptions");
    page_write(w, r, limit, write_redemption);
    rows_free(r);
    return YT_OK;
}

int points_mall_redemptions_staff_json(yt_ctx *x, yt_jw *w, int64_t item, int64_t customer, int limit, int64_t cursor) {
    if (item) {
        yt_param q[] = {PI(item)};
        int64_t n = db_query_int(x->db, "SELECT COUNT(*) FROM points_mall_items WHERE id = ?", 1, q, -1);
        if (n < 0) return yt_fail_db(x, "listing redemptions");
        if (n == 0) return yt_fail(x, YT_ENOTFOUND, "item_id", "no points-mall item with id %lld", (long long)item);
    }
    yt_param p[] = {PI(item), PI(item), PI(customer), PI(customer), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT " REDEMPTION_COLS " FROM points_mall_redemptions d JOIN points_mall_items i ON i.id = d.item_id"
                                 " WHERE (CAST(? AS BIGINT) = 0 OR d.item_id = ?) AND (CAST(? AS BIGINT) = 0 OR d.customer_id = ?)"
                                 " AND d.id < ? ORDER BY d.id DESC LIMIT ?", 6, p);
    if (!r) return yt_fail_db(x, "listing redemptions");
    page_write(w, r, limit, write_redemption_staff);
    rows_free(r);
    return YT_OK;
}
