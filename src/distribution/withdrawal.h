/* Withdrawals (提现): a distributor asks for part of their withdrawable balance, which is set aside at once (never
 * below zero, however many ask at the same time); a staff member approves it (paid out off the system, recorded
 * with the payout's reference) or rejects it (the amount returns to the balance). Every step is audited. */
#ifndef YT_WITHDRAWAL_H
#define YT_WITHDRAWAL_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include <stdint.h>

#define WITHDRAWAL_MAX 100000000LL /* fen: a million yuan at a time */

/* The amount leaves the withdrawable balance in one conditional UPDATE. 400 on "amount" below the brand's
 * minimum or above WITHDRAWAL_MAX; 409 on "amount" beyond the balance; 404 when the customer is no distributor. */
int withdrawal_request(yt_ctx *x, int64_t customer, int64_t amount, int64_t *id);
/* pending -> paid. payout_ref (up to 100 characters) and note (up to 200) may be NULL. 404 unknown; 409 on
 * "status" when it is decided already. */
int withdrawal_approve(yt_ctx *x, int64_t id, const char *payout_ref, const char *note);
/* pending -> rejected with a reason (1 to 200 characters); the amount returns to the balance (paying off what the
 * distributor owes first). 404 unknown; 409 on "status" when it is decided already. */
int withdrawal_reject(yt_ctx *x, int64_t id, const char *reason);
/* {id, customer_id, amount, status, requested_at, reviewed_at, payout_ref, note}; member non-zero: only theirs
 * (404 otherwise), without customer_id. */
int withdrawal_write_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t member);
/* A page of withdrawals, newest first; status NULL for all (else pending, paid or rejected: 400); member non-zero:
 * only theirs. */
int withdrawal_list_json(yt_ctx *x, yt_jw *w, const char *status, int64_t member, int limit, int64_t cursor);

#endif
