/* Merge and erasure reach every customer-keyed table: the schema's tables against the list, and a customer
 * with a row in each of them merged and erased (SQLite; PostgreSQL too when YT_TEST_PG_URL is set). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/crypto.h"
#include "base/timeutil.h"
#include "customer/customer.h"
#include "customer/remark.h"
#include "commerce/catalog.h"
#include "commerce/coupon.h"
#include "groupbuy/groupbuy.h"
#include "loyalty/checkin.h"
#include "loyalty/points.h"
#include "marketing/lottery.h"
#include "marketing/redpacket.h"
#include "modules.h"
#include "store/store.h"
#include "store_fixture.h"

/* the list merge and erase walk, gathered from the module entries */
static const customer_keyed *ktab(void) {
    int n;
    return modules_keyed(&n);
}

static int kcount(void) {
    int n;
    modules_keyed(&n);
    return n;
}

static const customer_keyed *listed(const char *table, const char *column) {
    for (int i = 0; i < kcount(); i++)
        if (strcmp(ktab()[i].table, table) == 0 && strcmp(ktab()[i].column, column) == 0)
            return &ktab()[i];
    return NULL;
}

/* Every column that names a customer (customer_id, merged_into, a distributor's distributor_id), in every table of
 * the schema, is in the list, and the reverse. */
static void the_list_matches_the_schema(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    yt_rows *r = db_dialect(db) == YT_PG
                     ? db_query(db,
                                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema ="
                                " current_schema() AND column_name IN ('customer_id', 'merged_into', 'distributor_id') ORDER BY 1",
                                0, NULL)
                     : db_query(db,
                                "SELECT m.name, p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p"
                                " WHERE m.type = 'table' AND p.name IN ('customer_id', 'merged_into', 'distributor_id') ORDER BY 1",
                                0, NULL);
    assert_non_null(r);
    int found = 0;
    while (rows_next(r)) {
        if (!listed(rows_text(r, 0), rows_text(r, 1)))
            fail_msg("table %s holds a customer in %s but is in no module entry's keyed list: "
                     "say in its entry what merge and erase do to it",
                     rows_text(r, 0), rows_text(r, 1));
        found++;
    }
    rows_free(r);
    assert_int_equal(found, kcount());
}

static int64_t count_where(yt_db *db, const customer_keyed *k, int64_t id) {
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE %s = ?", k->table, k->column);
    yt_param p[] = {PI(id)};
    return db_query_int(db, sql, 1, p, -1);
}

static void exec_ok(yt_db *db, const char *sql, int n, const yt_param *p) {
    if (db_exec(db, sql, n, p) < 0) fail_msg("%s: %s", sql, db_error(db));
}

