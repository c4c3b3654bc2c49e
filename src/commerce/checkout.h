/* Checkout: a mall order (kind "normal") of up to 20 SKU lines, with the customer's coupons and points, made
 * in one transaction: the stock is taken from each SKU (a stock move), the coupons marked used, the points
 * spent, and the order left pending payment until its window closes. */
#ifndef YT_CHECKOUT_H
#define YT_CHECKOUT_H
#include "coupon.h"
#include "../domain/ctx.h"

#define CHECKOUT_LINES_MAX 20
#define CHECKOUT_QTY_MAX 1000

typedef struct {
    int64_t customer_id;
    struct {
        int64_t sku_id, quantity;
    } lines[CHECKOUT_LINES_MAX];
    int nlines;
    int64_t coupon_ids[COUPON_PER_ORDER_MAX]; /* the customer's held coupons */
    int ncoupons;
    int64_t points;                          /* points to pay with (0: none) */
    int64_t pay_window_ms;                   /* unpaid after this long: cancelled */
} checkout_input;

typedef struct {
    int64_t order_id, goods_total, member_discount, discount, points_used, points_value, total, pay_by;
} checkout_result;

/* Errors name the field: "lines[i].sku_id" (unknown or off sale), "lines[i].quantity" (0, over 1000, or
 * more than the stock: 409), "coupon_ids[i]", "points" (more than the balance: 409; more than the brand
 * lets points pay, or not a whole number of fen: 400). Nothing is kept when anything is refused. */
int checkout(yt_ctx *x, const checkout_input *in, checkout_result *res);

#endif
