/* Tags and tag groups, and tagging customers: the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const customer_keyed keyed[] = {
    /* a tag both records carry is kept once; the absorbed record's rows go */
    {"customer_tags", "customer_id",
     "INSERT INTO customer_tags(customer_id, tag_id, created_at) SELECT ?, tag_id, created_at FROM customer_tags"
     " WHERE customer_id = ? ON CONFLICT(customer_id, tag_id) DO NOTHING",
     "DELETE FROM customer_tags WHERE customer_id = ?", 1, NULL, "DELETE FROM customer_tags WHERE customer_id = ?", NULL},
};

static const yt_perm perms[] = {
    {"tags.write", PERM_TAGS_WRITE, "operator,editor,guide,service"},
    {"tags.manage", PERM_TAGS_MANAGE, "operator"},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"POST", "/api/v1/customers/bulk/tags", h_customer_bulk_tags, P(TAGS_WRITE), ROUTE_JSON, "customer.bulk_tag", 0},
    {"POST", "/api/v1/customers/{id}/tags", h_customer_tags_add, P(TAGS_WRITE), ROUTE_JSON, "customer.tag", 0},
    {"DELETE", "/api/v1/customers/{id}/tags/{name}", h_customer_tag_remove, P(TAGS_WRITE), 0, "customer.untag", 0},
    {"GET", "/api/v1/tags", h_tag_list, P(CUSTOMERS_READ), 0, "tag.list", 0},
    {"POST", "/api/v1/tags", h_tag_create, P(TAGS_MANAGE), ROUTE_JSON, "tag.create", 0},
    {"PATCH", "/api/v1/tags/{id}", h_tag_update, P(TAGS_MANAGE), ROUTE_JSON, "tag.update", 0},
    {"DELETE", "/api/v1/tags/{id}", h_tag_delete, P(TAGS_MANAGE), 0, "tag.delete", 0},
    {"GET", "/api/v1/tag-groups", h_tag_group_list, P(CUSTOMERS_READ), 0, "tag_group.list", 0},
    {"POST", "/api/v1/tag-groups", h_tag_group_create, P(TAGS_MANAGE), ROUTE_JSON, "tag_group.create", 0},
    {"PATCH", "/api/v1/tag-groups/{id}", h_tag_group_update, P(TAGS_MANAGE), ROUTE_JSON, "tag_group.update", 0},
    {"DELETE", "/api/v1/tag-groups/{id}", h_tag_group_delete, P(TAGS_MANAGE), 0, "tag_group.delete", 0},
};

const yt_module tag_module = {
    .name = "tag",
    .keyed = keyed, .nkeyed = YT_COUNT(keyed),
    .perms = perms, .nperms = YT_COUNT(perms),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
