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

#endif
