/* Staff, sign-in and tokens: the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const yt_perm perms[] = {
    {"staff.read", PERM_STAFF_READ, "operator,analyst"},
    {"staff.write", PERM_STAFF_WRITE, ""},
    {"tokens.write", PERM_TOKENS_WRITE, ""},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
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
};

const yt_module staff_module = {
    .name = "staff",
    .perms = perms, .nperms = YT_COUNT(perms),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
