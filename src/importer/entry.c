/* CSV imports and the customer export: the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const yt_perm perms[] = {
    {"import.run", PERM_IMPORT_RUN, "operator"},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"POST", "/api/v1/import/customers", h_import_customers, P(IMPORT_RUN) | P(CUSTOMERS_WRITE), ROUTE_UPLOAD | ROUTE_READER,
     "customer.import", API_UPLOAD_LIMIT},
    {"GET", "/api/v1/export/customers", h_export_customers, P(CUSTOMERS_READ), ROUTE_WRITER, "customer.export_all", 0},
};

const yt_module importer_module = {
    .name = "importer",
    .perms = perms, .nperms = YT_COUNT(perms),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
