/* Loyalty (points and their ledger, check-in, member levels and member day, the points mall, points tasks): the module entry. */
#include "../module.h"
#include "../api/handlers.h"
#include "membership.h"

static const yt_migration migrations[] = {
    /* the brand's loyalty rules (one row), points and their lots, check-ins and the streak rewards they earned */
    {17,
     /* SQLite */
     "CREATE TABLE loyalty_settings(id INTEGER PRIMARY KEY CHECK (id = 1), points_per_yuan INTEGER NOT NULL,"
     "  expire_days INTEGER NOT NULL, checkin_points INTEGER NOT NULL, makeup_cost INTEGER NOT NULL,"
     "  makeup_days INTEGER NOT NULL, redeem_per_yuan INTEGER NOT NULL, redeem_max_percent INTEGER NOT NULL,"
     "  growth_per_yuan INTEGER NOT NULL, member_day INTEGER NOT NULL, member_day_points_multiplier INTEGER NOT NULL,"
     "  member_day_discount_percent INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
     "INSERT INTO loyalty_settings VALUES(1, 1, 365, 5, 20, 7, 100, 50, 1, 18, 2, 100, 0);"
     "CREATE TABLE member_levels(level INTEGER PRIMARY KEY CHECK (level BETWEEN 1 AND 20), name TEXT NOT NULL,"
     "  growth_min INTEGER NOT NULL, discount_percent INTEGER NOT NULL, free_shipping INTEGER NOT NULL,"
     "  after_sales_priority INTEGER NOT NULL, birthday_coupon_id INTEGER) STRICT;"
     "INSERT INTO member_levels VALUES(1, '普通会员', 0, 100, 0, 0, NULL), (2, '银卡会员', 1000, 98, 0, 1, NULL),"
     "  (3, '金卡会员', 5000, 95, 1, 2, NULL), (4, '钻石会员', 20000, 90, 1, 3, NULL);"
     "ALTER TABLE customers ADD COLUMN growth INTEGER NOT NULL DEFAULT 0;"
     "CREATE TABLE birthday_grants(customer_id INTEGER NOT NULL REFERENCES customers(id), year INTEGER NOT NULL,"
     "  customer_coupon_id INTEGER, at INTEGER NOT NULL, UNIQUE(customer_id, year)) STRICT;"
     "CREATE TABLE points_mall_items(id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, sku_id INTEGER,"
     "  coupon_id INTEGER, points INTEGER NOT NULL, cash INTEGER NOT NULL, stock INTEGER NOT NULL CHECK (stock >= 0),"
     "  per_customer INTEGER NOT NULL, redeemed INTEGER NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'on',"
     "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE points_mall_redemptions(id INTEGER PRIMARY KEY, item_id INTEGER NOT NULL REFERENCES points_mall_items(id),"
     "  customer_id INTEGER NOT NULL REFERENCES customers(id), quantity INTEGER NOT NULL, points INTEGER NOT NULL,"
     "  cash INTEGER NOT NULL, order_id INTEGER, status TEXT NOT NULL, created_at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX points_mall_redemptions_customer ON points_mall_redemptions(customer_id, id);"
     "CREATE INDEX points_mall_redemptions_item ON points_mall_redemptions(item_id, customer_id);"
     "CREATE TABLE checkin_streaks(days INTEGER PRIMARY KEY, points INTEGER NOT NULL) STRICT;"
     "INSERT INTO checkin_streaks VALUES(7, 50), (30, 300);"
     "CREATE TABLE points_ledger(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  delta INTEGER NOT NULL, balance_after INTEGER NOT NULL CHECK (balance_after >= 0), reason TEXT NOT NULL,"
     "  ref TEXT NOT NULL DEFAULT '', remaining INTEGER NOT NULL DEFAULT 0 CHECK (remaining >= 0), expires_at INTEGER,"
     "  staff_id INTEGER, at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX points_ledger_customer ON points_ledger(customer_id, id);"
     "CREATE INDEX points_ledger_expiry ON points_ledger(expires_at) WHERE remaining > 0;"
     "CREATE TABLE checkins(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  day INTEGER NOT NULL, makeup INTEGER NOT NULL, points INTEGER NOT NULL, cost INTEGER NOT NULL, at INTEGER NOT NULL,"
     "  UNIQUE(customer_id, day)) STRICT;"
     "CREATE TABLE checkin_rewards(customer_id INTEGER NOT NULL REFERENCES customers(id), run_start INTEGER NOT NULL,"
     "  days INTEGER NOT NULL, points INTEGER NOT NULL, at INTEGER NOT NULL, UNIQUE(customer_id, run_start, days)) STRICT;",
     /* PostgreSQL */
     "CREATE TABLE loyalty_settings(id BIGINT PRIMARY KEY CHECK (id = 1), points_per_yuan BIGINT NOT NULL,"
     "  expire_days BIGINT NOT NULL, checkin_points BIGINT NOT NULL, makeup_cost BIGINT NOT NULL,"
     "  makeup_days BIGINT NOT NULL, redeem_per_yuan BIGINT NOT NULL, redeem_max_percent BIGINT NOT NULL,"
     "  growth_per_yuan BIGINT NOT NULL, member_day BIGINT NOT NULL, member_day_points_multiplier BIGINT NOT NULL,"
     "  member_day_discount_percent BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "INSERT INTO loyalty_settings VALUES(1, 1, 365, 5, 20, 7, 100, 50, 1, 18, 2, 100, 0);"
     "CREATE TABLE member_levels(level BIGINT PRIMARY KEY CHECK (level BETWEEN 1 AND 20), name TEXT NOT NULL,"
     "  growth_min BIGINT NOT NULL, discount_percent BIGINT NOT NULL, free_shipping BOOLEAN NOT NULL,"
     "  after_sales_priority BIGINT NOT NULL, birthday_coupon_id BIGINT);"
     "INSERT INTO member_levels VALUES(1, '普通会员', 0, 100, false, 0, NULL), (2, '银卡会员', 1000, 98, false, 1, NULL),"
     "  (3, '金卡会员', 5000, 95, true, 2, NULL), (4, '钻石会员', 20000, 90, true, 3, NULL);"
     "ALTER TABLE customers ADD COLUMN growth BIGINT NOT NULL DEFAULT 0;"
     "CREATE TABLE birthday_grants(customer_id BIGINT NOT NULL REFERENCES customers(id), year BIGINT NOT NULL,"
     "  customer_coupon_id BIGINT, at BIGINT NOT NULL, UNIQUE(customer_id, year));"
     "CREATE TABLE points_mall_items(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, sku_id BIGINT,"
     "  coupon_id BIGINT, points BIGINT NOT NULL, cash BIGINT NOT NULL, stock BIGINT NOT NULL CHECK (stock >= 0),"
     "  per_customer BIGINT NOT NULL, redeemed BIGINT NOT NULL DEFAULT 0, status TEXT NOT NULL DEFAULT 'on',"
     "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE TABLE points_mall_redemptions(id BIGSERIAL PRIMARY KEY, item_id BIGINT NOT NULL REFERENCES points_mall_items(id),"
     "  customer_id BIGINT NOT NULL REFERENCES customers(id), quantity BIGINT NOT NULL, points BIGINT NOT NULL,"
     "  cash BIGINT NOT NULL, order_id BIGINT, status TEXT NOT NULL, created_at BIGINT NOT NULL);"
     "CREATE INDEX points_mall_redemptions_customer ON points_mall_redemptions(customer_id, id);"
     "CREATE INDEX points_mall_redemptions_item ON points_mall_redemptions(item_id, customer_id);"
     "CREATE TABLE checkin_streaks(days BIGINT PRIMARY KEY, points BIGINT NOT NULL);"
     "INSERT INTO checkin_streaks VALUES(7, 50), (30, 300);"
     "CREATE TABLE points_ledger(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  delta BIGINT NOT NULL, balance_after BIGINT NOT NULL CHECK (balance_after >= 0), reason TEXT NOT NULL,"
     "  ref TEXT NOT NULL DEFAULT '', remaining BIGINT NOT NULL DEFAULT 0 CHECK (remaining >= 0), expires_at BIGINT,"
     "  staff_id BIGINT, at BIGINT NOT NULL);"
     "CREATE INDEX points_ledger_customer ON points_ledger(customer_id, id);"
     "CREATE INDEX points_ledger_expiry ON points_ledger(expires_at) WHERE remaining > 0;"
     "CREATE TABLE checkins(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  day BIGINT NOT NULL, makeup BOOLEAN NOT NULL, points BIGINT NOT NULL, cost BIGINT NOT NULL, at BIGINT NOT NULL,"
     "  UNIQUE(customer_id, day));"
     "CREATE TABLE checkin_rewards(customer_id BIGINT NOT NULL REFERENCES customers(id), run_start BIGINT NOT NULL,"
     "  days BIGINT NOT NULL, points BIGINT NOT NULL, at BIGINT NOT NULL, UNIQUE(customer_id, run_start, days));"},
    /* points tasks: what events earn points, and each customer's count per task per day (day -1: all days) */
    {23,
     /* SQLite */
     "CREATE TABLE point_tasks(id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',"
     "  event_type TEXT NOT NULL, points INTEGER NOT NULL CHECK (points > 0), per_day INTEGER NOT NULL CHECK (per_day >= 0),"
     "  per_customer INTEGER NOT NULL CHECK (per_customer >= 0), status TEXT NOT NULL DEFAULT 'on', starts_at INTEGER NOT NULL,"
     "  ends_at INTEGER, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE point_task_progress(task_id INTEGER NOT NULL REFERENCES point_tasks(id),"
     "  customer_id INTEGER NOT NULL REFERENCES customers(id), day INTEGER NOT NULL, times INTEGER NOT NULL CHECK (times >= 0),"
     "  PRIMARY KEY (task_id, customer_id, day)) STRICT, WITHOUT ROWID;"
     "CREATE INDEX point_task_progress_customer ON point_task_progress(customer_id);",
     /* PostgreSQL */
     "CREATE TABLE point_tasks(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',"
     "  event_type TEXT NOT NULL, points BIGINT NOT NULL CHECK (points > 0), per_day BIGINT NOT NULL CHECK (per_day >= 0),"
     "  per_customer BIGINT NOT NULL CHECK (per_customer >= 0), status TEXT NOT NULL DEFAULT 'on', starts_at BIGINT NOT NULL,"
     "  ends_at BIGINT, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE TABLE point_task_progress(task_id BIGINT NOT NULL REFERENCES point_tasks(id),"
     "  customer_id BIGINT NOT NULL REFERENCES customers(id), day BIGINT NOT NULL, times BIGINT NOT NULL CHECK (times >= 0),"
     "  PRIMARY KEY (task_id, customer_id, day));"
     "CREATE INDEX point_task_progress_customer ON point_task_progress(customer_id);"},
    /* what each spend took from each lot of earned points, so points given back return there with their expiry */
    {25,
     /* SQLite */
     "CREATE TABLE points_spends(entry_id INTEGER NOT NULL REFERENCES points_ledger(id),"
     "  lot_id INTEGER NOT NULL REFERENCES points_ledger(id), amount INTEGER NOT NULL CHECK (amount > 0),"
     "  returned INTEGER NOT NULL DEFAULT 0 CHECK (returned >= 0 AND returned <= amount),"
     "  PRIMARY KEY (entry_id, lot_id)) STRICT, WITHOUT ROWID;",
     /* PostgreSQL */
     "CREATE TABLE points_spends(entry_id BIGINT NOT NULL REFERENCES points_ledger(id),"
     "  lot_id BIGINT NOT NULL REFERENCES points_ledger(id), amount BIGINT NOT NULL CHECK (amount > 0),"
     "  returned BIGINT NOT NULL DEFAULT 0 CHECK (returned >= 0 AND returned <= amount),"
     "  PRIMARY KEY (entry_id, lot_id));"},
    /* the points each task's counts earned, as they were when given (a task's points may change later) */
    {26,
     /* SQLite */
     "ALTER TABLE point_task_progress ADD COLUMN points INTEGER NOT NULL DEFAULT 0;"
     "UPDATE point_task_progress SET points = times * (SELECT points FROM point_tasks t WHERE t.id = task_id);",
     /* PostgreSQL */
     "ALTER TABLE point_task_progress ADD COLUMN points BIGINT NOT NULL DEFAULT 0;"
     "UPDATE point_task_progress SET points = times * (SELECT points FROM point_tasks t WHERE t.id = task_id);"},
    /* paid membership: the plans on sale, and the periods paid orders hold (ended_at: ended early by a refund) */
    {32,
     /* SQLite */
     "CREATE TABLE member_plans(id INTEGER PRIMARY KEY, name TEXT NOT NULL, price INTEGER NOT NULL CHECK (price > 0),"
     "  days INTEGER NOT NULL CHECK (days > 0), level INTEGER NOT NULL, status TEXT NOT NULL DEFAULT 'on',"
     "  sold INTEGER NOT NULL DEFAULT 0, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE memberships(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  plan_id INTEGER NOT NULL REFERENCES member_plans(id), order_id INTEGER NOT NULL UNIQUE REFERENCES mall_orders(id),"
     "  level INTEGER NOT NULL, days INTEGER NOT NULL, starts_at INTEGER NOT NULL, ends_at INTEGER NOT NULL,"
     "  ended_at INTEGER, created_at INTEGER NOT NULL, CHECK (ends_at >= starts_at)) STRICT;"
     "CREATE INDEX memberships_customer ON memberships(customer_id, ends_at);",
     /* PostgreSQL */
     "CREATE TABLE member_plans(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, price BIGINT NOT NULL CHECK (price > 0),"
     "  days BIGINT NOT NULL CHECK (days > 0), level BIGINT NOT NULL, status TEXT NOT NULL DEFAULT 'on',"
     "  sold BIGINT NOT NULL DEFAULT 0, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE TABLE memberships(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  plan_id BIGINT NOT NULL REFERENCES member_plans(id), order_id BIGINT NOT NULL UNIQUE REFERENCES mall_orders(id),"
     "  level BIGINT NOT NULL, days BIGINT NOT NULL, starts_at BIGINT NOT NULL, ends_at BIGINT NOT NULL,"
     "  ended_at BIGINT, created_at BIGINT NOT NULL, CHECK (ends_at >= starts_at));"
     "CREATE INDEX memberships_customer ON memberships(customer_id, ends_at);"},
    /* what a membership order bought, as the plan was when it was made (a plan changed before the payment
     * changes no order) */
    {33,
     /* SQLite */
     "CREATE TABLE membership_orders(order_id INTEGER PRIMARY KEY REFERENCES mall_orders(id),"
     "  plan_id INTEGER NOT NULL REFERENCES member_plans(id), days INTEGER NOT NULL, level INTEGER NOT NULL) STRICT;"
     "INSERT INTO membership_orders(order_id, plan_id, days, level) SELECT o.id, p.id, p.days, p.level FROM mall_orders o"
     "  JOIN member_plans p ON p.id = o.activity_id WHERE o.kind = 'membership';",
     /* PostgreSQL */
     "CREATE TABLE membership_orders(order_id BIGINT PRIMARY KEY REFERENCES mall_orders(id),"
     "  plan_id BIGINT NOT NULL REFERENCES member_plans(id), days BIGINT NOT NULL, level BIGINT NOT NULL);"
     "INSERT INTO membership_orders(order_id, plan_id, days, level) SELECT o.id, p.id, p.days, p.level FROM mall_orders o"
     "  JOIN member_plans p ON p.id = o.activity_id WHERE o.kind = 'membership';"},
    /* the periods that began or ended since the last beat, found without reading every period */
    {34,
     /* SQLite */
     "CREATE INDEX memberships_starts ON memberships(starts_at);"
     "CREATE INDEX memberships_ends ON memberships(ends_at);",
     /* PostgreSQL */
     "CREATE INDEX memberships_starts ON memberships(starts_at);"
     "CREATE INDEX memberships_ends ON memberships(ends_at);"},
    /* the customers born on a day of the year ("-MM-DD"), for the birthday coupons, without reading every
     * customer (a full read of a large store held other writers up) */
    {37,
     /* SQLite */
     "CREATE INDEX customers_birthday_day ON customers(substr(birthday, 5));",
     /* PostgreSQL */
     "CREATE INDEX customers_birthday_day ON customers((substr(birthday, 5)));"},
};

