/* Commissions (佣金): when a bound member's mall order is paid, the buyer's distributor (level 1) and that
 * distributor's own distributor (level 2) earn the brand's rates of the amount paid, never a third level. They start
 * frozen; once the order has completed and the after-sales window has passed they are released to the distributor's
 * withdrawable balance by the beat (cli/beat.c). A refund reverses them in proportion: from the frozen amount, or,
 * once released, from the withdrawable balance, and what that cannot cover is owed and taken from later releases. */
#ifndef YT_COMMISSION_H
#define YT_COMMISSION_H
#include "settings.h"
#include "../base/json.h"
#include "../domain/ctx.h"
#include "../store/store.h"
#include <stdbool.h>
#include <stdint.h>

/* ---- the rules, apart from the store ---- */

/* A commission of base fen at rate / scale (scale 100: percent, 1000: per mille), rounded down to the fen. */
int64_t commission_amount(int64_t base, int64_t rate, int64_t scale);
/* How much of a commission of amount is reversed once refunded of the paid fen have been refunded: in proportion,
 * rounded down, and all of it once everything is; never more than amount. */
int64_t commission_reversal(int64_t amount, int64_t refunded, int64_t paid);

/* One step up a buyer's chain of bindings: who the customer is bound to, and whether that one is an active
 * distributor. */
typedef struct {
    int64_t customer;
    bool active;
} commission_link;

/* The two-level rule: who earns at each level for a buyer whose chain upward is up[0..n) (up[0]: the buyer's own
 * distributor, up[1]: theirs, and so on). Level i + 1 goes to up[i] for i < DISTRIBUTION_LEVELS only, never
 * further, when that one is an active distributor, not the buyer and not a level below; a level-1 distributor who
 * is not active breaks the chain (nobody earns). out[i]: the customer, or 0 for nobody. Returns how many earn. */
int commission_levels(int64_t buyer, const commission_link *up, int n, int64_t out[DISTRIBUTION_LEVELS]);

/* ---- the order's life (inside the caller's transaction) ---- */

/* A mall order of the buyer was paid (paid fen): the brand's rule may make the buyer a distributor, and the
 * buyer's live binding chain earns frozen commissions (each level once per order). Nothing when distribution is off. */
int distribution_order_paid(yt_ctx *x, int64_t order_id, int64_t buyer, int64_t paid);
/* The order completed at completed_at: its frozen commissions are due settle_days later. */
int distribution_order_completed(yt_ctx *x, int64_t order_id, int64_t completed_at);
/* The order has had refunded of its paid fen refunded in all: each commission is reversed in proportion. */
int distribution_order_refunded(yt_ctx *x, int64_t order_id, int64_t refunded, int64_t paid);

/* Releases commissions that are due (at most 100 a call), each once however many instances sweep; a commission
 * whose order has an open after-sales ticket waits for it. Reads on this thread's connection and takes the writer
 * only when something is due. On the beat (cli/beat.c). */
void distribution_sweep(yt_store *store);
/* Releases one commission now if it is still frozen (the sweep's unit): 1 released, 0 not (another did), -1 error. */
int distribution_release(yt_ctx *x, int64_t commission_id);

/* Adds amount to a distributor's withdrawable balance, paying off what they owe first, and takes it from their
 * frozen amount (a release) or from what they are withdrawing (a refused withdrawal). An account that is gone (its
 * customer erased) takes nothing. Inside the caller's transaction. */
int distribution_credit(yt_ctx *x, int64_t customer, int64_t amount, bool from_frozen);

/* ---- reading ---- */

/* A page of commissions, newest first: {items: [{id, order_id, level, distributor_id, buyer_id, base, refunded,
 * rate, rate_unit, amount, reversed, status, release_at, released_at, created_at}], next_cursor}. Filters are 0 /
 * NULL for none; status: frozen, released or reversed (else 400). member non-zero: only theirs, without the buyer. */
int commission_list_json(yt_ctx *x, yt_jw *w, int64_t distributor, int64_t order_id, const char *status, int64_t member,
                         int limit, int64_t cursor);

/* The leaderboard: distributors ranked by commission earned (net of reversals) or by sales (level-1 amounts paid,
 * net of refunds) on commissions made in [from, to), top `limit`. Staff see ids and names; a member sees names
 * masked and which row is theirs (member non-zero). by: "commission" or "sales" (else 400). */
int distribution_leaderboard_json(yt_ctx *x, yt_jw *w, const char *by, int64_t from, int64_t to, int limit, int64_t member);

#endif
