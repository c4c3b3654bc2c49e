/* The brand's distribution (分销) settings: one row, read by binding, commissions, their release and withdrawals. */
#ifndef YT_DISTRIBUTION_SETTINGS_H
#define YT_DISTRIBUTION_SETTINGS_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include <stdbool.h>
#include <stdint.h>

#define DISTRIBUTION_LEVELS 2 /* commissions are paid at one or two levels, never more (deeper chains are unlawful) */
#define DAY_MS_DIST 86400000LL

typedef struct {
    bool enabled;             /* off: no binding, no applications, no new commissions (frozen ones still release) */
    const char *binding_mode; /* "first": a binding stays until it expires; "last": a new share replaces it */
    int64_t binding_days;     /* a binding lasts this many days (0: forever) */
    const char *rate_unit;    /* "percent" or "permille": what the rates are counted in */
    int64_t rates[DISTRIBUTION_LEVELS]; /* level 1 (the buyer's distributor), level 2 (that distributor's own) */
    int64_t settle_days;      /* the after-sales window: commissions stay frozen this many days after the order completes */
    int64_t withdraw_min;     /* the smallest withdrawal, fen */
    int64_t rule_min_spend;   /* a customer whose paid spend reaches this (fen) becomes a distributor without review (0: no such rule) */
    int64_t rule_tag_id;      /* so does a customer with this tag (0: no such rule) */
} distribution_settings;

/* The settings; the string members point at constants. */
int distribution_settings_get(yt_ctx *x, distribution_settings *s);
/* Checks (a 400 naming the field) and replaces the settings, audited. The string members may point anywhere. */
int distribution_settings_put(yt_ctx *x, const distribution_settings *s);
void distribution_settings_write_json(yt_jw *w, const distribution_settings *s);
/* What the rates are divided by: 100 (percent) or 1000 (per mille). */
int64_t distribution_scale(const distribution_settings *s);
/* True when first touch (a binding, once made, stays until it expires). */
bool distribution_first_touch(const distribution_settings *s);

#endif
