/* Request and store metrics: counters and latency histograms, rendered as Prometheus text. */
#ifndef YT_METRICS_H
#define YT_METRICS_H
#include "buf.h"
#include <stdbool.h>
#include <stdint.h>

/* Makes room for n route labels (the route table's size plus its extra labels), once at start, so
 * the counters always follow the table however long it grows. */
void metrics_init(int n);
/* Route labels are registered once at start: index i (below n) is the route's method and path pattern. */
void metrics_register_route(int i, const char *method, const char *name);
void metrics_observe_request(int route, int status, uint64_t ns);
void metrics_observe_store(uint64_t ns);
/* A sync of the store's log made commits durable (commits: how many), or failed (ok false). */
void metrics_observe_sync(bool ok, uint64_t commits);
/* A checkpoint copied the store's log into the database. */
void metrics_count_checkpoint(void);
/* Checkpoints so far (for a test of how often they run). */
uint64_t metrics_checkpoints(void);
/* The flash committer took a group of orders to write (orders: how many it holds). */
void metrics_count_flash_group(uint64_t orders);
/* Groups so far, and (when orders is not NULL) the orders they held (for a test of how they gather). */
uint64_t metrics_flash_groups(uint64_t *orders);
/* An answer waited for a sync before it was sent. */
void metrics_count_held_answer(void);
void metrics_render(yt_buf *out);

#endif
