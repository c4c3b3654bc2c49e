/* Distribution (分销: distributors, bindings, commissions, withdrawals): the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const yt_migration migrations[] = {
    /* the brand's settings (one row, off until the brand opens it); distributors with their share code and balances
     * (frozen: commissions not yet released; withdrawable; owed: reversals the balance could not cover; withdrawing:
     * requests under review; withdrawn: paid out); each member's binding to a distributor; commissions at level 1 or
     * 2 only (the CHECK: never a third), one per order and level; withdrawals. Version 20 is taken by another change. */
    {21,
     /* SQLite */
     "CREATE TABLE distribution_settings(id INTEGER PRIMARY KEY CHECK (id = 1), enabled INTEGER NOT NULL,"
     "  binding_mode TEXT NOT NULL, binding_days INTEGER NOT NULL, rate_unit TEXT NOT NULL, level1_rate INTEGER NOT NULL,"
     "  level2_rate INTEGER NOT NULL, settle_days INTEGER NOT NULL, withdraw_min INTEGER NOT NULL,"
     "  rule_min_spend INTEGER NOT NULL, rule_tag_id INTEGER, updated_at INTEGER NOT NULL) STRICT;"
     "INSERT INTO distribution_settings VALUES(1, 0, 'first', 15, 'percent', 10, 0, 7, 100, 0, NULL, 0);"
     "CREATE TABLE distributors(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL UNIQUE REFERENCES customers(id),"
     "  status TEXT NOT NULL, source TEXT NOT NULL, code TEXT NOT NULL, application TEXT NOT NULL DEFAULT '',"
     "  decision_note TEXT NOT NULL DEFAULT '', decided_by INTEGER, decided_at INTEGER,"
     "  frozen INTEGER NOT NULL DEFAULT 0 CHECK (frozen >= 0), withdrawable INTEGER NOT NULL DEFAULT 0 CHECK (withdrawable >= 0),"
     "  owed INTEGER NOT NULL DEFAULT 0 CHECK (owed >= 0), withdrawing INTEGER NOT NULL DEFAULT 0 CHECK (withdrawing >= 0),"
     "  withdrawn INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX distributors_code ON distributors(code);"
     "CREATE INDEX distributors_status ON distributors(status, id);"
     "CREATE TABLE distribution_bindings(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL UNIQUE REFERENCES customers(id),"
     "  distributor_id INTEGER NOT NULL REFERENCES customers(id), bound_at INTEGER NOT NULL, expires_at INTEGER,"
     "  CHECK (distributor_id <> customer_id)) STRICT;"
     "CREATE INDEX distribution_bindings_distributor ON distribution_bindings(distributor_id, id);"
     "CREATE TABLE distribution_commissions(id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES mall_orders(id),"
     "  level INTEGER NOT NULL CHECK (level IN (1, 2)), customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  base INTEGER NOT NULL, refunded INTEGER NOT NULL DEFAULT 0, rate INTEGER NOT NULL, scale INTEGER NOT NULL,"
     "  amount INTEGER NOT NULL CHECK (amount > 0), reversed INTEGER NOT NULL DEFAULT 0 CHECK (reversed >= 0 AND reversed <= amount),"
     "  status TEXT NOT NULL, release_at INTEGER, released_at INTEGER, created_at INTEGER NOT NULL, UNIQUE(order_id, level)) STRICT;"
     "CREATE INDEX distribution_commissions_customer ON distribution_commissions(customer_id, id);"
     "CREATE INDEX distribution_commissions_due ON distribution_commissions(release_at) WHERE status = 'frozen';"
     "CREATE INDEX distribution_commissions_at ON distribution_commissions(created_at);"
     "CREATE TABLE distribution_withdrawals(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  amount INTEGER NOT NULL CHECK (amount > 0), status TEXT NOT NULL, requested_at INTEGER NOT NULL, reviewed_by INTEGER,"
     "  reviewed_at INTEGER, payout_ref TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '') STRICT;"
     "CREATE INDEX distribution_withdrawals_customer ON distribution_withdrawals(customer_id, id);"
     "CREATE INDEX distribution_withdrawals_status ON distribution_withdrawals(status, id);",
     /* PostgreSQL */
     "CREATE TABLE distribution_settings(id BIGINT PRIMARY KEY CHECK (id = 1), enabled BOOLEAN NOT NULL,"
     "  binding_mode TEXT NOT NULL, binding_days BIGINT NOT NULL, rate_unit TEXT NOT NULL, level1_rate BIGINT NOT NULL,"
     "  level2_rate BIGINT NOT NULL, settle_days BIGINT NOT NULL, withdraw_min BIGINT NOT NULL,"
     "  rule_min_spend BIGINT NOT NULL, rule_tag_id BIGINT, updated_at BIGINT NOT NULL);"
     "INSERT INTO distribution_settings VALUES(1, false, 'first', 15, 'percent', 10, 0, 7, 100, 0, NULL, 0);"
     "CREATE TABLE distributors(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL UNIQUE REFERENCES customers(id),"
     "  status TEXT NOT NULL, source TEXT NOT NULL, code TEXT NOT NULL, application TEXT NOT NULL DEFAULT '',"
     "  decision_note TEXT NOT NULL DEFAULT '', decided_by BIGINT, decided_at BIGINT,"
     "  frozen BIGINT NOT NULL DEFAULT 0 CHECK (frozen >= 0), withdrawable BIGINT NOT NULL DEFAULT 0 CHECK (withdrawable >= 0),"
     "  owed BIGINT NOT NULL DEFAULT 0 CHECK (owed >= 0), withdrawing BIGINT NOT NULL DEFAULT 0 CHECK (withdrawing >= 0),"
     "  withdrawn BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE INDEX distributors_code ON distributors(code);"
     "CREATE INDEX distributors_status ON distributors(status, id);"
     "CREATE TABLE distribution_bindings(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL UNIQUE REFERENCES customers(id),"
     "  distributor_id BIGINT NOT NULL REFERENCES customers(id), bound_at BIGINT NOT NULL, expires_at BIGINT,"
     "  CHECK (distributor_id <> customer_id));"
     "CREATE INDEX distribution_bindings_distributor ON distribution_bindings(distributor_id, id);"
     "CREATE TABLE distribution_commissions(id BIGSERIAL PRIMARY KEY, order_id BIGINT NOT NULL REFERENCES mall_orders(id),"
     "  level BIGINT NOT NULL CHECK (level IN (1, 2)), customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  base BIGINT NOT NULL, refunded BIGINT NOT NULL DEFAULT 0, rate BIGINT NOT NULL, scale BIGINT NOT NULL,"
     "  amount BIGINT NOT NULL CHECK (amount > 0), reversed BIGINT NOT NULL DEFAULT 0 CHECK (reversed >= 0 AND reversed <= amount),"
     "  status TEXT NOT NULL, release_at BIGINT, released_at BIGINT, created_at BIGINT NOT NULL, UNIQUE(order_id, level));"
     "CREATE INDEX distribution_commissions_customer ON distribution_commissions(customer_id, id);"
     "CREATE INDEX distribution_commissions_due ON distribution_commissions(release_at) WHERE status = 'frozen';"
     "CREATE INDEX distribution_commissions_at ON distribution_commissions(created_at);"
     "CREATE TABLE distribution_withdrawals(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  amount BIGINT NOT NULL CHECK (amount > 0), status TEXT NOT NULL, requested_at BIGINT NOT NULL, reviewed_by BIGINT,"
     "  reviewed_at BIGINT, payout_ref TEXT NOT NULL DEFAULT '', note TEXT NOT NULL DEFAULT '');"
     "CREATE INDEX distribution_withdrawals_customer ON distribution_withdrawals(customer_id, id);"
     "CREATE INDEX distribution_withdrawals_status ON distribution_withdrawals(status, id);"},
};

