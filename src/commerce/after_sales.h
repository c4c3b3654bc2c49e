/* After-sales tickets (售后: 退货 return, 换货 exchange, 维修 repair) on paid mall orders, served in priority order:
 * a ticket takes its customer's member-level priority when it opens, and the queue is read highest first,
 * oldest first within a priority. */
#ifndef YT_AFTER_SALES_H
#define YT_AFTER_SALES_H
#include "../base/json.h"
#include "../domain/ctx.h"

/* Opens a ticket on an order (a member: only their own; 404 otherwise) that is paid, shipped or completed;
 * one open ticket per order (409 on "order_id"). kind: return, exchange or repair. */
int after_sale_open(yt_ctx *x, int64_t order_id, int64_t member, const char *kind, const char *reason, int64_t *id);
/* The order a ticket is about; YT_ENOTFOUND when there is no such ticket. */
int after_sale_order(yt_ctx *x, int64_t id, int64_t *order_id);
/* Closes an open ticket: status resolved or rejected, with what was done. */
int after_sale_resolve(yt_ctx *x, int64_t id, const char *status, const char *resolution);
/* The queue (status open: highest priority first, then oldest) or others (newest first), {items, next_cursor};
 * customer non-zero: only theirs. */
int after_sale_list_json(yt_ctx *x, yt_jw *w, const char *status, int64_t customer, int limit, const char *cursor);

#endif
