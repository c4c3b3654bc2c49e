/* Health, metrics and the audit log: the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const yt_perm perms[] = {
    {"audit.read", PERM_AUDIT_READ, "analyst"},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"GET", "/healthz", h_healthz, 0, ROUTE_PUBLIC | ROUTE_NO_DATA, "health.live", 0},
    {"GET", "/readyz", h_readyz, 0, ROUTE_PUBLIC | ROUTE_NO_DATA, "health.ready", 0},
    {"GET", "/metrics", h_metrics, 0, ROUTE_PUBLIC | ROUTE_NO_DATA, "metrics.get", 0},
    {"GET", "/api/v1/audit", h_audit_list, P(AUDIT_READ), 0, "audit.list", 0},
};

const yt_module ops_module = {
    .name = "ops",
    .perms = perms, .nperms = YT_COUNT(perms),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
