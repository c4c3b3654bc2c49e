/* Red packets (红包): an amount in fen split into N packets of at least 1 fen each when the activity is made,
 * fixed (equal) or lucky (拼手气, random with libsodium's CSPRNG), the largest marked best luck; members claim
 * one each, the next unclaimed share taken atomically, so no more is ever paid out than the amount. A claim is
 * recorded as the customer's red-packet balance (red_packet_claims), which cannot be withdrawn yet. */
#ifndef YT_REDPACKET_H
#define YT_REDPACKET_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include <stdbool.h>
#include <stdint.h>

#define RED_PACKET_COUNT_MAX 10000
#define RED_PACKET_TOTAL_MAX 100000000LL /* fen: a million yuan */

/* ---- the split, apart from the store ---- */

/* Splits total fen into count shares written to amounts[0..count): every share at least 1 fen, their sum
 * exactly total. Fixed: total / count each, and the remainder one fen each to the first shares. Lucky ("double
 * mean"): each share but the last is drawn uniformly (CSPRNG) from 1 to twice the mean of what is left less
 * one, and never so much that a share still to come would get less than 1 fen; the last takes the rest.
 * Returns the index of the largest share (the first of equals: best luck), or -1 when count < 1 or
 * total < count (nothing written). */
int64_t red_packet_split(bool lucky, int64_t total, int64_t count, int64_t *amounts);

/* ---- red packets in the store ---- */

typedef struct {
    const char *name;
    const char *mode;   /* fixed | lucky */
    int64_t total, count, starts_at, ends_at;
} red_packet_input;

/* Checks (a 400 naming the field; a total below count is a 400 on total), splits, stores the packet with its
 * shares and audits it. */
int red_packet_create(yt_ctx *x, const red_packet_input *in, int64_t *id);
/* {id, name, mode, total, count, starts_at, ends_at, state, stopped_at, claimed: {count, amount}, best_luck: {customer_id,
 * amount, at} (once every share is claimed) or null, created_at}; 404 when none. */
int red_packet_write_json(yt_ctx *x, yt_jw *w, int64_t id);
/* Stops a running or upcoming packet now: its end becomes now, so nobody claims after it (422); claims made
 * stay. A packet already stopped or over is left as it is. Audited; 404 when none. */
int red_packet_stop(yt_ctx *x, int64_t id);
int red_packet_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor);
/* A page of the packet's claims, newest first: {items: [{id, customer_id, amount, best_luck, at}], next_cursor}. */
int red_packet_claims_json(yt_ctx *x, yt_jw *w, int64_t id, int limit, int64_t cursor);
/* What the packets brought: participants (customers who claimed; a merged person's two claims are one), entries
 * (claims), and their paid mall orders placed from their claim until ACTIVITY_ORDER_DAYS after the end, with
 * buyers, GMV and refunds (activity_stats_json in commerce/mall_order.h); 404 when there is none. */
int red_packet_stats_json(yt_ctx *x, yt_jw *w, int64_t id);

/* What a member sees: the packet, how many are claimed, their own claim and their red-packet balance. */
int red_packet_member_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t customer);

typedef struct {
    int64_t claim_id, amount;
    int best_luck;        /* 1 or 0 once every share is claimed; -1 while some are left (not told yet) */
    bool replay;          /* the customer had claimed it before: the same share */
    int64_t balance;      /* the customer's red-packet balance (every claim) after it */
} red_packet_claim_result;

/* A live customer claims their share, once per packet: the customer's row is locked first, a claim they made
 * before is answered again (replay), else the next unclaimed share is taken with a conditional UPDATE and the
 * claim recorded, in one transaction. 409 on "shares_left" when every share is claimed (sold out); 422 on
 * "red_packet" before the start or after the end (a replay is answered whenever); 404 for no such packet. */
int red_packet_claim(yt_ctx *x, int64_t id, int64_t customer, red_packet_claim_result *res);

#endif
