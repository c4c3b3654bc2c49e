/* Demo data: a believable brand (stores, staff, customers with Chinese names, tags, orders, events). Deterministic. */
#ifndef YT_DEMO_H
#define YT_DEMO_H
#include "../domain/ctx.h"

/* True when the database has no customers yet. */
bool demo_needed(yt_ctx *x);
/* Seeds the demo brand. orders_csv NULL finds data/cdnow/master.csv beside the binary or the sources. */
int demo_seed(yt_ctx *x, const char *orders_csv);

#endif
