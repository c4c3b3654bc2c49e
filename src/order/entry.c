/* Orders (imported platform orders; the commerce issue grows them): the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const customer_keyed keyed[] = {
    {"orders", "customer_id", "UPDATE orders SET customer_id = ? WHERE customer_id = ?", NULL, 0,
     "orders stay for the brand's books, linked to the anonymous shell; their keys hold no buyer id", NULL, NULL},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"GET", "/api/v1/customers/{id}/orders", h_customer_orders, P(CUSTOMERS_READ), 0, "order.list", 0},
    /* ROUTE_READER: an import takes the writer one chunk at a time (importer.h) */
    {"POST", "/api/v1/import/orders", h_import_orders, P(IMPORT_RUN), ROUTE_UPLOAD | ROUTE_READER, "order.import",
     API_UPLOAD_LIMIT},
};

const yt_module order_module = {
    .name = "order",
    .keyed = keyed, .nkeyed = YT_COUNT(keyed),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
