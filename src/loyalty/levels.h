/* Member levels (会员等级) by growth value (成长值), with their benefits (a member price, free shipping,
 * after-sales priority, a birthday coupon), and member day (会员日): a day of the month whose benefits (a
 * further discount, points multiplied) apply by themselves. */
#ifndef YT_LEVELS_H
#define YT_LEVELS_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include "../store/store.h"

#define LEVELS_MAX 20

typedef struct {
    int64_t level;                 /* 1, 2, ... in order of growth */
    const char *name;
    int64_t growth_min;            /* level 1 starts at 0 */
    int64_t discount_percent;      /* the member price: this percent of the list price (100: none) */
    bool free_shipping;
    int64_t after_sales_priority;  /* after-sales tickets are served higher first */
    int64_t birthday_coupon_id;    /* granted on the birthday, once a year (0: none) */
} member_level;

typedef struct {
    member_level levels[LEVELS_MAX];
    int n;
    char names[LEVELS_MAX][64]; /* the storage levels[i].name points into */
} member_levels;

int member_levels_get(yt_ctx *x, member_levels *out);
/* Checks (level 1 from growth 0, growth rising with level, names, discounts 1-100, coupons that exist) and
 * replaces the levels; every customer's level follows the new thresholds. Audited. */
int member_levels_put(yt_ctx *x, const member_levels *in);
void member_levels_write_json(yt_jw *w, const member_levels *l);

/* What a customer gets now: their level's benefits, with member day's applied when today is member day. */
typedef struct {
    int64_t level, discount_percent, points_multiplier, after_sales_priority;
    bool free_shipping, member_day;
} member_benefits;
int member_benefits_get(yt_ctx *x, int64_t customer, member_benefits *b);

/* Adds growth (negative: takes it, never below 0) inside the caller's transaction; the level follows. */
int member_growth_add(yt_ctx *x, int64_t customer, int64_t delta);

/* Grants each level's birthday coupon to the customers whose birthday is today (Asia/Shanghai), once a year
 * each, whichever instance runs it; at most once an hour per process. */
void birthday_coupons_due(yt_store *store);
/* The same, now. */
void birthday_coupons_grant(yt_store *store);
/* Its query (params: now, now, "-MM-DD", year), for the test that it reads through the birthday index. */
extern const char birthday_due_sql[];

#endif
