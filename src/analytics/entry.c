/* The overview figures: the module entry. */
#include "../module.h"
#include "../api/handlers.h"

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"GET", "/api/v1/stats/overview", h_stats_overview, P(CUSTOMERS_READ), 0, "overview.get", 0},
};

const yt_module analytics_module = {
    .name = "analytics",
    .routes = routes, .nroutes = YT_COUNT(routes),
};
