/* Flash sales (秒杀). An instance leases blocks of a sale's stock from the store and holds them in memory,
 * with each buyer's count, where an order is reserved at once (or refused: over the limit, or sold out when
 * the store had nothing left to lease). One committer thread writes the reserved orders many to a
 * transaction, and they are answered once a sync of the store has made it durable (one fsync acknowledges
 * every group committed meanwhile). In that transaction the store
 * decides: each buyer's units in a sale (flash_buyers) never pass the limit, and an instance's orders never
 * take more than its lease (flash_leases), topped up from the sale's pool (stock - taken) under the sale's
 * row lock only when it runs low. So several instances on one store never oversell, and a hot sale is not
 * a hot row. The orders go to the flash journal (flash_journal.h), filed into mall_orders once the sale is
 * quiet or anyone reads them. Unpaid orders give their units back after the payment window; an instance gives back a lease
 * it has not used for a while, and the whole of it when it stops; the lease of an instance not heard from
 * for the lease time (kill -9) goes back by itself. Stock left is counted from the orders, so after a crash
 * it is activity stock - paid - pending, counting only orders that were acknowledged. */
#ifndef YT_FLASH_H
#define YT_FLASH_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include "../store/store.h"

#define FLASH_QTY_MAX 1000             /* one order */
#define FLASH_PAY_WINDOW_MS 300000     /* unpaid orders give their stock back after 5 minutes by default */

#define FLASH_LEASE_TTL_MS 15000       /* a lease whose instance has not renewed it for this long goes back */
#define FLASH_LEASE_IDLE_MS 3000       /* an instance gives back a lease no order has used for this long */
#define FLASH_FILE_IDLE_MS 50          /* the journal is filed once no order has come for this long */
#define FLASH_GATHER_US 1000           /* under load, a group gathers orders for this long before it is written */
#define FLASH_GATHER_FULL 128          /* ... or until this many are queued, when the last group was written */
#define FLASH_GATHER_RECENT_MS 100     /* this long ago at most (else the load is over and an order goes at once) */

typedef struct flash_engine flash_engine;

typedef struct {
    char instance[224]; /* this instance's name among those on the store (its host and listening address) */
    int lease_ttl_ms, lease_idle_ms, file_idle_ms; /* 0: the defaults above */
    int gather_us;       /* 0: every group is written as soon as the last one is (the server passes FLASH_GATHER_US) */
    int gather_siblings; /* a group gathers after one of at least this many orders (0: 16; PostgreSQL's commit_siblings) */
} flash_config;

/* Gives back what an earlier run under the same instance name left on lease, loads every flash sale and its
 * buyers' counts, and starts the committer and the sweeper. NULL (logged) on a store error. */
flash_engine *flash_start(yt_store *store, const flash_config *cfg);
/* Writes out what is queued, answers it, stops the threads and gives back every leased unit. NULL is fine. */
void flash_stop(flash_engine *f);

typedef struct {
    const char *name;
    int64_t sku_id, price, stock, per_customer_limit, starts_at, ends_at, pay_window_ms;
} flash_input;

/* Checks, takes the activity's stock from the SKU (a stock move), stores and starts holding the sale. */
int flash_sale_create(flash_engine *f, yt_ctx *x, const flash_input *in, int64_t *id);
/* {id, name, sku_id, price, stock, per_customer_limit, starts_at, ends_at, pay_window_ms, state, stopped_at,
 * stock_left, stock_returned, closed_at (a sale over, its leases back and no order pending is closed: what no
 * order holds goes back to the SKU),
 * orders: {pending, paid, released, quantity_pending, quantity_paid}, leases: [{instance, held, renewed_at}]};
 * YT_ENOTFOUND when there is none. The list's items have no leases. */
int flash_sale_write_json(yt_ctx *x, yt_jw *w, int64_t id);
int flash_sale_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor);
/* What the sale brought: participants (customers who ordered), entries (orders placed), and the paid orders,
 * their buyers, GMV and refunds (activity_stats_json in mall_order.h); 404 when there is none. */
int flash_sale_stats_json(yt_ctx *x, yt_jw *w, int64_t id);
/* Stops a sale that is running or still to come: its end becomes now, so no order is taken after it, here at
 * once and on every other instance from its next group (whose orders reserved after the stop are refused as
 * over); orders already taken keep their payment window. A sale already stopped or over is left as it is.
 * YT_ENOTFOUND when there is none. */
int flash_sale_stop(flash_engine *f, yt_ctx *x, int64_t id);

/* An order's outcome, given to the callback after the commit (on the committer thread). */
typedef struct {
    int rc;              /* YT_OK; YT_ECONFLICT (refused by the store: refusal says why); the customer's refusal
                          * (refusal "customer": err's code, which may be a 409 too); or a store error */
    const char *refusal; /* "sold-out" (the lease and the pool could not cover it), "limit-reached" (the buyer's
                          * row), "over" (the sale was stopped, on another instance, before the order came) or
                          * "customer" (err says why: no such customer for the caller, an erased one, or not the
                          * member's own); with a store error, "not-durable" when the order was written but its
                          * sync failed */
    yt_err err;
    int64_t order_id, customer_id, quantity, total, pay_by; /* customer_id: the live one the order went to */
} flash_outcome;
typedef void (*flash_done_fn)(void *arg, const flash_outcome *o);

/* Reserves quantity of sale for customer (the id as given, for who) at once, or refuses: YT_ENOTFOUND (no
 * such sale), YT_ECONFLICT with err->field "sold-out" or "limit-reached", 422 (not started or over), YT_EINVAL
 * (a quantity out of range). On YT_OK the order is queued and done(arg, ...) runs once it is committed. The
 * customer is followed and checked in the transaction that writes the order (customer_resolve_for_write with
 * who's access; a member orders for themselves only), so no merge or erasure can come between the check and
 * the write, and the request's thread reads nothing from the store. */
int flash_order(flash_engine *f, int64_t sale_id, int64_t customer_id, int64_t quantity, const yt_actor *who,
                flash_done_fn done, void *arg, yt_err *err);

#endif