/* One customer with a row in every customer-keyed table, merged into another and then erased. */
static void merge_and_erase_leave_nothing_behind(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    const char *tags[] = {"宝妈"};
    customer_input a = {.name = "被并者", .ids.v = {[ID_PHONE] = "13900001111", [ID_EMAIL] = "absorbed@example.com"}, .tags = tags, .ntags = 1};
    customer_input s = {.name = "存续者", .ids.v[ID_PHONE] = "13900002222"};
    customer_input z = {.name = "更早并入", .ids.v[ID_UNIONID] = "u-keyed-older"};
    int64_t absorbed, survivor, older, remark;
    assert_int_equal(customer_create(&x, &a, &absorbed), YT_OK);
    assert_int_equal(customer_create(&x, &s, &survivor), YT_OK);
    assert_int_equal(customer_create(&x, &z, &older), YT_OK);
    assert_int_equal(customer_merge(&x, absorbed, older), YT_OK); /* older.merged_into = absorbed */
    assert_int_equal(remark_add(&x, absorbed, "remark", "喜欢桂花味", &remark), YT_OK);
    int64_t now = now_ms();
    yt_param ev[] = {PI(absorbed), PI(now), PI(now)};
    exec_ok(db, "INSERT INTO events(customer_id, type, at, properties, key, created_at) VALUES(?, 'checkin', ?, '{}', 'k-keyed', ?)", 3, ev);
    yt_param od[] = {PI(absorbed), PI(now), PI(now)};
    exec_ok(db, "INSERT INTO orders(customer_id, platform, external_id, ordered_at, quantity, amount_fen, created_at)"
                " VALUES(?, 'tmall', 'T-keyed-1', ?, 1, 8800, ?)", 3, od);
    yt_param ik[] = {PI(now), PI(absorbed)};
    exec_ok(db, "INSERT INTO idempotency_keys(staff_id, key, request_hash, status, content_type, response, created_at,"
                " perms, customer_id) VALUES(1, 'idem-keyed', 'h', 200, 'application/json', '{\"name\":\"被并者\"}', ?, 0, ?)",
            2, ik);
    yt_param rh[] = {PI(absorbed), PI(now)};
    exec_ok(db, "INSERT INTO tag_rule_history(rule_id, customer_id, action, tag, at) VALUES(1, ?, 'add', '宝妈', ?)", 2, rh);
    exec_ok(db, "INSERT INTO lifecycle_moves(customer_id, from_stage, to_stage, at) VALUES(?, 'customer', 'fan', ?)", 2, rh);
    exec_ok(db, "INSERT INTO mall_orders(customer_id, kind, sku_id, quantity, unit_price, total, status, created_at)"
                " VALUES(?, 'flash', 1, 1, 100, 100, 'paid', ?)", 2, rh);
    yt_param fj[] = {PI(absorbed), PI(now), PI(now + 300000)}; /* a flash order not yet filed into mall_orders */
    exec_ok(db, "INSERT INTO flash_journal(id, customer_id, activity_id, sku_id, quantity, unit_price, total, created_at, pay_by)"
                " VALUES(900000000, ?, 1, 1, 1, 100, 100, ?, ?)", 3, fj);
    assert_int_equal(points_change(&x, absorbed, 120, POINTS_ADJUST, "keyed", NULL), YT_OK);
    /* both check in today and hold the same streak reward: the merge keeps the survivor's, drops the rest */
    checkin_result cr;
    assert_int_equal(checkin(&x, absorbed, brand_day(now), &cr), YT_OK);
    assert_int_equal(checkin(&x, survivor, brand_day(now), &cr), YT_OK);
    /* both hold the first of one coupon: the merge keeps both, their claim numbers no longer clash */
    coupon_input cin = {.name = "满100减10", .kind = "amount", .threshold = 10000, .amount_off = 1000, .total = 10,
                        .per_customer = 1, .claim_starts = now - 1000, .claim_ends = now + 86400000, .valid_days = 7};
    int64_t coupon, held;
    assert_int_equal(coupon_create(&x, &cin, &coupon), YT_OK);
    assert_int_equal(coupon_claim(&x, coupon, absorbed, "claim", &held), YT_OK);
    assert_int_equal(coupon_claim(&x, coupon, survivor, "claim", &held), YT_OK);
    yt_param rw[] = {PI(absorbed), PI(now), PI(survivor), PI(now)};
    exec_ok(db, "INSERT INTO checkin_rewards(customer_id, run_start, days, points, at) VALUES(?, 20000, 7, 50, ?), (?, 20000, 7, 50, ?)",
            4, rw);
    exec_ok(db, "INSERT INTO birthday_grants(customer_id, year, at) VALUES(?, 2026, ?), (?, 2026, ?)", 4, rw);
    exec_ok(db, "INSERT INTO points_mall_items(name, kind, coupon_id, points, cash, stock, per_customer, created_at, updated_at)"
                " VALUES('券', 'coupon', 1, 10, 0, 5, 1, 0, 0)", 0, NULL);
    exec_ok(db, "INSERT INTO points_mall_redemptions(item_id, customer_id, quantity, points, cash, status, created_at)"
                " VALUES((SELECT MAX(id) FROM points_mall_items), ?, 1, 10, 0, 'done', ?)", 2, rh);
    /* a flash sale both records bought in: the survivor's units become the sum */
    exec_ok(db, "INSERT INTO products(name, created_at, updated_at) VALUES('秒杀品', ?, ?)", 2, (yt_param[]){PI(now), PI(now)});
    exec_ok(db, "INSERT INTO skus(product_id, name, price, stock, created_at, updated_at)"
                " VALUES((SELECT MAX(id) FROM products), '默认', 100, 0, ?, ?)", 2, (yt_param[]){PI(now), PI(now)});
    exec_ok(db, "INSERT INTO flash_sales(name, sku_id, price, stock, per_customer_limit, starts_at, ends_at, pay_window_ms, taken,"
                " created_at, updated_at) VALUES('秒杀', (SELECT MAX(id) FROM skus), 100, 10, 2, 0, 1, 1000, 3, ?, ?)",
            2, (yt_param[]){PI(now), PI(now)});
    exec_ok(db, "INSERT INTO flash_buyers(sale_id, customer_id, quantity) VALUES((SELECT MAX(id) FROM flash_sales), ?, 1),"
                " ((SELECT MAX(id) FROM flash_sales), ?, 2)", 2, (yt_param[]){PI(absorbed), PI(survivor)});
    /* a points task both records did: the survivor's counts become the sums */
    exec_ok(db, "INSERT INTO point_tasks(name, event_type, points, per_day, per_customer, starts_at, created_at, updated_at)"
                " VALUES('分享', 'share', 5, 3, 0, 0, ?, ?)", 2, (yt_param[]){PI(now), PI(now)});
    exec_ok(db, "INSERT INTO point_task_progress(task_id, customer_id, day, times) VALUES((SELECT MAX(id) FROM point_tasks), ?, -1, 2),"
                " ((SELECT MAX(id) FROM point_tasks), ?, -1, 1)", 2, (yt_param[]){PI(absorbed), PI(survivor)});
    exec_ok(db, "INSERT INTO after_sales(order_id, customer_id, kind, reason, priority, created_at)"
                " VALUES((SELECT MAX(id) FROM mall_orders), ?, 'return', '尺码不合适', 0, ?)", 2, rh);
    /* a free draw, and a red packet both records claimed: the merge keeps both shares, which were paid out */
    lottery_input li = {.name = "转盘", .starts_at = now - 1000, .ends_at = now + 3600000, .free_per_day = 1, .nprizes = 1,
                        .prizes = {{.name = "杯子", .kind = "goods", .stock = 5, .has_stock = true, .weight = 1}}};
    int64_t lottery, packet;
    lottery_draw_result dr;
    assert_int_equal(lottery_create(&x, &li, &lottery), YT_OK);
    assert_int_equal(lottery_draw(&x, lottery, absorbed, &dr), YT_OK);
    red_packet_input ri = {.name = "红包", .mode = "lucky", .total = 500, .count = 5, .starts_at = now - 1000, .ends_at = now + 3600000};
    red_packet_claim_result cl;
    assert_int_equal(red_packet_create(&x, &ri, &packet), YT_OK);
    assert_int_equal(red_packet_claim(&x, packet, absorbed, &cl), YT_OK);
    assert_int_equal(red_packet_claim(&x, packet, survivor, &cl), YT_OK);
    /* the absorbed record leads a group-buy team the survivor joined: the merge moves the team, both seats stay */
    product_input pi = {.name = "拼团杯", .nskus = 1, .skus = {{.name = "白", .price = 3000, .stock = 10}}};
    int64_t product, activity;
    assert_int_equal(product_create(&x, &pi, &product), YT_OK);
    yt_param ps[] = {PI(product)};
    groupbuy_input gi = {.name = "两人团", .sku_id = db_query_int(db, "SELECT id FROM skus WHERE product_id = ?", 1, ps, 0), .price = 1990,
                         .stock = 4, .team_size = 2, .team_minutes = 60, .per_customer_limit = 1, .pay_window_ms = 60000,
                         .starts_at = now - 1000, .ends_at = now + 3600000};
    char code[GROUPBUY_CODE_LEN + 1];
    assert_int_equal(groupbuy_create(&x, &gi, &activity), YT_OK);
    assert_int_equal(groupbuy_open(&x, activity, absorbed, 1, code), YT_OK);
    assert_int_equal(groupbuy_join(&x, code, survivor, 1), YT_OK);
    /* both records are distributors (the survivor owes 200 fen a refund took back); the absorbed one is bound to
     * a distributor above and has a member below, a commission and a withdrawal */
    customer_input up_in = {.name = "上级", .ids.v[ID_UNIONID] = "u-keyed-up"}, down_in = {.name = "下级", .ids.v[ID_UNIONID] = "u-keyed-down"};
    int64_t up, down;
    assert_int_equal(customer_create(&x, &up_in, &up), YT_OK);
    assert_int_equal(customer_create(&x, &down_in, &down), YT_OK);
    yt_param ds[] = {PI(absorbed), PI(now), PI(now), PI(survivor), PI(now), PI(now)};
    exec_ok(db, "INSERT INTO distributors(customer_id, status, source, code, frozen, withdrawable, owed, created_at, updated_at)"
                " VALUES(?, 'active', 'rule', 'keyedabsorbed', 300, 500, 0, ?, ?), (?, 'pending', 'application', 'keyedsurvivor',"
                " 0, 0, 200, ?, ?)", 6, ds);
    yt_param bd[] = {PI(absorbed), PI(up), PI(now), PI(down), PI(absorbed), PI(now)};
    exec_ok(db, "INSERT INTO distribution_bindings(customer_id, distributor_id, bound_at) VALUES(?, ?, ?), (?, ?, ?)", 6, bd);
    exec_ok(db, "INSERT INTO distribution_commissions(order_id, level, customer_id, base, rate, scale, amount, status, created_at)"
                " VALUES((SELECT MAX(id) FROM mall_orders), 1, ?, 100, 10, 100, 10, 'frozen', ?)", 2, rh);
    exec_ok(db, "INSERT INTO distribution_withdrawals(customer_id, amount, status, requested_at) VALUES(?, 100, 'pending', ?)", 2, rh);
    /* a paid membership period */
    exec_ok(db, "INSERT INTO member_plans(name, price, days, level, created_at, updated_at) VALUES('年卡', 9900, 365, 3, ?, ?)", 2,
            (yt_param[]){PI(now), PI(now)});
    exec_ok(db, "INSERT INTO memberships(customer_id, plan_id, order_id, level, days, starts_at, ends_at, created_at)"
                " VALUES(?, (SELECT MAX(id) FROM member_plans), (SELECT MAX(id) FROM mall_orders), 3, 365, ?, ?, ?)", 4,
            (yt_param[]){PI(absorbed), PI(now), PI(now + 365 * 86400000LL), PI(now)});
    for (int i = 0; i < kcount(); i++)
        if (count_where(db, &ktab()[i], absorbed) < 1)
            fail_msg("the test builds no row in %s: add one, so merge and erase are tried on it", ktab()[i].table);

    assert_int_equal(customer_merge(&x, survivor, absorbed), YT_OK);
    yt_param sv[] = {PI(survivor)};
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM red_packet_claims WHERE customer_id = ?", 1, sv, -1), 2);
    /* one account: active, the balances summed with what was owed netted, the survivor's code */
    yt_rows *acct = db_query(db, "SELECT status, frozen, withdrawable, owed, code FROM distributors WHERE customer_id = ?", 1, sv);
    assert_non_null(acct);
    assert_true(rows_next(acct));
    assert_string_equal(rows_text(acct, 0), "active");
    assert_int_equal(rows_int(acct, 1), 300);
    assert_int_equal(rows_int(acct, 2), 300);
    assert_int_equal(rows_int(acct, 3), 0);
    assert_string_equal(rows_text(acct, 4), "keyedsurvivor");
    rows_free(acct);
    assert_int_equal(db_query_int(db, "SELECT quantity FROM flash_buyers WHERE customer_id = ?", 1, sv, -1), 3);
    assert_int_equal(db_query_int(db, "SELECT times FROM point_task_progress WHERE customer_id = ? AND day = -1", 1, sv, -1), 3);
    /* the survivor took the absorbed record's binding, and its member */
    yt_param bu[] = {PI(survivor), PI(up), PI(down), PI(survivor)};
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM distribution_bindings WHERE (customer_id = ? AND distributor_id = ?)"
                                      " OR (customer_id = ? AND distributor_id = ?)", 4, bu, -1), 2);
    for (int i = 0; i < kcount(); i++) {
        const customer_keyed *k = &ktab()[i];
        bool moves = k->merge_sql || k->merge_fn;
        if (moves && count_where(db, k, absorbed) != 0) fail_msg("a merge left rows of %s on the absorbed record", k->table);
        if (moves && count_where(db, k, survivor) < 1) fail_msg("a merge lost the rows of %s", k->table);
    }

    assert_int_equal(customer_erase(&x, survivor), YT_OK);
    for (int i = 0; i < kcount(); i++) {
        const customer_keyed *k = &ktab()[i];
        for (int64_t id = survivor; id; id = id == survivor ? absorbed : id == absorbed ? older : 0) {
            int64_t left = count_where(db, k, id);
            if (k->erase_sql && left != 0) fail_msg("an erasure left %lld rows of %s", (long long)left, k->table);
        }
        if (!k->erase_sql) assert_non_null(k->kept_because);
    }
    /* what stays holds nothing personal: every record of the person is a blank shell */
    yt_param ids[] = {PI(survivor), PI(absorbed), PI(older)};
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM customers WHERE id IN (?, ?, ?) AND (name <> '' OR nickname <> ''"
                                      " OR erased_at IS NULL)", 3, ids, -1), 0);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM orders WHERE customer_id = ?", 1, ids, -1), 1);
    if (db_dialect(db) == YT_SQLITE)
        assert_int_equal(db_query_int(db, "SELECT count(*) FROM customer_fts WHERE rowid IN (?, ?, ?)", 3, ids, -1), 0);
    arena_free(&arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_list_matches_the_schema),
        cmocka_unit_test(merge_and_erase_leave_nothing_behind),
    };
    int failed = cmocka_run_group_tests_name("keyed-sqlite", tests, setup, teardown);
    pg_url = getenv("YT_TEST_PG_URL");
    if (pg_url && *pg_url) failed += cmocka_run_group_tests_name("keyed-postgres", tests, setup, teardown);
    return failed;
}