/* Ancestors, for the binding merges: k holds (survivor, absorbed) as bound, up every customer above `start`
 * through bindings (live or not: a loop that an expired binding would close is cut too). */
#define K_CTE "WITH RECURSIVE k(s, a) AS (SELECT CAST(? AS BIGINT), CAST(? AS BIGINT)),"
#define UP_CTE(start)                                                                                                  \
    " up(id) AS (SELECT b.distributor_id FROM distribution_bindings b JOIN k ON b.customer_id = " start                \
    " UNION SELECT b.distributor_id FROM distribution_bindings b JOIN up ON b.customer_id = up.id) "

/* A merge makes two records one person: their accounts become one, and no binding may bind them to themselves or
 * close a loop through them. Bindings move in two steps: the absorbed record's own binding (kept only if the
 * survivor has none, and only if it binds them to someone not below them), then the bindings to the absorbed record
 * as a distributor (each moved unless it is the survivor's own or its member is above the survivor: those would be
 * loops and are dropped). */
static const customer_keyed keyed[] = {
    /* one account: the survivor's code; the balances summed (what is owed netted against what is withdrawable); a
     * disabled record makes the account disabled, else an active one active. The absorbed record's code is retired. */
    {"distributors", "customer_id",
     "INSERT INTO distributors(customer_id, status, source, code, application, decision_note, decided_by, decided_at, frozen,"
     " withdrawable, owed, withdrawing, withdrawn, created_at, updated_at) SELECT ?, status, source, code, application,"
     " decision_note, decided_by, decided_at, frozen, withdrawable, owed, withdrawing, withdrawn, created_at, updated_at"
     " FROM distributors WHERE customer_id = ? ON CONFLICT(customer_id) DO UPDATE SET"
     " status = CASE WHEN 'disabled' IN (distributors.status, excluded.status) THEN 'disabled'"
     "   WHEN 'active' IN (distributors.status, excluded.status) THEN 'active'"
     "   WHEN 'pending' IN (distributors.status, excluded.status) THEN 'pending' ELSE distributors.status END,"
     " frozen = distributors.frozen + excluded.frozen,"
     " withdrawable = CASE WHEN distributors.withdrawable + excluded.withdrawable > distributors.owed + excluded.owed"
     "   THEN distributors.withdrawable + excluded.withdrawable - distributors.owed - excluded.owed ELSE 0 END,"
     " owed = CASE WHEN distributors.owed + excluded.owed > distributors.withdrawable + excluded.withdrawable"
     "   THEN distributors.owed + excluded.owed - distributors.withdrawable - excluded.withdrawable ELSE 0 END,"
     " withdrawing = distributors.withdrawing + excluded.withdrawing, withdrawn = distributors.withdrawn + excluded.withdrawn",
     "DELETE FROM distributors WHERE customer_id = ?", 1, NULL, "DELETE FROM distributors WHERE customer_id = ?", NULL},
    /* the absorbed record's own binding, unless the survivor has one or it would bind the survivor to itself or
     * to someone below it */
    {"distribution_bindings", "customer_id",
     K_CTE UP_CTE("k.a")
     "INSERT INTO distribution_bindings(customer_id, distributor_id, bound_at, expires_at)"
     " SELECT k.s, b.distributor_id, b.bound_at, b.expires_at FROM distribution_bindings b JOIN k ON b.customer_id = k.a"
     " WHERE b.distributor_id <> k.s AND k.s NOT IN (SELECT id FROM up) ON CONFLICT(customer_id) DO NOTHING",
     "DELETE FROM distribution_bindings WHERE customer_id = ?", 1, NULL, "DELETE FROM distribution_bindings WHERE customer_id = ?", NULL},
    /* members bound to the absorbed record follow it to the survivor, except the survivor itself and anyone above
     * the survivor (a loop); an erased distributor's members are bound to nobody */
    {"distribution_bindings", "distributor_id",
     K_CTE UP_CTE("k.s")
     "UPDATE distribution_bindings SET distributor_id = (SELECT s FROM k) WHERE distributor_id = (SELECT a FROM k)"
     " AND customer_id <> (SELECT s FROM k) AND customer_id NOT IN (SELECT id FROM up)",
     "DELETE FROM distribution_bindings WHERE distributor_id = ?", 1, NULL,
     "DELETE FROM distribution_bindings WHERE distributor_id = ?", NULL},
    {"distribution_commissions", "customer_id", "UPDATE distribution_commissions SET customer_id = ? WHERE customer_id = ?", NULL, 0,
     "commissions are money the brand owes or paid (orders and amounts, nothing personal) and stay for its books on the"
     " anonymous shell",
     NULL, NULL},
    {"distribution_withdrawals", "customer_id", "UPDATE distribution_withdrawals SET customer_id = ? WHERE customer_id = ?", NULL, 0,
     "withdrawals are payouts (amounts and the payout's reference, nothing personal) and stay for the brand's books on the"
     " anonymous shell",
     NULL, NULL},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"GET", "/api/v1/distribution/settings", h_distribution_settings_get, P(COMMERCE_READ), 0, "distribution_settings.get", 0},
    {"PUT", "/api/v1/distribution/settings", h_distribution_settings_put, P(COMMERCE_WRITE), ROUTE_JSON, "distribution_settings.update", 0},
    {"GET", "/api/v1/distributors", h_distributor_list, P(COMMERCE_READ) | P(CUSTOMERS_READ), 0, "distributor.list", 0},
    {"GET", "/api/v1/distributors/{id}", h_distributor_get, P(COMMERCE_READ) | P(CUSTOMERS_READ), 0, "distributor.get", 0},
    {"POST", "/api/v1/distributors/{id}/approve", h_distributor_approve, P(COMMERCE_WRITE), 0, "distributor.approve", 0},
    {"POST", "/api/v1/distributors/{id}/reject", h_distributor_reject, P(COMMERCE_WRITE), ROUTE_JSON, "distributor.reject", 0},
    {"POST", "/api/v1/distributors/{id}/disable", h_distributor_disable, P(COMMERCE_WRITE), ROUTE_JSON, "distributor.disable", 0},
    {"GET", "/api/v1/distributors/{id}/members", h_distributor_members, P(COMMERCE_READ) | P(CUSTOMERS_READ), 0,
     "distributor.members", 0},
    {"GET", "/api/v1/distribution/commissions", h_commission_list, P(COMMERCE_READ) | P(CUSTOMERS_READ), 0,
     "distribution_commission.list", 0},
    {"GET", "/api/v1/distribution/withdrawals", h_withdrawal_list, P(COMMERCE_READ) | P(CUSTOMERS_READ), 0,
     "distribution_withdrawal.list", 0},
    {"POST", "/api/v1/distribution/withdrawals/{id}/approve", h_withdrawal_approve, P(COMMERCE_WRITE), ROUTE_JSON,
     "distribution_withdrawal.approve", 0},
    {"POST", "/api/v1/distribution/withdrawals/{id}/reject", h_withdrawal_reject, P(COMMERCE_WRITE), ROUTE_JSON,
     "distribution_withdrawal.reject", 0},
    {"GET", "/api/v1/distribution/leaderboard", h_distribution_leaderboard, P(COMMERCE_READ) | P(CUSTOMERS_READ), 0,
     "distribution.leaderboard", 0},
    /* a member applies, binds, withdraws and reads for themselves only */
    {"GET", "/api/v1/member/distribution", h_member_distribution, 0, ROUTE_MEMBER, "member.distribution", 0},
    {"POST", "/api/v1/member/distribution/apply", h_member_distribution_apply, 0, ROUTE_MEMBER | ROUTE_JSON,
     "member.distribution_apply", 0},
    {"POST", "/api/v1/member/distribution/bind", h_member_distribution_bind, 0, ROUTE_MEMBER | ROUTE_JSON,
     "member.distribution_bind", 0},
    {"GET", "/api/v1/member/distribution/commissions", h_member_commissions, 0, ROUTE_MEMBER, "member.distribution_commissions", 0},
    {"GET", "/api/v1/member/distribution/withdrawals", h_member_withdrawals, 0, ROUTE_MEMBER, "member.distribution_withdrawals", 0},
    {"POST", "/api/v1/member/distribution/withdrawals", h_member_withdraw, 0, ROUTE_MEMBER | ROUTE_JSON,
     "member.distribution_withdraw", 0},
    {"GET", "/api/v1/member/distribution/leaderboard", h_member_leaderboard, 0, ROUTE_MEMBER, "member.distribution_leaderboard", 0},
};

const yt_module distribution_module = {
    .name = "distribution",
    .migrations = migrations, .nmigrations = YT_COUNT(migrations),
    .keyed = keyed, .nkeyed = YT_COUNT(keyed),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
