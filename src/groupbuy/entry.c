/* Group buys (拼团): the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const yt_migration migrations[] = {
    /* group-buy activities (sold: the units pending and paid orders hold; returned: what went back to the SKU once
     * the activity closed), their teams (seats_taken: pending and paid orders; paid: the paid ones, formed at size)
     * and each group order's team. Version 19 is the latest before; 21 and later are taken by other changes. */
    {20,
     /* SQLite */
     "CREATE TABLE group_buys(id INTEGER PRIMARY KEY, name TEXT NOT NULL, sku_id INTEGER NOT NULL REFERENCES skus(id),"
     "  price INTEGER NOT NULL CHECK (price > 0), team_size INTEGER NOT NULL CHECK (team_size BETWEEN 2 AND 100),"
     "  team_minutes INTEGER NOT NULL, team_ms INTEGER NOT NULL, pay_window_ms INTEGER NOT NULL, stock INTEGER NOT NULL,"
     "  sold INTEGER NOT NULL DEFAULT 0, returned INTEGER NOT NULL DEFAULT 0, per_customer_limit INTEGER NOT NULL,"
     "  one_team_per_customer INTEGER NOT NULL, new_customers_only INTEGER NOT NULL, starts_at INTEGER NOT NULL,"
     "  ends_at INTEGER NOT NULL, stopped_at INTEGER, closed_at INTEGER, created_by INTEGER, created_at INTEGER NOT NULL,"
     "  updated_at INTEGER NOT NULL, CHECK (sold >= 0 AND returned >= 0 AND sold + returned <= stock)) STRICT;"
     "CREATE TABLE group_teams(id INTEGER PRIMARY KEY, activity_id INTEGER NOT NULL REFERENCES group_buys(id),"
     "  code TEXT NOT NULL UNIQUE, customer_id INTEGER NOT NULL REFERENCES customers(id), size INTEGER NOT NULL,"
     "  status TEXT NOT NULL DEFAULT 'open', seats_taken INTEGER NOT NULL DEFAULT 0, paid INTEGER NOT NULL DEFAULT 0,"
     "  opened_at INTEGER NOT NULL, expires_at INTEGER NOT NULL, formed_at INTEGER, closed_at INTEGER,"
     "  CHECK (seats_taken >= 0 AND seats_taken <= size AND paid >= 0 AND paid <= seats_taken)) STRICT;"
     "CREATE INDEX group_teams_activity ON group_teams(activity_id, id);"
     "CREATE INDEX group_teams_due ON group_teams(status, expires_at);"
     "CREATE INDEX group_teams_customer ON group_teams(customer_id);"
     "ALTER TABLE mall_orders ADD COLUMN team_id INTEGER;"
     "CREATE INDEX mall_orders_team ON mall_orders(team_id);",
     /* PostgreSQL */
     "CREATE TABLE group_buys(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, sku_id BIGINT NOT NULL REFERENCES skus(id),"
     "  price BIGINT NOT NULL CHECK (price > 0), team_size BIGINT NOT NULL CHECK (team_size BETWEEN 2 AND 100),"
     "  team_minutes BIGINT NOT NULL, team_ms BIGINT NOT NULL, pay_window_ms BIGINT NOT NULL, stock BIGINT NOT NULL,"
     "  sold BIGINT NOT NULL DEFAULT 0, returned BIGINT NOT NULL DEFAULT 0, per_customer_limit BIGINT NOT NULL,"
     "  one_team_per_customer BOOLEAN NOT NULL, new_customers_only BOOLEAN NOT NULL, starts_at BIGINT NOT NULL,"
     "  ends_at BIGINT NOT NULL, stopped_at BIGINT, closed_at BIGINT, created_by BIGINT, created_at BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL, CHECK (sold >= 0 AND returned >= 0 AND sold + returned <= stock));"
     "CREATE TABLE group_teams(id BIGSERIAL PRIMARY KEY, activity_id BIGINT NOT NULL REFERENCES group_buys(id),"
     "  code TEXT NOT NULL UNIQUE, customer_id BIGINT NOT NULL REFERENCES customers(id), size BIGINT NOT NULL,"
     "  status TEXT NOT NULL DEFAULT 'open', seats_taken BIGINT NOT NULL DEFAULT 0, paid BIGINT NOT NULL DEFAULT 0,"
     "  opened_at BIGINT NOT NULL, expires_at BIGINT NOT NULL, formed_at BIGINT, closed_at BIGINT,"
     "  CHECK (seats_taken >= 0 AND seats_taken <= size AND paid >= 0 AND paid <= seats_taken));"
     "CREATE INDEX group_teams_activity ON group_teams(activity_id, id);"
     "CREATE INDEX group_teams_due ON group_teams(status, expires_at);"
     "CREATE INDEX group_teams_customer ON group_teams(customer_id);"
     "ALTER TABLE mall_orders ADD COLUMN team_id BIGINT;"
     "CREATE INDEX mall_orders_team ON mall_orders(team_id);"},
};

/* A team names its leader (the members are its orders, which commerce lists): no unique key per customer, so a
 * merge moves every row. */
static const customer_keyed keyed[] = {
    {"group_teams", "customer_id", "UPDATE group_teams SET customer_id = ? WHERE customer_id = ?", NULL, 0,
     "a team is the activity's record (its leader's id, seats and times; nothing personal) and stays on the anonymous shell",
     NULL, NULL},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"GET", "/api/v1/group-buys", h_group_buy_list, P(COMMERCE_READ), 0, "group_buy.list", 0},
    {"POST", "/api/v1/group-buys", h_group_buy_create, P(COMMERCE_WRITE), ROUTE_JSON, "group_buy.create", 0},
    {"GET", "/api/v1/group-buys/{id}", h_group_buy_get, P(COMMERCE_READ), 0, "group_buy.get", 0},
    {"POST", "/api/v1/group-buys/{id}/stop", h_group_buy_stop, P(COMMERCE_WRITE), 0, "group_buy.stop", 0},
    {"GET", "/api/v1/group-buys/{id}/teams", h_group_buy_teams, P(COMMERCE_READ) | P(CUSTOMERS_READ), 0, "group_buy.teams", 0},
    /* a member opens and joins for themselves only; a team is found by its share code */
    {"GET", "/api/v1/member/group-buys/{id}", h_member_group_buy, 0, ROUTE_MEMBER, "member.group_buy", 0},
    {"POST", "/api/v1/member/group-buys/{id}/teams", h_member_group_team_open, 0, ROUTE_MEMBER | ROUTE_JSON,
     "member.group_team_open", 0},
    {"GET", "/api/v1/member/group-teams/{code}", h_member_group_team, 0, ROUTE_MEMBER, "member.group_team", 0},
    {"POST", "/api/v1/member/group-teams/{code}/join", h_member_group_team_join, 0, ROUTE_MEMBER | ROUTE_JSON,
     "member.group_team_join", 0},
};

const yt_module groupbuy_module = {
    .name = "groupbuy",
    .migrations = migrations, .nmigrations = YT_COUNT(migrations),
    .keyed = keyed, .nkeyed = YT_COUNT(keyed),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
