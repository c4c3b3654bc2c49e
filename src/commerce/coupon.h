/* Coupons (优惠券): templates with a kind (amount off above a threshold 满减, or a percentage off), a scope
 * (everything, some products, some categories), who may hold one (anyone, or new customers: no paid order
 * yet), a total quota that is never over-issued, a per-customer limit, a claim window and a validity; and
 * the coupons customers hold, claimed by a member, granted by staff (one customer or a saved segment), and
 * used once, with the order that uses them. */
#ifndef YT_COUPON_H
#define YT_COUPON_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include <stddef.h>

#define COUPON_SCOPE_MAX 50       /* products or categories one coupon names */
#define COUPON_TOTAL_MAX 100000000LL
#define COUPON_PER_ORDER_MAX 3

typedef struct {
    const char *name;
    const char *kind;            /* "amount" (amount_off above threshold) or "percent" (percent_off, capped by max_off) */
    int64_t threshold, amount_off, percent_off, max_off; /* fen, fen, 1-99 (% taken off), fen (0: no cap) */
    bool new_customers_only, stackable;
    int64_t total, per_customer;
    int64_t claim_starts, claim_ends; /* ms; claims outside are refused (grants are not) */
    int64_t valid_days;          /* a held coupon is valid this many days from its claim; or: */
    int64_t valid_until;         /* a fixed last moment (ms), when valid_days is 0 */
    const int64_t *products;     /* scope: these products, or */
    int nproducts;
    const char *const *categories; /* these categories; neither: everything */
    int ncategories;
} coupon_input;

int coupon_create(yt_ctx *x, const coupon_input *in, int64_t *id);
/* Stops a coupon: no more claims or grants; coupons already held stay usable. */
int coupon_stop(yt_ctx *x, int64_t id);
/* {id, name, kind, ..., total, issued, used, scope: {products, categories}, status}. */
int coupon_write_json(yt_ctx *x, yt_jw *w, int64_t id);
int coupon_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor);
/* What the coupon brought: participants (customers holding one), entries (coupons held), and the paid orders
 * that used one, their buyers, GMV and refunds (activity_stats_json in mall_order.h); 404 when there is none. */
int coupon_stats_json(yt_ctx *x, yt_jw *w, int64_t id);

/* A live customer takes one (source "claim": inside the claim window; "grant" (staff) or "birthday": any
 * time while the coupon runs). Refusals: 404; 409 with field "exhausted" (quota), "limit-reached" (per customer),
 * "stopped", "new-customers-only"; 400 outside the claim window. *held: the customer's coupon id. */
int coupon_claim(yt_ctx *x, int64_t coupon, int64_t customer, const char *source, int64_t *held);
/* Grants one to each of n live customers (ascending ids) below the per-customer limit, a chunk of customers
 * per transaction; the quota must hold them all (else 409 "exhausted" before anything is granted).
 * *granted: how many got one. */
int coupon_grant_many(yt_ctx *x, int64_t coupon, const int64_t *ids, size_t n, int64_t *granted);

/* A customer's coupons, newest first; status "usable" (unused and valid now), "used", "expired" or NULL (all). */
int customer_coupons_json(yt_ctx *x, yt_jw *w, int64_t customer, const char *status, int limit, int64_t cursor);

/* ---- use at checkout (inside the order's transaction) ---- */

/* One line of an order, as a coupon's scope sees it. */
typedef struct {
    int64_t product_id;
    const char *category;
    int64_t subtotal; /* fen */
} coupon_line;

/* Applies the customer's held coupons to the lines: each must be theirs, unused, valid now, its threshold met
 * by the lines in its scope, and, when there are several, every one stackable. Marks them used by order and
 * returns the discount (never more than goods - 1 fen in total). Errors name "coupon_ids[i]". */
int coupon_redeem(yt_ctx *x, int64_t customer, const int64_t *held, int nheld, const coupon_line *lines, int nlines,
                  int64_t order_id, int64_t *discount);
/* Gives an order's coupons back (the order was cancelled unpaid, or refunded in full). */
int coupon_return(yt_ctx *x, int64_t order_id);

#endif
