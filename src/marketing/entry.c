/* Marketing (lotteries and red packets): the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const yt_migration migrations[] = {
    /* lotteries, their prizes (stock_left falls with each draw, never below 0; a 'none' prize has no stock) and
     * every draw (the audit trail); red packets, their shares split when the packet is made, and each claim
     * (a customer's red-packet balance). Version 18 is taken by another change. */
    {19,
     /* SQLite */
     "CREATE TABLE lotteries(id INTEGER PRIMARY KEY, name TEXT NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,"
     "  cost_points INTEGER NOT NULL CHECK (cost_points >= 0), free_per_day INTEGER NOT NULL CHECK (free_per_day >= 0),"
     "  max_draws_per_day INTEGER, stopped_at INTEGER, created_by INTEGER, created_at INTEGER NOT NULL,"
     "  updated_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE lottery_prizes(id INTEGER PRIMARY KEY, lottery_id INTEGER NOT NULL REFERENCES lotteries(id),"
     "  seq INTEGER NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, points INTEGER NOT NULL DEFAULT 0, stock INTEGER,"
     "  stock_left INTEGER CHECK (stock_left >= 0), weight INTEGER NOT NULL CHECK (weight > 0), UNIQUE(lottery_id, seq)) STRICT;"
     "CREATE TABLE lottery_draws(id INTEGER PRIMARY KEY, lottery_id INTEGER NOT NULL REFERENCES lotteries(id),"
     "  customer_id INTEGER NOT NULL REFERENCES customers(id), prize_id INTEGER NOT NULL REFERENCES lottery_prizes(id),"
     "  day INTEGER NOT NULL, free INTEGER NOT NULL, cost INTEGER NOT NULL, weight_total INTEGER NOT NULL,"
     "  random_value INTEGER NOT NULL, at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX lottery_draws_lottery ON lottery_draws(lottery_id, id);"
     "CREATE INDEX lottery_draws_prize ON lottery_draws(lottery_id, prize_id);"
     "CREATE INDEX lottery_draws_customer ON lottery_draws(customer_id, lottery_id, day);"
     "CREATE TABLE red_packets(id INTEGER PRIMARY KEY, name TEXT NOT NULL, mode TEXT NOT NULL,"
     "  total INTEGER NOT NULL CHECK (total > 0), count INTEGER NOT NULL CHECK (count > 0 AND count <= total),"
     "  starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL, created_by INTEGER, created_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE red_packet_shares(id INTEGER PRIMARY KEY, packet_id INTEGER NOT NULL REFERENCES red_packets(id),"
     "  seq INTEGER NOT NULL, amount INTEGER NOT NULL CHECK (amount >= 1), best_luck INTEGER NOT NULL, claimed_at INTEGER,"
     "  UNIQUE(packet_id, seq)) STRICT;"
     "CREATE INDEX red_packet_shares_open ON red_packet_shares(packet_id, seq) WHERE claimed_at IS NULL;"
     "CREATE TABLE red_packet_claims(id INTEGER PRIMARY KEY, packet_id INTEGER NOT NULL REFERENCES red_packets(id),"
     "  share_id INTEGER NOT NULL UNIQUE REFERENCES red_packet_shares(id), customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  amount INTEGER NOT NULL CHECK (amount >= 1), best_luck INTEGER NOT NULL, at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX red_packet_claims_packet ON red_packet_claims(packet_id, id);"
     "CREATE INDEX red_packet_claims_customer ON red_packet_claims(customer_id, packet_id);",
     /* PostgreSQL */
     "CREATE TABLE lotteries(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL,"
     "  cost_points BIGINT NOT NULL CHECK (cost_points >= 0), free_per_day BIGINT NOT NULL CHECK (free_per_day >= 0),"
     "  max_draws_per_day BIGINT, stopped_at BIGINT, created_by BIGINT, created_at BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL);"
     "CREATE TABLE lottery_prizes(id BIGSERIAL PRIMARY KEY, lottery_id BIGINT NOT NULL REFERENCES lotteries(id),"
     "  seq BIGINT NOT NULL, name TEXT NOT NULL, kind TEXT NOT NULL, points BIGINT NOT NULL DEFAULT 0, stock BIGINT,"
     "  stock_left BIGINT CHECK (stock_left >= 0), weight BIGINT NOT NULL CHECK (weight > 0), UNIQUE(lottery_id, seq));"
     "CREATE TABLE lottery_draws(id BIGSERIAL PRIMARY KEY, lottery_id BIGINT NOT NULL REFERENCES lotteries(id),"
     "  customer_id BIGINT NOT NULL REFERENCES customers(id), prize_id BIGINT NOT NULL REFERENCES lottery_prizes(id),"
     "  day BIGINT NOT NULL, free BOOLEAN NOT NULL, cost BIGINT NOT NULL, weight_total BIGINT NOT NULL,"
     "  random_value BIGINT NOT NULL, at BIGINT NOT NULL);"
     "CREATE INDEX lottery_draws_lottery ON lottery_draws(lottery_id, id);"
     "CREATE INDEX lottery_draws_prize ON lottery_draws(lottery_id, prize_id);"
     "CREATE INDEX lottery_draws_customer ON lottery_draws(customer_id, lottery_id, day);"
     "CREATE TABLE red_packets(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, mode TEXT NOT NULL,"
     "  total BIGINT NOT NULL CHECK (total > 0), count BIGINT NOT NULL CHECK (count > 0 AND count <= total),"
     "  starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL, created_by BIGINT, created_at BIGINT NOT NULL);"
     "CREATE TABLE red_packet_shares(id BIGSERIAL PRIMARY KEY, packet_id BIGINT NOT NULL REFERENCES red_packets(id),"
     "  seq BIGINT NOT NULL, amount BIGINT NOT NULL CHECK (amount >= 1), best_luck BOOLEAN NOT NULL, claimed_at BIGINT,"
     "  UNIQUE(packet_id, seq));"
     "CREATE INDEX red_packet_shares_open ON red_packet_shares(packet_id, seq) WHERE claimed_at IS NULL;"
     "CREATE TABLE red_packet_claims(id BIGSERIAL PRIMARY KEY, packet_id BIGINT NOT NULL REFERENCES red_packets(id),"
     "  share_id BIGINT NOT NULL UNIQUE REFERENCES red_packet_shares(id), customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  amount BIGINT NOT NULL CHECK (amount >= 1), best_luck BOOLEAN NOT NULL, at BIGINT NOT NULL);"
     "CREATE INDEX red_packet_claims_packet ON red_packet_claims(packet_id, id);"
     "CREATE INDEX red_packet_claims_customer ON red_packet_claims(customer_id, packet_id);"},
    /* red packets stopped before their end (their ends_at becomes the stop) */
    {30,
     /* SQLite */
     "ALTER TABLE red_packets ADD COLUMN stopped_at INTEGER;",
     /* PostgreSQL */
     "ALTER TABLE red_packets ADD COLUMN stopped_at BIGINT;"},
};