static const customer_keyed keyed[] = {
    /* a merged record's paid periods go to the survivor: those still to run follow on after the survivor's
     * (membership_merge), the rest keep their dates */
    {"memberships", "customer_id", "UPDATE memberships SET customer_id = ? WHERE customer_id = ?", NULL, 0,
     "paid periods stay for the brand's books (plans, dates, orders) on the anonymous shell; nothing personal", NULL,
     membership_merge},
    {"points_mall_redemptions", "customer_id", "UPDATE points_mall_redemptions SET customer_id = ? WHERE customer_id = ?",
     NULL, 0, "redemptions stay for the brand's books (items, points, orders) on the anonymous shell; nothing personal", NULL, NULL},
    /* a year's birthday coupon both records got is kept once */
    {"birthday_grants", "customer_id",
     "INSERT INTO birthday_grants(customer_id, year, customer_coupon_id, at) SELECT ?, year, customer_coupon_id, at"
     " FROM birthday_grants WHERE customer_id = ? ON CONFLICT(customer_id, year) DO NOTHING",
     "DELETE FROM birthday_grants WHERE customer_id = ?", 1, NULL, "DELETE FROM birthday_grants WHERE customer_id = ?", NULL},
    {"points_ledger", "customer_id", "UPDATE points_ledger SET customer_id = ? WHERE customer_id = ?", NULL, 0,
     "the points history stays for the brand's books (amounts and references, nothing personal) on the anonymous shell", NULL, NULL},
    /* a day both records checked in is kept once, the survivor's */
    {"checkins", "customer_id",
     "INSERT INTO checkins(customer_id, day, makeup, points, cost, at) SELECT ?, day, makeup, points, cost, at FROM checkins"
     " WHERE customer_id = ? ON CONFLICT(customer_id, day) DO NOTHING",
     "DELETE FROM checkins WHERE customer_id = ?", 1, NULL, "DELETE FROM checkins WHERE customer_id = ?", NULL},
    {"checkin_rewards", "customer_id",
     "INSERT INTO checkin_rewards(customer_id, run_start, days, points, at) SELECT ?, run_start, days, points, at"
     " FROM checkin_rewards WHERE customer_id = ? ON CONFLICT(customer_id, run_start, days) DO NOTHING",
     "DELETE FROM checkin_rewards WHERE customer_id = ?", 1, NULL, "DELETE FROM checkin_rewards WHERE customer_id = ?", NULL},
    /* a merged record's task counts add to the survivor's (both did it) */
    {"point_task_progress", "customer_id",
     "INSERT INTO point_task_progress(task_id, customer_id, day, times, points) SELECT task_id, ?, day, times, points"
     " FROM point_task_progress WHERE customer_id = ? ON CONFLICT(task_id, customer_id, day)"
     " DO UPDATE SET times = point_task_progress.times + excluded.times, points = point_task_progress.points + excluded.points",
     NULL, 0, "task counts stay for the brand's figures on the anonymous shell; they hold no personal data",
     "DELETE FROM point_task_progress WHERE customer_id = ?", NULL},
};

