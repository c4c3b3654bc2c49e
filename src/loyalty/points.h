/* Points (积分): one ledger per customer. Every change is a row (earned on orders, check-ins and tasks; spent in
 * the mall, on lotteries and make-up check-ins; given or taken by hand; expired), and the balance on the
 * customer row moves with it in the same transaction, never below 0. Earned points are lots that expire
 * after the brand's period; spending takes the lots that expire first. */
#ifndef YT_POINTS_H
#define YT_POINTS_H
#include "../base/json.h"
#include "../domain/ctx.h"

#define POINTS_DELTA_MAX 100000000LL /* one change: a hundred million points */

/* The brand's rules for points and check-ins (one row, loyalty_settings; check-in streaks in their own table). */
#define CHECKIN_STREAKS_MAX 10
typedef struct {
    int64_t points_per_yuan;     /* earned per yuan of a paid mall order (0: none) */
    int64_t expire_days;         /* earned points expire this many days later (0: never) */
    int64_t checkin_points;      /* a day's check-in */
    int64_t makeup_cost;         /* points a make-up check-in costs */
    int64_t makeup_days;         /* how many days back a make-up may go (0: none) */
    int64_t redeem_per_yuan;     /* points that pay one yuan of an order (0: points pay nothing) */
    int64_t redeem_max_percent;  /* at most this share of an order (after coupons) paid with points */
    int64_t growth_per_yuan;     /* growth value (成长值) a paid yuan adds; levels follow growth */
    int64_t member_day;          /* the day of the month that is member day (会员日), 1-28; 0: none */
    int64_t member_day_points_multiplier; /* points earned on member day are multiplied by this */
    int64_t member_day_discount_percent;  /* and prices are this percent on member day (100: no discount) */
    struct {
        int64_t days, points;    /* a run of `days` check-ins in a row earns `points`, once per run */
    } streaks[CHECKIN_STREAKS_MAX];
    int nstreaks;
} loyalty_settings;

int loyalty_settings_get(yt_ctx *x, loyalty_settings *s);
/* Checks and replaces the settings, audited. */
int loyalty_settings_put(yt_ctx *x, const loyalty_settings *s);
void loyalty_settings_write_json(yt_jw *w, const loyalty_settings *s);

/* Why points move; the ledger keeps the name. */
typedef enum { POINTS_ORDER, POINTS_CHECKIN, POINTS_STREAK, POINTS_TASK, POINTS_ADJUST, POINTS_MALL, POINTS_LOTTERY,
               POINTS_MAKEUP, POINTS_REFUND, POINTS_EXPIRE, POINTS_REDEEM, POINTS_RETURN } points_reason;
const char *points_reason_name(points_reason r);
/* POINTS_ADJUST and POINTS_TASK by name ("adjust", "task"): the reasons a person may give by hand; -1 otherwise. */
int points_reason_manual(const char *name);

/* Moves a live customer's points by delta (non-zero) for reason, with ref (what caused it: "mall_order:12")
 * and, for earnings, the brand's expiry. Inside the caller's transaction or its own. A spend beyond the
 * balance is a 409 on "points"; nothing changes; earning for a customer merged away or erased is a 404.
 * *entry: the ledger row's id (may be NULL). */
int points_change(yt_ctx *x, int64_t customer, int64_t delta, points_reason reason, const char *ref, int64_t *entry);

/* {customer_id, balance, expiring: {points, at} (the next lot to expire) or null}. */
int points_balance_json(yt_ctx *x, yt_jw *w, int64_t customer);
/* A page of the ledger, newest first: {items: [{id, delta, balance_after, reason, ref, expires_at, at}], next_cursor}. */
int points_ledger_json(yt_ctx *x, yt_jw *w, int64_t customer, int limit, int64_t cursor);
/* Expires lots past their time (at most 500 per call), each an "expire" row; at most once a minute per
 * process, on the back of requests that write points (x holds the writer). */
void points_expire_due(yt_ctx *x);

#endif
