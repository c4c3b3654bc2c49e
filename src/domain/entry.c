/* The change feed in-memory indexes follow: the module entry. */
#include "../module.h"

static const customer_keyed keyed[] = {
    /* the change feed names customers and kinds of change, nothing personal; followers read it in order */
    {"changes", "customer_id", NULL, NULL, 0, "a change holds only ids and a kind, and followers read the feed in order", NULL, NULL},
};

const yt_module changes_module = {
    .name = "changes",
    .keyed = keyed, .nkeyed = YT_COUNT(keyed),
};