static const yt_perm perms[] = {
    {"points.write", PERM_POINTS_WRITE, "operator,service"},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"GET", "/api/v1/loyalty/settings", h_loyalty_settings_get, P(COMMERCE_READ), 0, "loyalty_settings.get", 0},
    {"PUT", "/api/v1/loyalty/settings", h_loyalty_settings_put, P(COMMERCE_WRITE), ROUTE_JSON, "loyalty_settings.update", 0},
    {"GET", "/api/v1/customers/{id}/points", h_points_get, P(CUSTOMERS_READ), 0, "points.get", 0},
    {"POST", "/api/v1/customers/{id}/points", h_points_change, P(POINTS_WRITE) | P(CUSTOMERS_READ), ROUTE_JSON, "points.change", 0},
    {"GET", "/api/v1/customers/{id}/points/ledger", h_points_ledger, P(CUSTOMERS_READ), 0, "points.ledger", 0},
    {"GET", "/api/v1/customers/{id}/checkins", h_checkin_month, P(CUSTOMERS_READ), 0, "checkin.month", 0},
    {"GET", "/api/v1/member-levels", h_member_levels_get, P(COMMERCE_READ), 0, "member_levels.get", 0},
    {"PUT", "/api/v1/member-levels", h_member_levels_put, P(COMMERCE_WRITE), ROUTE_JSON, "member_levels.update", 0},
    /* members browse the points mall and redeem for themselves */
    {"GET", "/api/v1/points-mall/items", h_points_mall_list, P(COMMERCE_READ), ROUTE_MEMBER, "points_mall.list", 0},
    {"POST", "/api/v1/points-mall/items", h_points_mall_create, P(COMMERCE_WRITE), ROUTE_JSON, "points_mall.create", 0},
    {"PATCH", "/api/v1/points-mall/items/{id}", h_points_mall_update, P(COMMERCE_WRITE), ROUTE_JSON, "points_mall.update", 0},
    {"GET", "/api/v1/points-mall/redemptions", h_points_mall_redemptions, P(COMMERCE_READ) | P(CUSTOMERS_READ), 0,
     "points_mall.redemptions", 0},
    {"POST", "/api/v1/points-mall/items/{id}/redemptions", h_points_mall_redeem, P(ORDERS_WRITE) | P(CUSTOMERS_READ),
     ROUTE_JSON | ROUTE_MEMBER, "points_mall.redeem", 0},
    {"GET", "/api/v1/point-tasks", h_task_list, P(COMMERCE_READ), 0, "point_task.list", 0},
    {"POST", "/api/v1/point-tasks", h_task_create, P(COMMERCE_WRITE), ROUTE_JSON, "point_task.create", 0},
    {"GET", "/api/v1/point-tasks/{id}", h_task_get, P(COMMERCE_READ), 0, "point_task.get", 0},
    {"PATCH", "/api/v1/point-tasks/{id}", h_task_update, P(COMMERCE_WRITE), ROUTE_JSON, "point_task.update", 0},
    {"GET", "/api/v1/member/tasks", h_member_tasks, 0, ROUTE_MEMBER, "member.tasks", 0},
    /* paid membership: staff sell plans; members see those on sale and buy for themselves */
    {"GET", "/api/v1/member-plans", h_member_plan_list, P(COMMERCE_READ), ROUTE_MEMBER, "member_plan.list", 0},
    {"POST", "/api/v1/member-plans", h_member_plan_create, P(COMMERCE_WRITE), ROUTE_JSON, "member_plan.create", 0},
    {"GET", "/api/v1/member-plans/{id}", h_member_plan_get, P(COMMERCE_READ), 0, "member_plan.get", 0},
    {"PATCH", "/api/v1/member-plans/{id}", h_member_plan_update, P(COMMERCE_WRITE), ROUTE_JSON, "member_plan.update", 0},
    {"POST", "/api/v1/member-plans/{id}/orders", h_member_plan_order, P(ORDERS_WRITE) | P(CUSTOMERS_READ), ROUTE_JSON | ROUTE_MEMBER,
     "member_plan.order", 0},
    {"GET", "/api/v1/customers/{id}/memberships", h_customer_memberships, P(CUSTOMERS_READ), 0, "membership.list", 0},
};

const yt_module loyalty_module = {
    .name = "loyalty",
    .migrations = migrations, .nmigrations = YT_COUNT(migrations),
    .keyed = keyed, .nkeyed = YT_COUNT(keyed),
    .perms = perms, .nperms = YT_COUNT(perms),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
