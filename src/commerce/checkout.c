/* Checkout: prices and stock per line, coupons, points, and the pending order, in one transaction. */
#include "checkout.h"
#include "catalog.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../domain/audit.h"
#include "../loyalty/levels.h"
#include "../loyalty/points.h"
#include <stdio.h>
#include <string.h>

typedef struct {
    int64_t sku_id, product_id, quantity, unit_price, subtotal;
    char category[256]; /* a category is at most 60 characters */
} line_row;

/* Reads each line's SKU (on sale, price) and takes its stock; fills rows and coupon lines (at the member price:
 * discount_percent of the list price). */
static int take_lines(yt_ctx *x, const checkout_input *in, int64_t order_id, int64_t discount_percent, line_row *rows,
                      coupon_line *cl) {
    char ref[40], field[40];
    snprintf(ref, sizeof ref, "mall_order:%lld", (long long)order_id);
    int order[CHECKOUT_LINES_MAX]; /* the lines by SKU id (ids are distinct) */
    for (int i = 0; i < in->nlines; i++) {
        int j = i;
        for (; j > 0 && in->lines[order[j - 1]].sku_id > in->lines[i].sku_id; j--) order[j] = order[j - 1];
        order[j] = i;
    }
    for (int k = 0; k < in->nlines; k++) {
        int i = order[k];
        line_row *l = &rows[i];
        snprintf(field, sizeof field, "lines[%d].sku_id", i);
        yt_param p[] = {PI(in->lines[i].sku_id)};
        yt_rows *r = db_query(x->db, "SELECT s.product_id, s.price, p.category, p.status"
                                     " FROM skus s JOIN products p ON p.id = s.product_id WHERE s.id = ?", 1, p);
        if (!r) return yt_fail_db(x, "placing an order");
        bool found = rows_next(r), on = found && strcmp(rows_text(r, 3), "on") == 0;
        if (found) {
            l->product_id = rows_int(r, 0);
            l->unit_price = rows_int(r, 1);
            snprintf(l->category, sizeof l->category, "%s", rows_text(r, 2));
        }
        rows_free(r);
        if (!found) return yt_fail(x, YT_EINVAL, field, "no SKU with id %lld", (long long)in->lines[i].sku_id);
        if (!on) return yt_fail(x, YT_EINVAL, field, "the product is not on sale");
        l->sku_id = in->lines[i].sku_id;
        l->quantity = in->lines[i].quantity;
        l->subtotal = l->unit_price * l->quantity;
        if (sku_stock_apply(x, l->sku_id, -l->quantity, "order", ref, NULL)) {
            if (x->err.code == YT_ECONFLICT) snprintf(x->err.field, sizeof x->err.field, "lines[%d].quantity", i);
            return x->err.code;
        }
        cl[i] = (coupon_line){l->product_id, l->category, l->unit_price * discount_percent / 100 * l->quantity};
    }
    return YT_OK;
}

/* How many fen the points pay, within the brand's rules. */
static int points_value(yt_ctx *x, int64_t points, int64_t payable, int64_t *value) {
    *value = 0;
    if (!points) return YT_OK;
    loyalty_settings s;
    if (loyalty_settings_get(x, &s)) return x->err.code;
    if (!s.redeem_per_yuan) return yt_fail(x, YT_EINVAL, "points", "points do not pay for orders here");
    if (points * 100 % s.redeem_per_yuan)
        return yt_fail(x, YT_EINVAL, "points", "%lld points pay one yuan: give a number that makes whole fen",
                       (long long)s.redeem_per_yuan);
    *value = points * 100 / s.redeem_per_yuan;
    int64_t cap = payable * s.redeem_max_percent / 100;
    if (cap > payable - 1) cap = payable - 1; /* something is always paid, so the order can be */
    if (*value > cap)
        return yt_fail(x, YT_EINVAL, "points", "points pay at most %lld%% of this order: %lld fen", (long long)s.redeem_max_percent,
                       (long long)cap);
    return YT_OK;
}

