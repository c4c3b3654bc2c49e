/* Mall orders (yutang's own, as against imported platform orders): reading them, and payment. A paid order
 * joins the customer's orders (platform "yutang"), so RFM, lifetime value and the lifecycle count it. */
#ifndef YT_MALL_ORDER_H
#define YT_MALL_ORDER_H
#include "../base/json.h"
#include "../domain/ctx.h"

int mall_order_write_json(yt_ctx *x, yt_jw *w, int64_t id);
/* A page of orders, newest first; customer_id 0: everyone's. */
int mall_order_list_json(yt_ctx *x, yt_jw *w, int64_t customer_id, int limit, int64_t cursor);

typedef struct {
    int64_t order_id, amount;  /* the amount paid, in fen */
    const char *provider;      /* "sandbox", "wechatpay" */
    const char *transaction;   /* the provider's transaction id */
} payment_notice;

typedef struct {
    bool replay;               /* the same payment was recorded before: nothing changed */
    const char *kind;          /* the order's kind ("flash") and activity, for in-memory counters */
    int64_t activity_id, quantity;
} payment_result;

/* Records a payment for a pending order, once: a replay of the same transaction changes nothing (res->replay);
 * an amount other than the order's total is a 422, and an order that is not pending (closed unpaid, or paid
 * by another transaction) a 409; both are logged and change nothing. */
int mall_order_pay(yt_ctx *x, const payment_notice *n, payment_result *res);

#endif
