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
    /* auto-tag rules (tags as newline-separated names) and what each did to whom */
    {11,
     /* SQLite */
     "CREATE TABLE tag_rules(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, query TEXT NOT NULL, event TEXT,"
     "  event_days INTEGER NOT NULL DEFAULT 0, add_tags TEXT NOT NULL, remove_tags TEXT NOT NULL,"
     "  active INTEGER NOT NULL DEFAULT 1, created_by INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE tag_rule_history(id INTEGER PRIMARY KEY, rule_id INTEGER NOT NULL, customer_id INTEGER NOT NULL,"
     "  action TEXT NOT NULL, tag TEXT NOT NULL, at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX tag_rule_history_rule ON tag_rule_history(rule_id, id);"
     "CREATE INDEX tag_rule_history_customer ON tag_rule_history(customer_id);",
     /* PostgreSQL */
     "CREATE TABLE tag_rules(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, query TEXT NOT NULL, event TEXT,"
     "  event_days BIGINT NOT NULL DEFAULT 0, add_tags TEXT NOT NULL, remove_tags TEXT NOT NULL,"
     "  active BIGINT NOT NULL DEFAULT 1, created_by BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE TABLE tag_rule_history(id BIGSERIAL PRIMARY KEY, rule_id BIGINT NOT NULL, customer_id BIGINT NOT NULL,"
     "  action TEXT NOT NULL, tag TEXT NOT NULL, at BIGINT NOT NULL);"
     "CREATE INDEX tag_rule_history_rule ON tag_rule_history(rule_id, id);"
     "CREATE INDEX tag_rule_history_customer ON tag_rule_history(customer_id);"},
    /* the lifecycle stage rules in order (none: the defaults in lifecycle.c), and every move between stages */
    {12,
     /* SQLite */
     "CREATE TABLE lifecycle_rules(position INTEGER PRIMARY KEY, stage TEXT NOT NULL UNIQUE, query TEXT NOT NULL,"
     "  updated_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE lifecycle_moves(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL, from_stage TEXT NOT NULL,"
     "  to_stage TEXT NOT NULL, at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX lifecycle_moves_at ON lifecycle_moves(at);"
     "CREATE INDEX lifecycle_moves_customer ON lifecycle_moves(customer_id);",
     /* PostgreSQL */
     "CREATE TABLE lifecycle_rules(position BIGINT PRIMARY KEY, stage TEXT NOT NULL UNIQUE, query TEXT NOT NULL,"
     "  updated_at BIGINT NOT NULL);"
     "CREATE TABLE lifecycle_moves(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL, from_stage TEXT NOT NULL,"
     "  to_stage TEXT NOT NULL, at BIGINT NOT NULL);"
     "CREATE INDEX lifecycle_moves_at ON lifecycle_moves(at);"
     "CREATE INDEX lifecycle_moves_customer ON lifecycle_moves(customer_id);"},
    /* a saved segment's members when last compared (a roaring bitmap, base64), and its version */
    {13,
     "ALTER TABLE segments ADD COLUMN members TEXT;"
     "ALTER TABLE segments ADD COLUMN members_version INTEGER NOT NULL DEFAULT 0;",
     "ALTER TABLE segments ADD COLUMN members TEXT;"
     "ALTER TABLE segments ADD COLUMN members_version BIGINT NOT NULL DEFAULT 0;"},
    /* a stage set by hand stays until it is set to auto: the lifecycle rules leave pinned customers alone */
    {14,
     "ALTER TABLE customers ADD COLUMN lifecycle_pinned INTEGER NOT NULL DEFAULT 0;",
     "ALTER TABLE customers ADD COLUMN lifecycle_pinned BIGINT NOT NULL DEFAULT 0;"},
};

static const customer_keyed keyed[] = {
    /* what a rule did to a customer follows the customer; an erasure removes it (it names tags) */
    {"tag_rule_history", "customer_id", "UPDATE tag_rule_history SET customer_id = ? WHERE customer_id = ?",
     "DELETE FROM tag_rule_history WHERE customer_id = ?", 1, NULL, NULL, NULL},
    /* a customer's moves between stages follow the customer; an erasure removes them */
    {"lifecycle_moves", "customer_id", "UPDATE lifecycle_moves SET customer_id = ? WHERE customer_id = ?",
     "DELETE FROM lifecycle_moves WHERE customer_id = ?", 1, NULL, NULL, NULL},
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
    {"GET", "/api/v1/tag-rules", h_tag_rule_list, P(SEGMENTS_READ), 0, "tag_rule.list", 0},
    {"POST", "/api/v1/tag-rules", h_tag_rule_create, P(SEGMENTS_WRITE) | P(TAGS_MANAGE), ROUTE_JSON, "tag_rule.create", 0},
    {"GET", "/api/v1/tag-rules/{id}", h_tag_rule_get, P(SEGMENTS_READ), 0, "tag_rule.get", 0},
    {"PATCH", "/api/v1/tag-rules/{id}", h_tag_rule_update, P(SEGMENTS_WRITE) | P(TAGS_MANAGE), ROUTE_JSON, "tag_rule.update", 0},
    {"DELETE", "/api/v1/tag-rules/{id}", h_tag_rule_delete, P(SEGMENTS_WRITE) | P(TAGS_MANAGE), 0, "tag_rule.delete", 0},
    {"GET", "/api/v1/tag-rules/{id}/history", h_tag_rule_history, P(SEGMENTS_READ), 0, "tag_rule.history", 0},
    {"GET", "/api/v1/audience/lifecycle", h_lifecycle_report, P(SEGMENTS_READ), 0, "lifecycle.report", 0},
    {"GET", "/api/v1/audience/lifecycle/rules", h_lifecycle_rules, P(SEGMENTS_READ), 0, "lifecycle.rules", 0},
    {"PUT", "/api/v1/audience/lifecycle/rules", h_lifecycle_rules_put, P(SEGMENTS_WRITE), ROUTE_JSON, "lifecycle.rules_update", 0},
    {"GET", "/api/v1/audience/rfm", h_audience_rfm, P(SEGMENTS_READ), 0, "audience.rfm", 0},
    {"GET", "/api/v1/audience/clv", h_audience_clv, P(SEGMENTS_READ), 0, "audience.clv", 0},
    /* ROUTE_READER: only reads */
    {"POST", "/api/v1/audience/payback", h_audience_payback, P(SEGMENTS_READ), ROUTE_JSON | ROUTE_READER, "audience.payback", 0},
    {"POST", "/api/v1/audience/clv/fit", h_audience_clv_fit, P(SEGMENTS_WRITE), ROUTE_JSON, "audience.clv_fit", 0},
    {"GET", "/api/v1/customers/{id}/audience", h_customer_audience, P(CUSTOMERS_READ), 0, "customer.audience", 0},
    {"GET", "/api/v1/segments/{id}/export", h_segment_export, P(SEGMENTS_READ) | P(CUSTOMERS_READ), ROUTE_WRITER,
     "segment.export", 0},
};

const yt_module audience_module = {
    .name = "audience",
    .migrations = migrations, .nmigrations = YT_COUNT(migrations),
    .keyed = keyed, .nkeyed = YT_COUNT(keyed),
    .perms = perms, .nperms = YT_COUNT(perms),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
