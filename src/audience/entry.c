/* The audience engine (segments on the in-memory index, lifetime value): the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const yt_migration migrations[] = {
    /* saved segments; the index's day rollover reads orders by time, and event counts read events by type
     * and time */
    {9,
     /* SQLite */
     "CREATE TABLE segments(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, query TEXT NOT NULL,"
     "  created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX orders_ordered_at ON orders(ordered_at);"
     "CREATE INDEX events_type_at ON events(type, at);",
     /* PostgreSQL */
     "CREATE TABLE segments(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, query TEXT NOT NULL,"
     "  created_by BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE INDEX orders_ordered_at ON orders(ordered_at);"
     "CREATE INDEX events_type_at ON events(type, at);"},
    /* fitted lifetime-value models, newest last; params is a flat JSON object of numbers */
    {10,
     /* SQLite */
     "CREATE TABLE clv_models(id INTEGER PRIMARY KEY, fitted_at INTEGER NOT NULL, until_day INTEGER NOT NULL,"
     "  unit TEXT NOT NULL, params TEXT NOT NULL) STRICT;",
     /* PostgreSQL */
     "CREATE TABLE clv_models(id BIGSERIAL PRIMARY KEY, fitted_at BIGINT NOT NULL, until_day BIGINT NOT NULL,"
     "  unit TEXT NOT NULL, params TEXT NOT NULL);"},
};

static const yt_perm perms[] = {
    {"segments.read", PERM_SEGMENTS_READ, "operator,editor,guide,service,analyst"},
    {"segments.write", PERM_SEGMENTS_WRITE, "operator"},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    /* ROUTE_READER: a preview only reads */
    {"POST", "/api/v1/segments/preview", h_segment_preview, P(SEGMENTS_READ) | P(CUSTOMERS_READ), ROUTE_JSON | ROUTE_READER,
     "segment.preview", 0},
    {"GET", "/api/v1/segments/attributes", h_segment_attributes, P(SEGMENTS_READ), 0, "segment.attributes", 0},
    {"GET", "/api/v1/segments", h_segment_list, P(SEGMENTS_READ), 0, "segment.list", 0},
    {"POST", "/api/v1/segments", h_segment_create, P(SEGMENTS_WRITE), ROUTE_JSON, "segment.create", 0},
    {"GET", "/api/v1/segments/{id}", h_segment_get, P(SEGMENTS_READ), 0, "segment.get", 0},
    {"PATCH", "/api/v1/segments/{id}", h_segment_update, P(SEGMENTS_WRITE), ROUTE_JSON, "segment.update", 0},
    {"DELETE", "/api/v1/segments/{id}", h_segment_delete, P(SEGMENTS_WRITE), 0, "segment.delete", 0},
    {"GET", "/api/v1/segments/{id}/members", h_segment_members, P(SEGMENTS_READ) | P(CUSTOMERS_READ), 0, "segment.members", 0},
    /* the handler checks tags.write (tag, untag) or customers.write (assign) by action */
    {"POST", "/api/v1/segments/{id}/actions", h_segment_actions, P(SEGMENTS_READ) | P(CUSTOMERS_READ), ROUTE_JSON,
     "segment.action", 0},
    {"GET", "/api/v1/audience/rfm", h_audience_rfm, P(SEGMENTS_READ), 0, "audience.rfm", 0},
    {"GET", "/api/v1/audience/clv", h_audience_clv, P(SEGMENTS_READ), 0, "audience.clv", 0},
    {"POST", "/api/v1/audience/clv/fit", h_audience_clv_fit, P(SEGMENTS_WRITE), ROUTE_JSON, "audience.clv_fit", 0},
    {"GET", "/api/v1/customers/{id}/audience", h_customer_audience, P(CUSTOMERS_READ), 0, "customer.audience", 0},
    {"GET", "/api/v1/segments/{id}/export", h_segment_export, P(SEGMENTS_READ) | P(CUSTOMERS_READ), ROUTE_WRITER,
     "segment.export", 0},
};

const yt_module audience_module = {
    .name = "audience",
    .migrations = migrations, .nmigrations = YT_COUNT(migrations),
    .perms = perms, .nperms = YT_COUNT(perms),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
