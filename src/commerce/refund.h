/* Refunds (退款) of paid mall orders, in full or of some units: the money owed back in proportion to what was
 * paid, the stock back (unless the goods are not coming back), the points paid with back, the points the order
 * earned taken back (never below a zero balance), and the coupons back once the whole order is refunded. The
 * order's row in `orders` shrinks with it, so RFM and lifetime value see the net. */
#ifndef YT_REFUND_H
#define YT_REFUND_H
#include "../base/json.h"
#include "../domain/ctx.h"

#define REFUND_LINES_MAX 20

typedef struct {
    int64_t item_id, quantity; /* item 0: a flash order's one line */
} refund_line;

typedef struct {
    refund_line lines[REFUND_LINES_MAX]; /* none: every unit not yet refunded */
    int nlines;
    const char *reason;
    bool restock;
} refund_input;

typedef struct {
    int64_t refund_id, amount, quantity, points_returned, points_clawed;
    bool full, coupons_returned;
} refund_result;

/* Refunds in one transaction. 404 unknown order; 409 on "status" when it is not paid, shipped or completed;
 * 400 naming "lines[i].item_id" or "lines[i].quantity" (more than is left to refund). A refund through the
 * sandbox is settled at once; one through WeChat Pay waits for its REFUND.SUCCESS notification. */
int mall_refund(yt_ctx *x, int64_t order_id, const refund_input *in, refund_result *res);
/* The order's refunds, oldest first, as a JSON array. */
int mall_refunds_json(yt_ctx *x, yt_jw *w, int64_t order_id);
/* One of the order's refunds as a JSON object; 404 when the order has no such refund. */
int mall_refund_json(yt_ctx *x, yt_jw *w, int64_t order_id, int64_t refund_id);
/* A provider settled a round of a refund (round: 1, or the round asked for again): succeeded, or failed (closed,
 * abnormal), with what it said (provider_status, e.g. "CLOSED"; NULL: kept). amount (fen, or -1 when the
 * provider did not say) must be the refund's, else a 400 on "refund_amount", logged. Settling again, or an
 * earlier round's failure, changes nothing (*replay); an earlier round's success settles the refund still
 * pending (logged when its current round was asked for already: the money may go twice). 404 on
 * "out_refund_no" for an unknown refund. */
int mall_refund_settle(yt_ctx *x, int64_t refund_id, int64_t round, bool succeeded, const char *provider_status, int64_t amount,
                       bool *replay);
/* A WeChat Pay refund that WeChat Pay closed or refused asked for again: pending once more in its next round
 * (a new out_refund_no, so WeChat Pay takes it as a new refund), for the refund submitter to ask. What it
 * gave back stays given. 404 when the order has no such refund; 409 on "provider" for another provider's,
 * on "status" unless it failed, on "provider_status" for one that failed otherwise (ABNORMAL: WeChat Pay's
 * to pay out another way, mall_refund_abnormal_applied). Audited. */
int mall_refund_ask_again(yt_ctx *x, int64_t order_id, int64_t refund_id);
/* Whether a refund of the order may be paid out another way (WeChat Pay's abnormal refund): a failed WeChat Pay
 * refund WeChat Pay said is ABNORMAL; its current round into *round. 404 when the order has no such refund; 409
 * on "provider", "status" or "provider_status" otherwise. Reads only. */
int mall_refund_abnormal_of(yt_ctx *x, int64_t order_id, int64_t refund_id, int64_t *round);
/* WeChat Pay took a round's abnormal refund (type, and bank_type or NULL), answering provider_status: the refund
 * is pending in that round again (PROCESSING: till its notification or the refund query), or settled now by a
 * final answer. 409 on "status" (logged) when the refund changed meanwhile. Audited with the type and bank,
 * never the card's number or holder. */
int mall_refund_abnormal_applied(yt_ctx *x, int64_t order_id, int64_t refund_id, int64_t round, const char *type, const char *bank_type,
                                 const char *provider_status);
/* A failed refund (WeChat Pay closed or refused it) whose money the brand returned by hand: status
 * settled_by_hand, with the staff member's note. 404 when the order has no such refund; 409 on "status" unless
 * it failed; settling it again changes nothing (*replay). Audited. */
int mall_refund_settle_by_hand(yt_ctx *x, int64_t order_id, int64_t refund_id, const char *note, bool *replay);

#endif