/* Neither table has a unique key per customer (one claim per packet is held by the customer's row lock), so a
 * merge moves every row: a person who claimed one packet from two records keeps both shares, which were paid. */
static const customer_keyed keyed[] = {
    {"lottery_draws", "customer_id", "UPDATE lottery_draws SET customer_id = ? WHERE customer_id = ?", NULL, 0,
     "the draws are the lotteries' audit trail (prize, cost, random value; nothing personal) and stay on the anonymous shell",
     NULL, NULL},
    {"red_packet_claims", "customer_id", "UPDATE red_packet_claims SET customer_id = ? WHERE customer_id = ?", NULL, 0,
     "claims are money the brand paid out (amounts only, nothing personal) and stay for its books on the anonymous shell",
     NULL, NULL},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"GET", "/api/v1/lotteries", h_lottery_list, P(COMMERCE_READ), 0, "lottery.list", 0},
    {"POST", "/api/v1/lotteries", h_lottery_create, P(COMMERCE_WRITE), ROUTE_JSON, "lottery.create", 0},
    {"GET", "/api/v1/lotteries/{id}", h_lottery_get, P(COMMERCE_READ), 0, "lottery.get", 0},
    {"GET", "/api/v1/lotteries/{id}/stats", h_lottery_stats, P(COMMERCE_READ), 0, "lottery.stats", 0},
    {"POST", "/api/v1/lotteries/{id}/stop", h_lottery_stop, P(COMMERCE_WRITE), 0, "lottery.stop", 0},
    {"GET", "/api/v1/lotteries/{id}/draws", h_lottery_draws, P(COMMERCE_READ) | P(CUSTOMERS_READ), 0, "lottery.draws", 0},
    {"GET", "/api/v1/red-packets", h_red_packet_list, P(COMMERCE_READ), 0, "red_packet.list", 0},
    {"POST", "/api/v1/red-packets", h_red_packet_create, P(COMMERCE_WRITE), ROUTE_JSON, "red_packet.create", 0},
    {"GET", "/api/v1/red-packets/{id}", h_red_packet_get, P(COMMERCE_READ), 0, "red_packet.get", 0},
    {"GET", "/api/v1/red-packets/{id}/stats", h_red_packet_stats, P(COMMERCE_READ), 0, "red_packet.stats", 0},
    {"POST", "/api/v1/red-packets/{id}/stop", h_red_packet_stop, P(COMMERCE_WRITE), 0, "red_packet.stop", 0},
    {"GET", "/api/v1/red-packets/{id}/claims", h_red_packet_claims, P(COMMERCE_READ) | P(CUSTOMERS_READ), 0,
     "red_packet.claims", 0},
    /* a member draws and claims for themselves only */
    {"GET", "/api/v1/member/lotteries/{id}", h_member_lottery, 0, ROUTE_MEMBER, "member.lottery", 0},
    {"POST", "/api/v1/member/lotteries/{id}/draws", h_member_lottery_draw, 0, ROUTE_MEMBER | ROUTE_JSON, "member.lottery_draw", 0},
    {"GET", "/api/v1/member/red-packets/{id}", h_member_red_packet, 0, ROUTE_MEMBER, "member.red_packet", 0},
    {"POST", "/api/v1/member/red-packets/{id}/claims", h_member_red_packet_claim, 0, ROUTE_MEMBER | ROUTE_JSON,
     "member.red_packet_claim", 0},
};

const yt_module marketing_module = {
    .name = "marketing",
    .migrations = migrations, .nmigrations = YT_COUNT(migrations),
    .keyed = keyed, .nkeyed = YT_COUNT(keyed),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
