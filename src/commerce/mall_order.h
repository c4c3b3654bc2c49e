/* Mall orders (yutang's own, as against imported platform orders): reading them, and payment. A paid order
 * joins the customer's orders (platform "yutang"), so RFM, lifetime value and the lifecycle count it. */
#ifndef YT_MALL_ORDER_H
#define YT_MALL_ORDER_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include "../store/store.h"

/* An order with its lines; customer non-zero: only if it is theirs (a member), else 404. */
int mall_order_write_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t customer);
/* Which orders a list shows: customer_id 0 everyone's; status and kind NULL any (else one of the values an
 * order has, 400 on field "status" or "kind" otherwise). */
typedef struct {
    int64_t customer_id;
    const char *status, *kind;
} mall_order_filter;
/* A page of orders, newest first. */
int mall_order_list_json(yt_ctx *x, yt_jw *w, const mall_order_filter *f, int limit, int64_t cursor);

typedef struct {
    int64_t order_id, amount;  /* the amount paid, in fen */
    const char *provider;      /* "sandbox", "wechatpay" */
    const char *transaction;   /* the provider's transaction id */
} payment_notice;

typedef struct {
    bool replay;               /* the same payment was recorded before: nothing changed */
    const char *kind;          /* the order's kind: "normal", "flash" or "group" */
} payment_result;

/* Records a payment for a pending order, once: a replay of the same transaction changes nothing (res->replay);
 * an amount other than the order's total is a 422, and an order that is not pending (closed unpaid, or paid
 * by another transaction) a 409; both are logged and change nothing. */
int mall_order_pay(yt_ctx *x, const payment_notice *n, payment_result *res);

/* What paying a member's own pending order through a provider needs: its total (fen), when the payment window
 * closes, a description (the first line's product, and how many more lines), and the member's openid in the
 * app payments are made in (appid: one recorded for that platform first, else any; "" when there is none).
 * 404 when the order is not the member's; 409 on "status" when it is not pending or its window has closed. */
typedef struct {
    int64_t total, pay_by;
    char description[160], openid[130];
} payable_order;
int mall_order_payable(yt_ctx *x, int64_t id, int64_t member, const char *appid, payable_order *out);

/* ---- the order's life after checkout (normal orders; flash orders are released by the flash engine) ---- */

/* The order's customer; YT_ENOTFOUND when there is no such order. */
int mall_order_customer(yt_ctx *x, int64_t id, int64_t *customer);
/* Cancels a pending normal order: its stock, coupons and points come back. member non-zero: only their own.
 * reason: "customer", "staff" or "timeout". 409 when it is not pending (or a flash order). */
int mall_order_cancel(yt_ctx *x, int64_t id, int64_t member, const char *reason);
/* paid -> shipped, with the carrier and tracking number. */
int mall_order_ship(yt_ctx *x, int64_t id, const char *carrier, const char *tracking_no);
/* shipped -> completed (the member confirms receipt, or staff do). member non-zero: only their own. */
int mall_order_complete(yt_ctx *x, int64_t id, int64_t member);
/* Cancels normal orders whose payment window has passed (at most 100 a call); on the beat's thread (cli/beat.c). */
void mall_order_sweep(yt_store *store);

/* ---- what an activity brought (the console's figures per flash sale, coupon, lottery and red packet) ---- */

#define ACTIVITY_ORDER_DAYS 7 /* a lottery's or red packet's participant's orders count until this long after its end */

/* Runs sql, which answers one row: participants (distinct customers who took part), entries (times they took
 * part: orders placed, coupons held, draws, claims), buyers (distinct customers of the orders counted), orders
 * (paid mall orders counted, refunded ones too), gmv (their paid totals, fen), refunded (fen refunded of them);
 * and writes {kind, id, participants, entries, buyers, orders, gmv, refunded, conversion (buyers / participants,
 * 4 decimals), orders_until (orders placed before it count; null: the activity's own orders)}. until: ms or 0. */
int activity_stats_json(yt_ctx *x, yt_jw *w, const char *kind, int64_t id, int64_t until, const char *sql, int n,
                        const yt_param *p);

#endif
