/* Retail shops (the API calls them stores): the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const yt_perm perms[] = {
    {"stores.write", PERM_STORES_WRITE, ""},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"GET", "/api/v1/stores", h_shop_list, 0, 0, "store.list", 0},
    {"POST", "/api/v1/stores", h_shop_create, P(STORES_WRITE), ROUTE_JSON, "store.create", 0},
};

const yt_module shop_module = {
    .name = "shop",
    .perms = perms, .nperms = YT_COUNT(perms),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
