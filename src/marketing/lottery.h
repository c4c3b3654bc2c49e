/* Lotteries (抽奖): prizes with stock and integer weights (a 'none' prize is the chance of winning nothing),
 * an entry cost in points or a free daily quota, draws from libsodium's CSPRNG, prize stock never oversold,
 * and every draw kept as a row (the audit trail: the slot drawn, the random value and the weight it was
 * drawn over). */
#ifndef YT_LOTTERY_H
#define YT_LOTTERY_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include <stdbool.h>
#include <stdint.h>

#define LOTTERY_PRIZES_MAX 20
#define LOTTERY_WEIGHT_MAX 1000000       /* 20 prizes at most: the total stays far below 2^32 */
#define LOTTERY_STOCK_MAX 1000000
#define LOTTERY_COST_MAX 1000000         /* points a draw costs */
#define LOTTERY_PRIZE_POINTS_MAX 1000000
#define LOTTERY_FREE_PER_DAY_MAX 100
#define LOTTERY_DRAWS_PER_DAY_MAX 1000

/* ---- the draw rule, apart from the store ---- */

/* One prize as the draw sees it: its weight, and whether it can be drawn now (a stocked prize with stock
 * left, or a 'none' prize, which has no stock). */
typedef struct {
    uint32_t weight;
    bool available;
} lottery_slot;

/* The sum of the available slots' weights. */
uint32_t lottery_weight(const lottery_slot *slots, int n);
/* The available slot that value (0 <= value < lottery_weight) falls in, the slots laid end to end in order,
 * each as wide as its weight; -1 when value is past them all. Pure: the same value always picks the same slot. */
int lottery_pick(const lottery_slot *slots, int n, uint32_t value);
/* Draws value uniformly from [0, total) with the CSPRNG (libsodium randombytes_uniform: no modulo bias) and
 * picks its slot; -1 when no slot is available. *value and *total say what was drawn, for the record. */
int lottery_roll(const lottery_slot *slots, int n, uint32_t *value, uint32_t *total);

/* ---- lotteries in the store ---- */

typedef struct {
    const char *name;
    const char *kind;        /* points | coupon_placeholder | goods | none */
    int64_t points;          /* kind points: what the prize credits */
    int64_t stock;           /* every kind but none */
    int64_t weight;
    bool has_points, has_stock;
} lottery_prize_input;

typedef struct {
    const char *name;
    int64_t starts_at, ends_at;
    int64_t cost_points;       /* a draw beyond the free quota; 0: the lottery is free draws only */
    int64_t free_per_day;      /* free draws per customer per brand day (Asia/Shanghai) */
    int64_t max_draws_per_day; /* free and paid together, per customer per brand day; 0: no limit */
    lottery_prize_input prizes[LOTTERY_PRIZES_MAX];
    int nprizes;
} lottery_input;

/* Checks (a 400 naming the field, prizes as "prizes[i].weight"), stores and audits a lottery. */
int lottery_create(yt_ctx *x, const lottery_input *in, int64_t *id);
/* Stops draws for good (audited the first time; stopping a stopped lottery changes nothing). */
int lottery_stop(yt_ctx *x, int64_t id);
/* {id, name, starts_at, ends_at, state, cost_points, free_per_day, max_draws_per_day, stopped_at, created_at,
 * draws, prizes: [{id, name, kind, points, stock, stock_left, weight, probability, draws}]}; 404 when none. */
int lottery_write_json(yt_ctx *x, yt_jw *w, int64_t id);
int lottery_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor);
/* A page of the lottery's draws, newest first: {items: [{id, customer_id, prize, free, cost, weight_total,
 * random_value, day, at}], next_cursor}; 404 when there is no such lottery. */
int lottery_draws_json(yt_ctx *x, yt_jw *w, int64_t id, int limit, int64_t cursor);
/* What the lottery brought: participants (customers who drew), entries (draws), and their paid mall orders placed
 * from their first draw until ACTIVITY_ORDER_DAYS after the end, with buyers, GMV and refunds
 * (activity_stats_json in commerce/mall_order.h); 404 when there is none. */
int lottery_stats_json(yt_ctx *x, yt_jw *w, int64_t id);

/* What a member sees: the lottery, its prizes (with their configured probability and whether they can still
 * be drawn), the member's draws and free draws left today and their points. */
int lottery_member_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t customer);

typedef struct {
    int64_t draw_id;
    int64_t prize_id;          /* 0: nothing won (a 'none' prize was drawn) */
    char prize_name[256];
    const char *prize_kind;    /* static text; NULL when nothing was won */
    int64_t prize_points;
    bool free;
    int64_t cost;              /* points spent on this draw */
    int64_t balance;           /* the member's points after it */
    int64_t free_left;         /* free draws left today */
} lottery_draw_result;

/* One draw by a live customer, in one transaction: the customer's row is locked first (so one customer's
 * draws queue and the daily counts hold), a free draw is used while any is left today, else cost_points are
 * spent (409 on "points" when short; 409 limit-reached on "free_per_day" when the lottery takes no points,
 * on "max_draws_per_day" past the daily limit); the prize is drawn over the prizes that can be drawn; a
 * stocked prize's stock falls by a conditional UPDATE (stock_left > 0), and if another draw took the last one
 * first, that prize drops out and the draw is made again; a points prize is credited. 409 sold-out on "prizes"
 * when nothing at all can be drawn (no stock left and no 'none' prize). 422 on "lottery" before the start,
 * after the end or once stopped; 404 for no such lottery. */
int lottery_draw(yt_ctx *x, int64_t id, int64_t customer, lottery_draw_result *res);

#endif