int checkout(yt_ctx *x, const checkout_input *in, checkout_result *res) {
    memset(res, 0, sizeof *res);
    if (in->nlines < 1 || in->nlines > CHECKOUT_LINES_MAX)
        return yt_fail(x, YT_EINVAL, "lines", "an order has 1 to %d lines", CHECKOUT_LINES_MAX);
    for (int i = 0; i < in->nlines; i++) {
        char field[40];
        snprintf(field, sizeof field, "lines[%d].quantity", i);
        if (in->lines[i].quantity < 1 || in->lines[i].quantity > CHECKOUT_QTY_MAX)
            return yt_fail(x, YT_EINVAL, field, "is from 1 to %d", CHECKOUT_QTY_MAX);
        for (int j = 0; j < i; j++)
            if (in->lines[j].sku_id == in->lines[i].sku_id) {
                snprintf(field, sizeof field, "lines[%d].sku_id", i);
                return yt_fail(x, YT_EINVAL, field, "the same SKU on two lines: give one line with the quantity");
            }
    }
    if (in->points < 0 || in->points > POINTS_DELTA_MAX) return yt_fail(x, YT_EINVAL, "points", "is from 0 to %lld", POINTS_DELTA_MAX);
    int64_t now = now_ms();
    line_row rows[CHECKOUT_LINES_MAX];
    coupon_line cl[CHECKOUT_LINES_MAX];
    if (db_begin(x->db) != 0) return yt_fail_db(x, "placing an order");
    /* the customer's row before anything is written (and before any SKU's, SKUs in id order: every write that
     * takes them takes them so, so two carts never wait on each other), still live: a merge or an erasure, which
     * locks its customers first, then waits for this order or has happened before it (409 to try again) */
    if (customer_hold(x, in->customer_id, YT_ECONFLICT, "placing an order")) return yt_finish(x, x->err.code, "placing an order");
    /* then the order row, for its id (the stock moves and coupons name it); its figures are filled in below */
    yt_param o[] = {PI(in->customer_id), PI(in->lines[0].sku_id), PI(now), PI(now + in->pay_window_ms),
                    x->who->staff_id ? PI(x->who->staff_id) : PNULL};
    res->order_id = db_query_int(x->db,
                                 "INSERT INTO mall_orders(customer_id, kind, sku_id, quantity, unit_price, total, status, created_at,"
                                 " pay_by, staff_id) VALUES(?, 'normal', ?, 0, 0, 0, 'pending', ?, ?, ?) RETURNING id", 5, o, 0);
    int rc = res->order_id > 0 ? YT_OK : yt_fail_db(x, "placing an order");
    member_benefits mb;
    if (rc == YT_OK) rc = member_benefits_get(x, in->customer_id, &mb);
    if (rc == YT_OK) rc = take_lines(x, in, res->order_id, mb.discount_percent, rows, cl);
    int64_t quantity = 0;
    for (int i = 0; rc == YT_OK && i < in->nlines; i++) {
        res->goods_total += rows[i].subtotal;
        res->member_discount += rows[i].subtotal - cl[i].subtotal;
        quantity += rows[i].quantity;
        /* the line's name as the shop names it now, composed by the store (names are long, and UTF-8) */
        yt_param li[] = {PI(res->order_id), PI(rows[i].quantity), PI(rows[i].unit_price), PI(rows[i].subtotal), PI(rows[i].sku_id)};
        if (db_exec(x->db, "INSERT INTO mall_order_items(order_id, sku_id, product_id, name, quantity, unit_price, subtotal)"
                           " SELECT ?, s.id, s.product_id, p.name || ' ' || s.name, ?, ?, ? FROM skus s"
                           " JOIN products p ON p.id = s.product_id WHERE s.id = ?", 5, li) != 1)
            rc = yt_fail_db(x, "placing an order");
    }
    if (rc == YT_OK && in->ncoupons)
        rc = coupon_redeem(x, in->customer_id, in->coupon_ids, in->ncoupons, cl, in->nlines, res->order_id, &res->discount);
    if (rc == YT_OK) rc = points_value(x, in->points, res->goods_total - res->member_discount - res->discount, &res->points_value);
    char ref[40];
    snprintf(ref, sizeof ref, "mall_order:%lld", (long long)res->order_id);
    if (rc == YT_OK && in->points) rc = points_change(x, in->customer_id, -in->points, POINTS_REDEEM, ref, NULL);
    if (rc == YT_OK) {
        res->points_used = in->points;
        res->total = res->goods_total - res->member_discount - res->discount - res->points_value;
        res->pay_by = now + in->pay_window_ms;
        yt_param u[] = {PI(quantity), PI(res->total), PI(res->goods_total), PI(res->member_discount), PI(res->discount),
                        PI(res->points_used), PI(res->points_value), PI(res->order_id)};
        if (db_exec(x->db, "UPDATE mall_orders SET quantity = ?, total = ?, goods_total = ?, member_discount = ?, discount = ?,"
                           " points_used = ?, points_value = ? WHERE id = ?", 8, u) != 1)
            rc = yt_fail_db(x, "placing an order");
    }
    if (rc == YT_OK) {
        char summary[96];
        snprintf(summary, sizeof summary, "{\"total\":%lld,\"customer_id\":%lld}", (long long)res->total, (long long)in->customer_id);
        rc = audit_record(x, "mall_order.create", "mall_order", res->order_id, summary);
    }
    return yt_finish(x, rc, "placing an order");
}
