/* The overview a boss reads at a glance: customers by lifecycle stage and store, orders, repurchase, recent activity. */
#ifndef YT_OVERVIEW_H
#define YT_OVERVIEW_H
#include "../base/json.h"
#include "../domain/ctx.h"

/* Writes the overview for the customers the actor may see (a guide: their own). now_ms anchors "last 7 days". */
int overview_json(yt_ctx *x, yt_jw *w, int64_t now_ms);

#endif
