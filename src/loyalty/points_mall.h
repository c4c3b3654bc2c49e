/* The points mall (积分商城): goods (a SKU, shipped as a mall order) or coupons, for points alone or points and
 * cash, each item with its own stock for redemptions and a per-customer limit. A redemption spends the points,
 * takes the item's stock (never oversold), and makes the order (paid at once when it costs no cash; else
 * pending payment, and cancelled with everything given back when unpaid) or gives the coupon. */
#ifndef YT_POINTS_MALL_H
#define YT_POINTS_MALL_H
#include "../base/json.h"
#include "../domain/ctx.h"

typedef struct {
    const char *name, *kind;  /* "goods" (sku_id) or "coupon" (coupon_id) */
    int64_t sku_id, coupon_id, points, cash, stock, per_customer;
} points_mall_input;

int points_mall_create(yt_ctx *x, const points_mall_input *in, int64_t *id);
/* The members given change: name and status "on"/"off" when not NULL, the numbers when not -1. Cash stays 0 on a
 * coupon item. Redemptions already made keep the points and cash they were made for. */
typedef struct {
    const char *name, *status;
    int64_t points, cash, stock, per_customer;
} points_mall_patch;

int points_mall_update(yt_ctx *x, int64_t id, const points_mall_patch *in);
/* Items newest first; on_only: only items on sale (what members see). */
int points_mall_list_json(yt_ctx *x, yt_jw *w, bool on_only, int limit, int64_t cursor);
int points_mall_item_json(yt_ctx *x, yt_jw *w, int64_t id);

typedef struct {
    int64_t redemption_id, points, cash, order_id, customer_coupon_id;
    const char *status; /* "done" or "pending_payment" */
} redemption_result;

/* A live customer redeems quantity of an item (pay_window_ms: how long a cash part may stay unpaid). 404;
 * 409 with field "sold-out", "limit-reached", or "points" (not enough); 400 on "quantity". */
int points_mall_redeem(yt_ctx *x, int64_t item, int64_t customer, int64_t quantity, int64_t pay_window_ms, redemption_result *res);
int points_mall_redemptions_json(yt_ctx *x, yt_jw *w, int64_t customer, int limit, int64_t cursor);
/* Every redemption newest first, with its customer, for staff: of one item and/or one customer when not 0
 * (the customer already resolved by the caller); 404 for an item that does not exist. */
int points_mall_redemptions_staff_json(yt_ctx *x, yt_jw *w, int64_t item, int64_t customer, int limit, int64_t cursor);
/* An order of kind "points" was cancelled unpaid: the item's stock comes back and the redemption is marked
 * cancelled (the points come back with the order's points_used). Inside the caller's transaction. */
int points_mall_cancelled(yt_ctx *x, int64_t order_id);

#endif
