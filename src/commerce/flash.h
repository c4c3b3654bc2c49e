/* Flash sales (秒杀): the activity's stock and each buyer's count held in memory, where an order is reserved
 * or refused at once; reserved orders are written by one committer thread many to a transaction (one fsync
 * acknowledges them all), and only then answered. Unpaid orders give their stock back after the payment
 * window. At start every counter is rebuilt from the orders in the store, so after a crash (kill -9) stock
 * left = activity stock - paid - pending, counting only orders that were acknowledged. */
#ifndef YT_FLASH_H
#define YT_FLASH_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include "../store/store.h"

#define FLASH_QTY_MAX 1000             /* one order */
#define FLASH_PAY_WINDOW_MS 300000     /* unpaid orders give their stock back after 5 minutes by default */

typedef struct flash_engine flash_engine;

/* Loads every flash sale and its orders, and starts the committer and the sweeper that closes unpaid orders.
 * NULL (logged) on a store error. */
flash_engine *flash_start(yt_store *store);
/* Writes out what is queued, answers it, and stops the threads. NULL is fine. */
void flash_stop(flash_engine *f);

typedef struct {
    const char *name;
    int64_t sku_id, price, stock, per_customer_limit, starts_at, ends_at, pay_window_ms;
} flash_input;

/* Checks, takes the activity's stock from the SKU (a stock move), stores and starts holding the sale. */
int flash_sale_create(flash_engine *f, yt_ctx *x, const flash_input *in, int64_t *id);
/* {id, name, sku_id, price, stock, per_customer_limit, starts_at, ends_at, pay_window_ms, stock_left,
 * orders: {pending, paid, released, quantity_pending, quantity_paid}}; YT_ENOTFOUND when there is none. */
int flash_sale_write_json(flash_engine *f, yt_ctx *x, yt_jw *w, int64_t id);
int flash_sale_list_json(flash_engine *f, yt_ctx *x, yt_jw *w, int limit, int64_t cursor);
/* What the sale brought: participants (customers who ordered), entries (orders placed), and the paid orders,
 * their buyers, GMV and refunds (activity_stats_json in mall_order.h); 404 when there is none. */
int flash_sale_stats_json(yt_ctx *x, yt_jw *w, int64_t id);

/* An order's outcome, given to the callback after the commit (on the committer thread). */
typedef struct {
    int rc;              /* YT_OK; YT_ECONFLICT (refused by the store: refusal says why); or a store error */
    const char *refusal; /* "sold-out" or "limit-reached" when another instance's orders came first */
    int64_t order_id, customer_id, quantity, total, pay_by;
} flash_outcome;
typedef void (*flash_done_fn)(void *arg, const flash_outcome *o);

/* Reserves quantity of sale for customer (a live customer id) at once, or refuses: YT_ENOTFOUND (no such
 * sale), YT_ECONFLICT with err->field "sold-out" or "limit-reached", YT_EINVAL (not started, over, or a
 * quantity out of range). On YT_OK the order is queued and done(arg, ...) runs once it is committed. */
int flash_order(flash_engine *f, int64_t sale_id, int64_t customer_id, int64_t quantity, int64_t staff_id,
                flash_done_fn done, void *arg, yt_err *err);

/* A sale's units left and how many customer holds in pending and paid orders (0 for nobody), read from the
 * counters orders are reserved against; false when the engine holds no such sale. */
bool flash_sale_counts(flash_engine *f, int64_t sale_id, int64_t customer, int64_t *left, int64_t *mine);

/* A payment for one of the engine's pending orders was recorded (the sale's counts move); and an order it
 * had was closed unpaid by someone else. */
void flash_order_paid(flash_engine *f, int64_t sale_id, int64_t quantity);

#endif
