/* The route table: every route once, with its handler, permission and body rules. Route names are
 * noun.verb with the noun singular (customer.merge), as audit actions are. */
#include "handlers.h"

#define P(x) PERM_##x

const yt_route api_routes[] = {
    {"GET", "/healthz", h_healthz, 0, ROUTE_PUBLIC, "health.live", 0},
    {"GET", "/readyz", h_readyz, 0, ROUTE_PUBLIC, "health.ready", 0},
    {"GET", "/metrics", h_metrics, 0, ROUTE_PUBLIC, "metrics.get", 0},

    {"POST", "/api/v1/auth/login", h_login, 0, ROUTE_PUBLIC | ROUTE_JSON | ROUTE_READER, "auth.login", 0},
    {"POST", "/api/v1/auth/logout", h_logout, 0, 0, "auth.logout", 0},
    {"GET", "/api/v1/me", h_me, 0, 0, "auth.me", 0},
    {"GET", "/api/v1/tokens", h_token_list, 0, 0, "token.list", 0},
    {"POST", "/api/v1/tokens", h_token_create, P(TOKENS_WRITE), ROUTE_JSON, "token.create", 0},
    {"DELETE", "/api/v1/tokens/{id}", h_token_revoke, 0, 0, "token.revoke", 0},

    {"GET", "/api/v1/staff", h_staff_list, P(STAFF_READ), 0, "staff.list", 0},
    {"POST", "/api/v1/staff", h_staff_create, P(STAFF_WRITE), ROUTE_JSON, "staff.create", 0},
    {"GET", "/api/v1/staff/{id}", h_staff_get, P(STAFF_READ), 0, "staff.get", 0},
    {"PATCH", "/api/v1/staff/{id}", h_staff_update, P(STAFF_WRITE), ROUTE_JSON, "staff.update", 0},
    {"GET", "/api/v1/staff/{id}/tokens", h_staff_tokens, P(STAFF_READ), 0, "token.list_staff", 0},
    {"GET", "/api/v1/stores", h_shop_list, 0, 0, "store.list", 0},
    {"POST", "/api/v1/stores", h_shop_create, P(STORES_WRITE), ROUTE_JSON, "store.create", 0},

    {"GET", "/api/v1/customers", h_customer_list, P(CUSTOMERS_READ), 0, "customer.list", 0},
    {"POST", "/api/v1/customers", h_customer_create, P(CUSTOMERS_WRITE), ROUTE_JSON, "customer.create", 0},
    {"POST", "/api/v1/customers/bulk/tags", h_customer_bulk_tags, P(TAGS_WRITE), ROUTE_JSON, "customer.bulk_tag", 0},
    {"POST", "/api/v1/customers/bulk/transfer", h_customer_bulk_transfer, P(CUSTOMERS_WRITE), ROUTE_JSON,
     "customer.bulk_transfer", 0},
    {"GET", "/api/v1/customers/{id}", h_customer_get, P(CUSTOMERS_READ), 0, "customer.get", 0},
    {"PATCH", "/api/v1/customers/{id}", h_customer_update, P(CUSTOMERS_WRITE), ROUTE_JSON, "customer.update", 0},
    {"POST", "/api/v1/customers/{id}/identities", h_customer_identity_add, P(CUSTOMERS_WRITE), ROUTE_JSON,
     "customer.identity_add", 0},
    {"POST", "/api/v1/customers/{id}/merge", h_customer_merge, P(CUSTOMERS_WRITE), ROUTE_JSON, "customer.merge", 0},
    {"POST", "/api/v1/customers/{id}/tags", h_customer_tags_add, P(TAGS_WRITE), ROUTE_JSON, "customer.tag", 0},
    {"DELETE", "/api/v1/customers/{id}/tags/{name}", h_customer_tag_remove, P(TAGS_WRITE), 0, "customer.untag", 0},
    {"GET", "/api/v1/customers/{id}/remarks", h_customer_remarks, P(CUSTOMERS_READ), 0, "remark.list", 0},
    {"POST", "/api/v1/customers/{id}/remarks", h_customer_remark_add, P(CUSTOMERS_WRITE), ROUTE_JSON,
     "remark.create", 0},
    {"GET", "/api/v1/customers/{id}/orders", h_customer_orders, P(CUSTOMERS_READ), 0, "order.list", 0},
    {"GET", "/api/v1/customers/{id}/events", h_customer_events, P(CUSTOMERS_READ), 0, "event.list", 0},
    {"GET", "/api/v1/customers/{id}/export", h_customer_export, P(CUSTOMERS_READ) | P(PII_READ), ROUTE_WRITER, "customer.export", 0},
    {"POST", "/api/v1/customers/{id}/erase", h_customer_erase, P(CUSTOMERS_WRITE) | P(PII_READ), 0, "customer.erase", 0},

    {"GET", "/api/v1/tags", h_tag_list, P(CUSTOMERS_READ), 0, "tag.list", 0},
    {"POST", "/api/v1/tags", h_tag_create, P(TAGS_MANAGE), ROUTE_JSON, "tag.create", 0},
    {"PATCH", "/api/v1/tags/{id}", h_tag_update, P(TAGS_MANAGE), ROUTE_JSON, "tag.update", 0},
    {"DELETE", "/api/v1/tags/{id}", h_tag_delete, P(TAGS_MANAGE), 0, "tag.delete", 0},
    {"GET", "/api/v1/tag-groups", h_tag_group_list, P(CUSTOMERS_READ), 0, "tag_group.list", 0},
    {"POST", "/api/v1/tag-groups", h_tag_group_create, P(TAGS_MANAGE), ROUTE_JSON, "tag_group.create", 0},
    {"PATCH", "/api/v1/tag-groups/{id}", h_tag_group_update, P(TAGS_MANAGE), ROUTE_JSON, "tag_group.update", 0},
    {"DELETE", "/api/v1/tag-groups/{id}", h_tag_group_delete, P(TAGS_MANAGE), 0, "tag_group.delete", 0},

    /* ROUTE_READER: the handler validates a batch without the writer and takes it only to store */
    {"POST", "/api/v1/events", h_events_ingest, P(EVENTS_WRITE), ROUTE_JSON | ROUTE_READER, "event.ingest", API_EVENTS_LIMIT},

    /* ROUTE_READER: an import takes the writer one chunk at a time (importer.h) */
    {"POST", "/api/v1/import/orders", h_import_orders, P(IMPORT_RUN), ROUTE_UPLOAD | ROUTE_READER, "order.import",
     API_UPLOAD_LIMIT},
    {"POST", "/api/v1/import/customers", h_import_customers, P(IMPORT_RUN) | P(CUSTOMERS_WRITE), ROUTE_UPLOAD | ROUTE_READER,
     "customer.import", API_UPLOAD_LIMIT},
    {"GET", "/api/v1/export/customers", h_export_customers, P(CUSTOMERS_READ), ROUTE_WRITER, "customer.export_all", 0},

    {"GET", "/api/v1/stats/overview", h_stats_overview, P(CUSTOMERS_READ), 0, "overview.get", 0},
    {"GET", "/api/v1/audit", h_audit_list, P(AUDIT_READ), 0, "audit.list", 0},
};

const int api_nroutes = (int)(sizeof api_routes / sizeof api_routes[0]);
