/* Commerce (catalog, flash sales, mall orders and their payments): the module entry. */
#include "../module.h"
#include "../api/handlers.h"

static const yt_migration migrations[] = {
    /* the catalog: products, their SKUs, and every stock change */
    {15,
     /* SQLite */
     "CREATE TABLE products(id INTEGER PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',"
     "  category TEXT NOT NULL DEFAULT '', images TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL DEFAULT 'on',"
     "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
     "CREATE TABLE skus(id INTEGER PRIMARY KEY, product_id INTEGER NOT NULL REFERENCES products(id), name TEXT NOT NULL,"
     "  specs TEXT NOT NULL DEFAULT '{}', price INTEGER NOT NULL CHECK (price >= 0), stock INTEGER NOT NULL CHECK (stock >= 0),"
     "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX skus_product ON skus(product_id);"
     "CREATE TABLE stock_moves(id INTEGER PRIMARY KEY, sku_id INTEGER NOT NULL, delta INTEGER NOT NULL,"
     "  stock_after INTEGER NOT NULL, reason TEXT NOT NULL, ref TEXT NOT NULL DEFAULT '', staff_id INTEGER,"
     "  at INTEGER NOT NULL) STRICT;"
     "CREATE INDEX stock_moves_sku ON stock_moves(sku_id, id);",
     /* PostgreSQL */
     "CREATE TABLE products(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, description TEXT NOT NULL DEFAULT '',"
     "  category TEXT NOT NULL DEFAULT '', images TEXT NOT NULL DEFAULT '[]', status TEXT NOT NULL DEFAULT 'on',"
     "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE TABLE skus(id BIGSERIAL PRIMARY KEY, product_id BIGINT NOT NULL REFERENCES products(id), name TEXT NOT NULL,"
     "  specs TEXT NOT NULL DEFAULT '{}', price BIGINT NOT NULL CHECK (price >= 0), stock BIGINT NOT NULL CHECK (stock >= 0),"
     "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL);"
     "CREATE INDEX skus_product ON skus(product_id);"
     "CREATE TABLE stock_moves(id BIGSERIAL PRIMARY KEY, sku_id BIGINT NOT NULL, delta BIGINT NOT NULL,"
     "  stock_after BIGINT NOT NULL, reason TEXT NOT NULL, ref TEXT NOT NULL DEFAULT '', staff_id BIGINT,"
     "  at BIGINT NOT NULL);"
     "CREATE INDEX stock_moves_sku ON stock_moves(sku_id, id);"},
    /* flash sales (sold: the units pending and paid orders hold, which the store never lets pass the stock,
     * whatever the instances' counters say), and the mall's own orders (one SKU line each for now) with their
     * payment */
    {16,
     /* SQLite */
     "CREATE TABLE flash_sales(id INTEGER PRIMARY KEY, name TEXT NOT NULL, sku_id INTEGER NOT NULL REFERENCES skus(id),"
     "  price INTEGER NOT NULL, stock INTEGER NOT NULL, per_customer_limit INTEGER NOT NULL, starts_at INTEGER NOT NULL,"
     "  ends_at INTEGER NOT NULL, pay_window_ms INTEGER NOT NULL, sold INTEGER NOT NULL DEFAULT 0, created_by INTEGER,"
     "  created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL, CHECK (sold >= 0 AND sold <= stock)) STRICT;"
     "CREATE TABLE mall_orders(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  kind TEXT NOT NULL, activity_id INTEGER, sku_id INTEGER NOT NULL, quantity INTEGER NOT NULL,"
     "  unit_price INTEGER NOT NULL, total INTEGER NOT NULL, status TEXT NOT NULL, created_at INTEGER NOT NULL,"
     "  pay_by INTEGER, paid_at INTEGER, closed_at INTEGER, pay_provider TEXT, pay_txn TEXT, staff_id INTEGER) STRICT;"
     "CREATE INDEX mall_orders_customer ON mall_orders(customer_id, id);"
     "CREATE INDEX mall_orders_pending ON mall_orders(status, pay_by);"
     "CREATE UNIQUE INDEX mall_orders_payment ON mall_orders(pay_provider, pay_txn);",
     /* PostgreSQL */
     "CREATE TABLE flash_sales(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, sku_id BIGINT NOT NULL REFERENCES skus(id),"
     "  price BIGINT NOT NULL, stock BIGINT NOT NULL, per_customer_limit BIGINT NOT NULL, starts_at BIGINT NOT NULL,"
     "  ends_at BIGINT NOT NULL, pay_window_ms BIGINT NOT NULL, sold BIGINT NOT NULL DEFAULT 0, created_by BIGINT,"
     "  created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL, CHECK (sold >= 0 AND sold <= stock));"
     "CREATE TABLE mall_orders(id BIGSERIAL PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  kind TEXT NOT NULL, activity_id BIGINT, sku_id BIGINT NOT NULL, quantity BIGINT NOT NULL,"
     "  unit_price BIGINT NOT NULL, total BIGINT NOT NULL, status TEXT NOT NULL, created_at BIGINT NOT NULL,"
     "  pay_by BIGINT, paid_at BIGINT, closed_at BIGINT, pay_provider TEXT, pay_txn TEXT, staff_id BIGINT);"
     "CREATE INDEX mall_orders_customer ON mall_orders(customer_id, id);"
     "CREATE INDEX mall_orders_pending ON mall_orders(status, pay_by);"
     "CREATE UNIQUE INDEX mall_orders_payment ON mall_orders(pay_provider, pay_txn);"},
    /* coupons and the coupons customers hold; mall orders of several lines, with their discounts and shipping */
    {18,
     /* SQLite */
     "CREATE TABLE coupons(id INTEGER PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, threshold INTEGER NOT NULL,"
     "  amount_off INTEGER NOT NULL, percent_off INTEGER NOT NULL, max_off INTEGER NOT NULL, new_customers_only INTEGER NOT NULL,"
     "  stackable INTEGER NOT NULL, total INTEGER NOT NULL, issued INTEGER NOT NULL DEFAULT 0, per_customer INTEGER NOT NULL,"
     "  claim_starts INTEGER NOT NULL, claim_ends INTEGER NOT NULL, valid_days INTEGER NOT NULL, valid_until INTEGER,"
     "  scope TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'active', created_by INTEGER, created_at INTEGER NOT NULL,"
     "  updated_at INTEGER NOT NULL, CHECK (issued >= 0 AND issued <= total)) STRICT;"
     "CREATE TABLE coupon_scope(coupon_id INTEGER NOT NULL REFERENCES coupons(id), product_id INTEGER, category TEXT) STRICT;"
     "CREATE INDEX coupon_scope_coupon ON coupon_scope(coupon_id);"
     "CREATE TABLE customer_coupons(id INTEGER PRIMARY KEY, coupon_id INTEGER NOT NULL REFERENCES coupons(id),"
     "  customer_id INTEGER NOT NULL REFERENCES customers(id), seq INTEGER NOT NULL, source TEXT NOT NULL,"
     "  status TEXT NOT NULL DEFAULT 'unused', valid_from INTEGER NOT NULL, valid_until INTEGER NOT NULL,"
     "  claimed_at INTEGER NOT NULL, used_at INTEGER, order_id INTEGER, UNIQUE(coupon_id, customer_id, seq)) STRICT;"
     "CREATE INDEX customer_coupons_customer ON customer_coupons(customer_id, id);"
     "CREATE INDEX customer_coupons_order ON customer_coupons(order_id);"
     "ALTER TABLE mall_orders ADD COLUMN goods_total INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE mall_orders ADD COLUMN discount INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE mall_orders ADD COLUMN points_used INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE mall_orders ADD COLUMN points_value INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE mall_orders ADD COLUMN shipped_at INTEGER;"
     "ALTER TABLE mall_orders ADD COLUMN completed_at INTEGER;"
     "ALTER TABLE mall_orders ADD COLUMN carrier TEXT;"
     "ALTER TABLE mall_orders ADD COLUMN tracking_no TEXT;"
     "ALTER TABLE mall_orders ADD COLUMN cancel_reason TEXT;"
     "ALTER TABLE mall_orders ADD COLUMN member_discount INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE mall_orders ADD COLUMN refunded INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE mall_orders ADD COLUMN refunded_quantity INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE mall_orders ADD COLUMN points_returned INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE mall_orders ADD COLUMN points_clawed INTEGER NOT NULL DEFAULT 0;"
     "CREATE TABLE mall_order_items(id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES mall_orders(id),"
     "  sku_id INTEGER NOT NULL, product_id INTEGER NOT NULL, name TEXT NOT NULL, quantity INTEGER NOT NULL,"
     "  unit_price INTEGER NOT NULL, subtotal INTEGER NOT NULL, refunded_quantity INTEGER NOT NULL DEFAULT 0,"
     "  CHECK (refunded_quantity >= 0 AND refunded_quantity <= quantity)) STRICT;"
     "CREATE INDEX mall_order_items_order ON mall_order_items(order_id);"
     "CREATE TABLE mall_refunds(id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES mall_orders(id),"
     "  amount INTEGER NOT NULL, quantity INTEGER NOT NULL, points_returned INTEGER NOT NULL, points_clawed INTEGER NOT NULL,"
     "  coupons_returned INTEGER NOT NULL, restock INTEGER NOT NULL, reason TEXT NOT NULL, lines TEXT NOT NULL,"
     "  status TEXT NOT NULL, provider TEXT, staff_id INTEGER, created_at INTEGER NOT NULL, settled_at INTEGER) STRICT;"
     "CREATE INDEX mall_refunds_order ON mall_refunds(order_id, id);"
     "CREATE TABLE after_sales(id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES mall_orders(id),"
     "  customer_id INTEGER NOT NULL REFERENCES customers(id), kind TEXT NOT NULL, reason TEXT NOT NULL,"
     "  status TEXT NOT NULL DEFAULT 'open', priority INTEGER NOT NULL, resolution TEXT NOT NULL DEFAULT '',"
     "  staff_id INTEGER, created_at INTEGER NOT NULL, resolved_at INTEGER) STRICT;"
     "CREATE INDEX after_sales_queue ON after_sales(status, priority, id);"
     "CREATE INDEX after_sales_customer ON after_sales(customer_id, id);"
     "CREATE INDEX mall_orders_activity ON mall_orders(activity_id, customer_id, status, quantity);",
     /* PostgreSQL */
     "CREATE TABLE coupons(id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL, kind TEXT NOT NULL, threshold BIGINT NOT NULL,"
     "  amount_off BIGINT NOT NULL, percent_off BIGINT NOT NULL, max_off BIGINT NOT NULL, new_customers_only BOOLEAN NOT NULL,"
     "  stackable BOOLEAN NOT NULL, total BIGINT NOT NULL, issued BIGINT NOT NULL DEFAULT 0, per_customer BIGINT NOT NULL,"
     "  claim_starts BIGINT NOT NULL, claim_ends BIGINT NOT NULL, valid_days BIGINT NOT NULL, valid_until BIGINT,"
     "  scope TEXT NOT NULL, status TEXT NOT NULL DEFAULT 'active', created_by BIGINT, created_at BIGINT NOT NULL,"
     "  updated_at BIGINT NOT NULL, CHECK (issued >= 0 AND issued <= total));"
     "CREATE TABLE coupon_scope(coupon_id BIGINT NOT NULL REFERENCES coupons(id), product_id BIGINT, category TEXT);"
     "CREATE INDEX coupon_scope_coupon ON coupon_scope(coupon_id);"
     "CREATE TABLE customer_coupons(id BIGSERIAL PRIMARY KEY, coupon_id BIGINT NOT NULL REFERENCES coupons(id),"
     "  customer_id BIGINT NOT NULL REFERENCES customers(id), seq BIGINT NOT NULL, source TEXT NOT NULL,"
     "  status TEXT NOT NULL DEFAULT 'unused', valid_from BIGINT NOT NULL, valid_until BIGINT NOT NULL,"
     "  claimed_at BIGINT NOT NULL, used_at BIGINT, order_id BIGINT, UNIQUE(coupon_id, customer_id, seq));"
     "CREATE INDEX customer_coupons_customer ON customer_coupons(customer_id, id);"
     "CREATE INDEX customer_coupons_order ON customer_coupons(order_id);"
     "ALTER TABLE mall_orders ADD COLUMN goods_total BIGINT NOT NULL DEFAULT 0, ADD COLUMN discount BIGINT NOT NULL DEFAULT 0,"
     "  ADD COLUMN points_used BIGINT NOT NULL DEFAULT 0, ADD COLUMN points_value BIGINT NOT NULL DEFAULT 0,"
     "  ADD COLUMN shipped_at BIGINT, ADD COLUMN completed_at BIGINT, ADD COLUMN carrier TEXT, ADD COLUMN tracking_no TEXT,"
     "  ADD COLUMN cancel_reason TEXT, ADD COLUMN member_discount BIGINT NOT NULL DEFAULT 0, ADD COLUMN refunded BIGINT NOT NULL DEFAULT 0,"
     "  ADD COLUMN refunded_quantity BIGINT NOT NULL DEFAULT 0, ADD COLUMN points_returned BIGINT NOT NULL DEFAULT 0,"
     "  ADD COLUMN points_clawed BIGINT NOT NULL DEFAULT 0;"
     "CREATE TABLE mall_order_items(id BIGSERIAL PRIMARY KEY, order_id BIGINT NOT NULL REFERENCES mall_orders(id),"
     "  sku_id BIGINT NOT NULL, product_id BIGINT NOT NULL, name TEXT NOT NULL, quantity BIGINT NOT NULL,"
     "  unit_price BIGINT NOT NULL, subtotal BIGINT NOT NULL, refunded_quantity BIGINT NOT NULL DEFAULT 0,"
     "  CHECK (refunded_quantity >= 0 AND refunded_quantity <= quantity));"
     "CREATE INDEX mall_order_items_order ON mall_order_items(order_id);"
     "CREATE TABLE mall_refunds(id BIGSERIAL PRIMARY KEY, order_id BIGINT NOT NULL REFERENCES mall_orders(id),"
     "  amount BIGINT NOT NULL, quantity BIGINT NOT NULL, points_returned BIGINT NOT NULL, points_clawed BIGINT NOT NULL,"
     "  coupons_returned BOOLEAN NOT NULL, restock BOOLEAN NOT NULL, reason TEXT NOT NULL, lines TEXT NOT NULL,"
     "  status TEXT NOT NULL, provider TEXT, staff_id BIGINT, created_at BIGINT NOT NULL, settled_at BIGINT);"
     "CREATE INDEX mall_refunds_order ON mall_refunds(order_id, id);"
     "CREATE TABLE after_sales(id BIGSERIAL PRIMARY KEY, order_id BIGINT NOT NULL REFERENCES mall_orders(id),"
     "  customer_id BIGINT NOT NULL REFERENCES customers(id), kind TEXT NOT NULL, reason TEXT NOT NULL,"
     "  status TEXT NOT NULL DEFAULT 'open', priority BIGINT NOT NULL, resolution TEXT NOT NULL DEFAULT '',"
     "  staff_id BIGINT, created_at BIGINT NOT NULL, resolved_at BIGINT);"
     "CREATE INDEX after_sales_queue ON after_sales(status, priority, id);"
     "CREATE INDEX after_sales_customer ON after_sales(customer_id, id);"
     "CREATE INDEX mall_orders_activity ON mall_orders(activity_id, customer_id, status, quantity);"},
    /* flash-sale stock leased to instances: a sale's taken units are those on lease or held by pending and
     * paid orders (stock - taken is its pool); each instance's lease (renewed while it lives); each buyer's
     * units in a sale, which never pass its limit whichever instance sold them */
    {22,
     /* SQLite */
     "ALTER TABLE flash_sales RENAME COLUMN sold TO taken;"
     "CREATE TABLE flash_leases(sale_id INTEGER NOT NULL REFERENCES flash_sales(id), instance TEXT NOT NULL,"
     "  held INTEGER NOT NULL CHECK (held >= 0), renewed_at INTEGER NOT NULL, PRIMARY KEY (sale_id, instance)) STRICT;"
     "CREATE INDEX flash_leases_instance ON flash_leases(instance);"
     "CREATE TABLE flash_buyers(sale_id INTEGER NOT NULL REFERENCES flash_sales(id),"
     "  customer_id INTEGER NOT NULL REFERENCES customers(id), quantity INTEGER NOT NULL CHECK (quantity >= 0),"
     "  PRIMARY KEY (sale_id, customer_id)) STRICT, WITHOUT ROWID;"
     "CREATE INDEX flash_buyers_customer ON flash_buyers(customer_id);"
     "INSERT INTO flash_buyers(sale_id, customer_id, quantity) SELECT activity_id, customer_id, SUM(quantity)"
     "  FROM mall_orders WHERE kind = 'flash' AND status <> 'released' GROUP BY activity_id, customer_id;",
     /* PostgreSQL */
     "ALTER TABLE flash_sales RENAME COLUMN sold TO taken;"
     "CREATE TABLE flash_leases(sale_id BIGINT NOT NULL REFERENCES flash_sales(id), instance TEXT NOT NULL,"
     "  held BIGINT NOT NULL CHECK (held >= 0), renewed_at BIGINT NOT NULL, PRIMARY KEY (sale_id, instance));"
     "CREATE INDEX flash_leases_instance ON flash_leases(instance);"
     "CREATE TABLE flash_buyers(sale_id BIGINT NOT NULL REFERENCES flash_sales(id),"
     "  customer_id BIGINT NOT NULL REFERENCES customers(id), quantity BIGINT NOT NULL CHECK (quantity >= 0),"
     "  PRIMARY KEY (sale_id, customer_id));"
     "CREATE INDEX flash_buyers_customer ON flash_buyers(customer_id);"
     "INSERT INTO flash_buyers(sale_id, customer_id, quantity) SELECT activity_id, customer_id, SUM(quantity)"
     "  FROM mall_orders WHERE kind = 'flash' AND status <> 'released' GROUP BY activity_id, customer_id;"},
    /* refunds asked of WeChat Pay's refund API: when it was asked, the claim of the instance asking, how often,
     * and what WeChat Pay said */
    {24,
     /* SQLite */
     "ALTER TABLE mall_refunds ADD COLUMN submitted_at INTEGER;"
     "ALTER TABLE mall_refunds ADD COLUMN claim_until INTEGER;"
     "ALTER TABLE mall_refunds ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;"
     "ALTER TABLE mall_refunds ADD COLUMN provider_status TEXT;"
     "ALTER TABLE mall_refunds ADD COLUMN provider_note TEXT NOT NULL DEFAULT '';"
     "CREATE INDEX mall_refunds_unasked ON mall_refunds(status, submitted_at);",
     /* PostgreSQL */
     "ALTER TABLE mall_refunds ADD COLUMN submitted_at BIGINT, ADD COLUMN claim_until BIGINT,"
     "  ADD COLUMN attempts BIGINT NOT NULL DEFAULT 0, ADD COLUMN provider_status TEXT,"
     "  ADD COLUMN provider_note TEXT NOT NULL DEFAULT '';"
     "CREATE INDEX mall_refunds_unasked ON mall_refunds(status, submitted_at);"},
    /* the team and payment indexes keep only the orders that have one: most orders (every flash order at
     * first) have neither, and an index entry per order was written for nothing; lookups by a team or a
     * payment name it, so they use the partial index all the same, and a payment is still unique */
    {27,
     /* SQLite */
     "DROP INDEX mall_orders_team;"
     "CREATE INDEX mall_orders_team ON mall_orders(team_id) WHERE team_id IS NOT NULL;"
     "DROP INDEX mall_orders_payment;"
     "CREATE UNIQUE INDEX mall_orders_payment ON mall_orders(pay_provider, pay_txn) WHERE pay_txn IS NOT NULL;",
     /* PostgreSQL */
     "DROP INDEX mall_orders_team;"
     "CREATE INDEX mall_orders_team ON mall_orders(team_id) WHERE team_id IS NOT NULL;"
     "DROP INDEX mall_orders_payment;"
     "CREATE UNIQUE INDEX mall_orders_payment ON mall_orders(pay_provider, pay_txn) WHERE pay_txn IS NOT NULL;"},
    /* a flash sale stopped before its end (its ends_at becomes the stop) */
    {28,
     /* SQLite */
     "ALTER TABLE flash_sales ADD COLUMN stopped_at INTEGER;",
     /* PostgreSQL */
     "ALTER TABLE flash_sales ADD COLUMN stopped_at BIGINT;"},
    /* a flash sale settled after its end: what no order holds went back to the SKU. Sales already over count
     * as closed with nothing returned, as they were: their shelves may have been set right by hand since. */
    {29,
     /* SQLite */
     "ALTER TABLE flash_sales ADD COLUMN closed_at INTEGER;"
     "ALTER TABLE flash_sales ADD COLUMN returned INTEGER NOT NULL DEFAULT 0;"
     "UPDATE flash_sales SET closed_at = ends_at WHERE ends_at <= CAST(strftime('%s', 'now') AS INTEGER) * 1000;",
     /* PostgreSQL */
     "ALTER TABLE flash_sales ADD COLUMN closed_at BIGINT;"
     "ALTER TABLE flash_sales ADD COLUMN returned BIGINT NOT NULL DEFAULT 0;"
     "UPDATE flash_sales SET closed_at = ends_at WHERE ends_at <= CAST(EXTRACT(EPOCH FROM now()) * 1000 AS BIGINT);"},
    /* a refund WeChat Pay closed or refused, settled by hand (the money returned in the merchant platform) */
    {31,
     /* SQLite */
     "ALTER TABLE mall_refunds ADD COLUMN hand_note TEXT;"
     "ALTER TABLE mall_refunds ADD COLUMN hand_by INTEGER;"
     "ALTER TABLE mall_refunds ADD COLUMN hand_at INTEGER;",
     /* PostgreSQL */
     "ALTER TABLE mall_refunds ADD COLUMN hand_note TEXT, ADD COLUMN hand_by BIGINT, ADD COLUMN hand_at BIGINT;"},
    /* an activity's orders by status, newest last: a hot sale's new orders go to the end of its pending run
     * instead of a page of their customer's (each order wrote a page of its own there, and a checkpoint copied
     * it again); a customer's orders of an activity are found through the customer's index */
    {35,
     /* SQLite */
     "DROP INDEX mall_orders_activity;"
     "CREATE INDEX mall_orders_activity ON mall_orders(activity_id, status, id);",
     /* PostgreSQL */
     "DROP INDEX mall_orders_activity;"
     "CREATE INDEX mall_orders_activity ON mall_orders(activity_id, status, id);"},
    /* the flash order journal (flash_journal.h): a hot sale's orders, pending, before they are filed into
     * mall_orders; ids are mall_orders' own (the sequence, or on SQLite above every order's); by sale, for its
     * counts (a group's rows go to the end of its sale's run) */
    {36,
     /* SQLite */
     "CREATE TABLE flash_journal(id INTEGER PRIMARY KEY, customer_id INTEGER NOT NULL REFERENCES customers(id),"
     "  activity_id INTEGER NOT NULL, sku_id INTEGER NOT NULL, quantity INTEGER NOT NULL, unit_price INTEGER NOT NULL,"
     "  total INTEGER NOT NULL, created_at INTEGER NOT NULL, pay_by INTEGER NOT NULL, staff_id INTEGER) STRICT;"
     "CREATE INDEX flash_journal_sale ON flash_journal(activity_id, id);",
     /* PostgreSQL */
     "CREATE TABLE flash_journal(id BIGINT PRIMARY KEY, customer_id BIGINT NOT NULL REFERENCES customers(id),"
     "  activity_id BIGINT NOT NULL, sku_id BIGINT NOT NULL, quantity BIGINT NOT NULL, unit_price BIGINT NOT NULL,"
     "  total BIGINT NOT NULL, created_at BIGINT NOT NULL, pay_by BIGINT NOT NULL, staff_id BIGINT);"
     "CREATE INDEX flash_journal_sale ON flash_journal(activity_id, id);"},
    /* a refund WeChat Pay closed or refused, asked for again by staff: the round it is in (out_refund_no) */
    {38,
     /* SQLite */
     "ALTER TABLE mall_refunds ADD COLUMN provider_round INTEGER NOT NULL DEFAULT 1;",
     /* PostgreSQL */
     "ALTER TABLE mall_refunds ADD COLUMN provider_round BIGINT NOT NULL DEFAULT 1;"},
};

