/* Customers: profiles, identities, remarks, merge and erasure: the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const customer_keyed keyed[] = {
    {"identities", "customer_id", "UPDATE identities SET customer_id = ? WHERE customer_id = ?",
     "DELETE FROM identities WHERE customer_id = ?", 1, NULL, NULL, NULL},
    {"remarks", "customer_id", "UPDATE remarks SET customer_id = ? WHERE customer_id = ?",
     "DELETE FROM remarks WHERE customer_id = ?", 1, NULL, NULL, NULL},
    /* stored Idempotency-Key answers may hold the profile; answers about records merged into this one
     * (before merges moved them) hold old copies */
    {"idempotency_keys", "customer_id", "UPDATE idempotency_keys SET customer_id = ? WHERE customer_id = ?",
     "DELETE FROM idempotency_keys WHERE customer_id = ? OR customer_id IN (SELECT id FROM customers WHERE merged_into = ?)",
     2, NULL, NULL, NULL},
    /* records merged into the absorbed one now point at the survivor; an erasure blanks them with it */
    {"customers", "merged_into", "UPDATE customers SET merged_into = ? WHERE merged_into = ?", NULL, 0,
     "the record and those merged into it stay as anonymous shells (customer_erase blanks them)", NULL, NULL},
};

static const yt_perm perms[] = {
    {"customers.read", PERM_CUSTOMERS_READ, "operator,editor,guide,service,analyst"},
    {"customers.write", PERM_CUSTOMERS_WRITE, "operator,guide,service"},
    {"pii.read", PERM_PII_READ, ""},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"GET", "/api/v1/customers", h_customer_list, P(CUSTOMERS_READ), 0, "customer.list", 0},
    {"POST", "/api/v1/customers", h_customer_create, P(CUSTOMERS_WRITE), ROUTE_JSON, "customer.create", 0},
    {"POST", "/api/v1/customers/bulk/transfer", h_customer_bulk_transfer, P(CUSTOMERS_WRITE), ROUTE_JSON,
     "customer.bulk_transfer", 0},
    {"GET", "/api/v1/customers/{id}", h_customer_get, P(CUSTOMERS_READ), 0, "customer.get", 0},
    {"PATCH", "/api/v1/customers/{id}", h_customer_update, P(CUSTOMERS_WRITE), ROUTE_JSON, "customer.update", 0},
    {"POST", "/api/v1/customers/{id}/identities", h_customer_identity_add, P(CUSTOMERS_WRITE), ROUTE_JSON,
     "customer.identity_add", 0},
    {"POST", "/api/v1/customers/{id}/merge", h_customer_merge, P(CUSTOMERS_WRITE), ROUTE_JSON, "customer.merge", 0},
    {"GET", "/api/v1/customers/{id}/remarks", h_customer_remarks, P(CUSTOMERS_READ), 0, "remark.list", 0},
    {"POST", "/api/v1/customers/{id}/remarks", h_customer_remark_add, P(CUSTOMERS_WRITE), ROUTE_JSON,
     "remark.create", 0},
    {"GET", "/api/v1/customers/{id}/export", h_customer_export, P(CUSTOMERS_READ) | P(PII_READ), ROUTE_WRITER, "customer.export", 0},
    {"POST", "/api/v1/customers/{id}/erase", h_customer_erase, P(CUSTOMERS_WRITE) | P(PII_READ), 0, "customer.erase", 0},
};

const yt_module customer_module = {
    .name = "customer",
    .keyed = keyed, .nkeyed = YT_COUNT(keyed),
    .perms = perms, .nperms = YT_COUNT(perms),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
