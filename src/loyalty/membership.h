/* Paid membership (付费会员): plans the brand sells (a price for a number of days at a member level), bought as a
 * mall order; once paid, the buyer holds the plan's level for its days (periods bought one after another run
 * one after another), and their benefits are the better of that level and the level their growth earned. A
 * refund ends the period it paid for, and the periods after it move up. */
#ifndef YT_MEMBERSHIP_H
#define YT_MEMBERSHIP_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include "../store/store.h"
#include <stddef.h>

#define PLAN_PRICE_MAX 100000000LL /* fen: a million yuan */
#define PLAN_DAYS_MAX 3660

typedef struct {
    const char *name;
    int64_t price, days, level; /* fen, days, a level of the ladder (member_levels) */
} member_plan_input;

/* Checks (name 1-40 characters, price 1 to PLAN_PRICE_MAX fen, days 1 to PLAN_DAYS_MAX, a level the ladder
 * has) and makes the plan, on sale. Audited. */
int member_plan_create(yt_ctx *x, const member_plan_input *in, int64_t *id);
/* The members given change: name and status ("on"/"off") when not NULL, price, days and level when not -1.
 * Orders already made keep the price they were made at; a paid order, the days and level it bought. Audited. */
typedef struct {
    const char *name, *status;
    int64_t price, days, level;
} member_plan_patch;
int member_plan_update(yt_ctx *x, int64_t id, const member_plan_patch *in);
/* Plans newest first; on_only: only those on sale (what members see). */
int member_plan_list_json(yt_ctx *x, yt_jw *w, bool on_only, int limit, int64_t cursor);
int member_plan_json(yt_ctx *x, yt_jw *w, int64_t id);

/* A pending mall order (kind "membership", one line, no SKU) for a plan on sale, for a live customer, to pay
 * within pay_window_ms. 404 for no plan, 409 on status for a plan off sale. Audited. */
typedef struct {
    int64_t order_id, total, pay_by;
} membership_order_result;
int member_plan_order(yt_ctx *x, int64_t plan, int64_t customer, int64_t pay_window_ms, membership_order_result *res);

/* Inside the payment's transaction: the period the order bought, from the end of the customer's last period
 * still to come (or from now), and the order completed (nothing ships). */
int membership_order_paid(yt_ctx *x, int64_t order_id, int64_t customer, int64_t now);
/* Inside a full refund's transaction: the order's period ends now (or never starts), and the customer's later
 * periods move up by what it gave back. */
int membership_order_refunded(yt_ctx *x, int64_t order_id, int64_t now);

/* A merge's part (the memberships entry's merge_fn): when the survivor holds a period now or to come, the
 * absorbed record's periods still to run follow on after the survivor's last, one after another in the order
 * they would have run, each with the time it had left (a period running now, what remained of it), so no paid
 * day is lost to two periods running side by side. Its periods that ended stay as they were; the entry's
 * merge_sql moves them. */
int membership_merge(yt_ctx *x, int64_t survivor, int64_t absorbed);
/* The level the customer's paid membership holds now (0: none), and (when until is not NULL) until when. */
int membership_level_now(yt_ctx *x, int64_t customer, int64_t now, int64_t *level, int64_t *until);
/* {items, next_cursor}: the customer's periods, newest first (plan, level, from, until, ended early). */
int membership_periods_json(yt_ctx *x, yt_jw *w, int64_t customer, int limit, int64_t cursor);
/* {level, level_name, until} of the membership held now, or null; the value only (the caller writes the key). */
int membership_now_json(yt_ctx *x, yt_jw *w, int64_t customer);

/* Paid levels change with time, not only with writes: the customers with a period that began or ended in
 * (since, until] get a customer.updated change, so the audience index reads their paid level again
 * (segments on paid_level and paid_until). *customers: how many. */
int membership_transitions(yt_ctx *x, int64_t since, int64_t until, size_t *customers);
/* On the beat (cli/beat.c): membership_transitions since the last time, at most every
 * MEMBERSHIP_TRANSITIONS_MS (the first time, since a minute before: telling a customer twice costs a re-read,
 * missing one a stale index). */
#define MEMBERSHIP_TRANSITIONS_MS 10000
void membership_transitions_due(yt_store *store);

#endif