static const customer_keyed keyed[] = {
    {"mall_orders", "customer_id", "UPDATE mall_orders SET customer_id = ? WHERE customer_id = ?", NULL, 0,
     "orders stay for the brand's books, linked to the anonymous shell; they hold no personal data", NULL, NULL},
    /* flash orders not yet filed into mall_orders: the same as the orders they become */
    {"flash_journal", "customer_id", "UPDATE flash_journal SET customer_id = ? WHERE customer_id = ?", NULL, 0,
     "flash orders stay for the brand's books, linked to the anonymous shell; they hold no personal data", NULL, NULL},
    /* after-sales tickets hold the customer's own words: they follow a merge and go with an erasure */
    {"after_sales", "customer_id", "UPDATE after_sales SET customer_id = ? WHERE customer_id = ?",
     "DELETE FROM after_sales WHERE customer_id = ?", 1, NULL, NULL, NULL},
    /* a merged record's coupons are the survivor's; their claim numbers become unique by their own id */
    {"customer_coupons", "customer_id", "UPDATE customer_coupons SET customer_id = ?, seq = -id WHERE customer_id = ?", NULL, 0,
     "held and used coupons stay for the brand's books (quota, orders) on the anonymous shell; they hold no personal data",
     NULL, NULL},
    /* a merged record's units in a sale add to the survivor's (which may then be over the limit: both bought) */
    {"flash_buyers", "customer_id",
     "INSERT INTO flash_buyers(sale_id, customer_id, quantity) SELECT sale_id, ?, quantity FROM flash_buyers WHERE customer_id = ?"
     " ON CONFLICT(sale_id, customer_id) DO UPDATE SET quantity = flash_buyers.quantity + excluded.quantity",
     NULL, 0, "units bought in a sale stay with its orders on the anonymous shell; they hold no personal data",
     "DELETE FROM flash_buyers WHERE customer_id = ?", NULL},
};

