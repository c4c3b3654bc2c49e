/* What the audience index tells about everyone and about one customer: the RFM grid and groups, the
 * lifetime-value distribution, one customer's scores and predictions. Guides see only their customers. */
#ifndef YT_AUDIENCE_REPORT_H
#define YT_AUDIENCE_REPORT_H
#include "../base/json.h"
#include "index.h"

/* {buyers, means, grid: [{r, f, count}] (25 cells), groups: [{name, count, mean_spend}]} */
int audience_rfm_json(audience *a, yt_ctx *x, yt_jw *w);
/* {model | null, customers, p_alive: [{from, to, count}], value_90d: [{from, to, count}], value_90d_total, p_alive_mean} */
int audience_clv_json(audience *a, yt_ctx *x, yt_jw *w);
/* {rfm: {r, f, m, group} | null, clv: {p_alive, expected_orders_90d, value_90d} | null, spend_90d, orders, ...} */
int audience_customer_json(audience *a, yt_ctx *x, yt_jw *w, int64_t id);

/* Payback (变现周期) of an acquisition channel: what a customer cost against the margin the lifetime-value
 * model expects from them each month. The acquisition module will supply channels (members and costs); today
 * the caller gives the members as a segment. */
typedef struct {
    const char *name;
    int64_t cost_fen;             /* spent on the channel */
    const roaring_bitmap_t *members; /* the customers it brought */
} payback_channel;

typedef struct {
    int64_t customers, cac_fen;   /* cac: cost per customer */
    double monthly_margin_fen;    /* expected 90-day value / 3 x margin rate, per customer */
    double months;                /* cac / monthly margin; NAN when the margin is 0 */
} payback_result;

void audience_payback(audience *a, const payback_channel *c, double margin_rate, payback_result *out);

#endif
