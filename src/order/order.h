/* Orders: the customer's purchases, imported from platforms today; the mall's own orders grow here. */
#ifndef YT_ORDER_H
#define YT_ORDER_H
#include "../base/json.h"
#include "../domain/ctx.h"

/* The orders that count as purchases (spend, order counts, RFM, lifetime value), as an SQL condition on
 * the orders table; prefix-free so that a join can say o.status instead (ORDER_COUNTS_ON). */
#define ORDER_COUNTS "status = 'paid'"
#define ORDER_COUNTS_ON(alias) alias ".status = 'paid'"

/* A page of the customer's orders, newest first. */
int order_list_json(yt_ctx *x, yt_jw *w, int64_t customer_id, int limit, int64_t cursor);
/* Every order of the customer as a JSON array, oldest first (the PIPL export). */
int order_all_json(yt_ctx *x, yt_jw *w, int64_t customer_id);

#endif