static const yt_perm perms[] = {
    {"commerce.read", PERM_COMMERCE_READ, "operator,service,analyst"},
    {"commerce.write", PERM_COMMERCE_WRITE, "operator"},
    {"orders.write", PERM_ORDERS_WRITE, "operator,service,guide"},
};

#define P(x) PERM_##x

static const yt_route routes[] = {
    {"GET", "/api/v1/products", h_product_list, P(COMMERCE_READ), 0, "product.list", 0},
    {"POST", "/api/v1/products", h_product_create, P(COMMERCE_WRITE), ROUTE_JSON, "product.create", 0},
    {"GET", "/api/v1/products/{id}", h_product_get, P(COMMERCE_READ), 0, "product.get", 0},
    {"PATCH", "/api/v1/products/{id}", h_product_update, P(COMMERCE_WRITE), ROUTE_JSON, "product.update", 0},
    {"POST", "/api/v1/skus/{id}/stock", h_sku_stock, P(COMMERCE_WRITE), ROUTE_JSON, "sku.stock", 0},
    {"GET", "/api/v1/skus/{id}/stock-moves", h_sku_moves, P(COMMERCE_READ), 0, "sku.stock_moves", 0},
    {"GET", "/api/v1/flash-sales", h_flash_sale_list, P(COMMERCE_READ), 0, "flash_sale.list", 0},
    {"POST", "/api/v1/flash-sales", h_flash_sale_create, P(COMMERCE_WRITE), ROUTE_JSON, "flash_sale.create", 0},
    {"GET", "/api/v1/flash-sales/{id}", h_flash_sale_get, P(COMMERCE_READ), 0, "flash_sale.get", 0},
    {"GET", "/api/v1/flash-sales/{id}/stats", h_flash_sale_stats, P(COMMERCE_READ), 0, "flash_sale.stats", 0},
    {"POST", "/api/v1/flash-sales/{id}/stop", h_flash_sale_stop, P(COMMERCE_WRITE), 0, "flash_sale.stop", 0},
    /* ROUTE_READER: the order is reserved in memory and written by the flash committer, not the shared writer;
     * ROUTE_MEMBER: a member orders for themselves with their link */
    {"POST", "/api/v1/flash-sales/{id}/orders", h_flash_order, P(ORDERS_WRITE) | P(CUSTOMERS_READ),
     ROUTE_JSON | ROUTE_READER | ROUTE_MEMBER,
     "flash_order.create", 0},
    {"GET", "/api/v1/mall-orders", h_mall_order_list, P(COMMERCE_READ), 0, "mall_order.list", 0},
    {"POST", "/api/v1/mall-orders", h_mall_order_create, P(ORDERS_WRITE) | P(CUSTOMERS_READ), ROUTE_JSON | ROUTE_MEMBER,
     "mall_order.create", 0},
    {"GET", "/api/v1/mall-orders/{id}", h_mall_order_get, P(COMMERCE_READ), 0, "mall_order.get", 0},
    {"POST", "/api/v1/mall-orders/{id}/cancel", h_mall_order_cancel, P(ORDERS_WRITE), ROUTE_MEMBER, "mall_order.cancel", 0},
    {"POST", "/api/v1/mall-orders/{id}/ship", h_mall_order_ship, P(COMMERCE_WRITE), ROUTE_JSON, "mall_order.ship", 0},
    {"POST", "/api/v1/mall-orders/{id}/complete", h_mall_order_complete, P(ORDERS_WRITE), ROUTE_MEMBER, "mall_order.complete", 0},
    {"GET", "/api/v1/mall-orders/{id}/refunds", h_mall_order_refunds, P(COMMERCE_READ), 0, "mall_order.refunds", 0},
    {"POST", "/api/v1/mall-orders/{id}/refunds", h_mall_order_refund, P(COMMERCE_WRITE), ROUTE_JSON, "mall_order.refund", 0},
    {"POST", "/api/v1/mall-orders/{id}/refunds/{refund_id}/settle-by-hand", h_mall_refund_settle_by_hand, P(COMMERCE_WRITE),
     ROUTE_JSON, "mall_refund.settle_by_hand", 0},
    {"POST", "/api/v1/mall-orders/{id}/refunds/{refund_id}/ask-again", h_mall_refund_ask_again, P(COMMERCE_WRITE), ROUTE_JSON,
     "mall_refund.ask_again", 0},
    /* WeChat Pay's abnormal refund: a call to WeChat Pay, then the writer just to record its answer */
    {"POST", "/api/v1/mall-orders/{id}/refunds/{refund_id}/abnormal-refund", h_mall_refund_abnormal, P(COMMERCE_WRITE),
     ROUTE_JSON | ROUTE_READER, "mall_refund.abnormal_refund", 0},
    {"GET", "/api/v1/after-sales", h_after_sale_list, P(COMMERCE_READ), 0, "after_sale.list", 0},
    {"POST", "/api/v1/after-sales", h_after_sale_open, P(ORDERS_WRITE), ROUTE_JSON | ROUTE_MEMBER, "after_sale.open", 0},
    {"POST", "/api/v1/after-sales/{id}/resolve", h_after_sale_resolve, P(ORDERS_WRITE), ROUTE_JSON, "after_sale.resolve", 0},
    {"GET", "/api/v1/coupons", h_coupon_list, P(COMMERCE_READ), 0, "coupon.list", 0},
    {"POST", "/api/v1/coupons", h_coupon_create, P(COMMERCE_WRITE), ROUTE_JSON, "coupon.create", 0},
    {"GET", "/api/v1/coupons/{id}", h_coupon_get, P(COMMERCE_READ), 0, "coupon.get", 0},
    {"GET", "/api/v1/coupons/{id}/stats", h_coupon_stats, P(COMMERCE_READ), 0, "coupon.stats", 0},
    {"POST", "/api/v1/coupons/{id}/stop", h_coupon_stop, P(COMMERCE_WRITE), 0, "coupon.stop", 0},
    {"POST", "/api/v1/coupons/{id}/grants", h_coupon_grant, P(COMMERCE_WRITE) | P(CUSTOMERS_READ), ROUTE_JSON, "coupon.grant", 0},
    {"GET", "/api/v1/customers/{id}/coupons", h_customer_coupons, P(CUSTOMERS_READ), 0, "customer.coupons", 0},
    /* the sandbox payment provider's notification: signed with the sandbox secret, no token */
    {"POST", "/api/v1/payments/sandbox/notify", h_payment_sandbox_notify, 0, ROUTE_PUBLIC | ROUTE_JSON, "payment.sandbox_notify", 0},
    /* WeChat Pay API v3 notifications: signed with the platform key, no token. ROUTE_READER: verified and
     * decrypted without the writer, which is taken only to record a payment */
    {"POST", "/api/v1/payments/wechatpay/notify", h_payment_wechatpay_notify, 0, ROUTE_PUBLIC | ROUTE_JSON | ROUTE_READER,
     "payment.wechatpay_notify", 0},
    /* a member pays their own order with WeChat Pay (JSAPI prepay: a call to WeChat Pay, no store write) */
    {"POST", "/api/v1/member/orders/{id}/wechatpay", h_member_wechatpay_prepay, 0, ROUTE_MEMBER | ROUTE_READER,
     "member.wechatpay_prepay", 0},
};

const yt_module commerce_module = {
    .name = "commerce",
    .migrations = migrations, .nmigrations = YT_COUNT(migrations),
    .keyed = keyed, .nkeyed = YT_COUNT(keyed),
    .perms = perms, .nperms = YT_COUNT(perms),
    .routes = routes, .nroutes = YT_COUNT(routes),
};
