/* Group buys: share codes (Crockford's base32, typed forms, CSPRNG spread) and masked names; in the store, a
 * team's whole life (open, join, pay, form; a team that runs out of time refunded and its units back; an ended
 * activity's stock back on the SKU) and many threads racing for a team's last seats (SQLite; PostgreSQL with
 * YT_TEST_PG_URL, where every thread has its own connection). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/timeutil.h"
#include "commerce/catalog.h"
#include "commerce/mall_order.h"
#include "customer/customer.h"
#include "groupbuy/groupbuy.h"
#include "store_fixture.h"

#define CTX(conn, ar) {.db = (conn), .who = yt_system_actor(), .arena = &(ar)}

/* ---- apart from the store ---- */

static void codes_are_crockford_base32(void **state) {
    (void)state;
    char c[GROUPBUY_CODE_LEN + 1];
    groupbuy_code_encode((const unsigned char[5]){0, 0, 0, 0, 0}, c);
    assert_string_equal(c, "00000000");
    groupbuy_code_encode((const unsigned char[5]){0xff, 0xff, 0xff, 0xff, 0xff}, c);
    assert_string_equal(c, "ZZZZZZZZ");
    groupbuy_code_encode((const unsigned char[5]){0x08, 0x42, 0x10, 0x84, 0x21}, c); /* every 5 bits 00001 */
    assert_string_equal(c, "11111111");
    groupbuy_code_encode((const unsigned char[5]){0x00, 0x44, 0x32, 0x14, 0xc7}, c); /* 0 1 2 3 4 5 6 7 */
    assert_string_equal(c, "01234567");
}

static void typed_codes_are_read_kindly(void **state) {
    (void)state;
    char c[GROUPBUY_CODE_LEN + 1];
    assert_true(groupbuy_code_normalize("abcd2345", c));
    assert_string_equal(c, "ABCD2345");
    assert_true(groupbuy_code_normalize("OoIiLl9z", c)); /* O is 0, I and L are 1 */
    assert_string_equal(c, "0011119Z");
    static const char *const bad[] = {"", "ABCD234", "ABCD23456", "ABCDU234", "ABCD 234", "ABC%2345", "张三45678", "ABCD-234"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) assert_false(groupbuy_code_normalize(bad[i], c));
    assert_false(groupbuy_code_normalize(NULL, c));
}

/* 20,000 fresh codes: all well formed and distinct, and every character of the alphabet turns up in each place. */
static void fresh_codes_spread(void **state) {
    (void)state;
    enum { N = 20000 };
    static char codes[N][GROUPBUY_CODE_LEN + 1];
    int seen[GROUPBUY_CODE_LEN][128] = {{0}};
    for (int i = 0; i < N; i++) {
        char again[GROUPBUY_CODE_LEN + 1];
        groupbuy_code_new(codes[i]);
        assert_true(groupbuy_code_normalize(codes[i], again));
        assert_string_equal(again, codes[i]);
        for (int k = 0; k < GROUPBUY_CODE_LEN; k++) seen[k][(int)codes[i][k]]++;
    }
    qsort(codes, N, sizeof codes[0], (int (*)(const void *, const void *))strcmp);
    for (int i = 1; i < N; i++) assert_true(strcmp(codes[i - 1], codes[i]) != 0);
    for (int k = 0; k < GROUPBUY_CODE_LEN; k++)
        for (const char *a = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; *a; a++) assert_true(seen[k][(int)*a] > N / 32 / 2);
}

static void names_are_masked(void **state) {
    (void)state;
    char m[32];
    struct { const char *in, *out; } cases[] = {{"张三丰", "张**"}, {"Amy", "A**"}, {"王", "王**"}, {"", "***"}, {NULL, "***"},
                                               {"😀开心", "😀**"}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        groupbuy_mask_name(cases[i].in, m, sizeof m);
        assert_string_equal(m, cases[i].out);
    }
}

/* ---- in the store ---- */

static int64_t new_customer(yt_ctx *x, const char *name) {
    customer_input in = {.name = name};
    int64_t id;
    assert_int_equal(customer_create(x, &in, &id), YT_OK);
    return id;
}

/* A SKU at 5000 fen with stock units on the shelf. */
static int64_t new_sku(yt_ctx *x, int64_t stock) {
    product_input pi = {.name = "拼团商品", .nskus = 1, .skus = {{.name = "标准", .price = 5000, .stock = stock}}};
    int64_t product;
    assert_int_equal(product_create(x, &pi, &product), YT_OK);
    yt_param p[] = {PI(product)};
    return db_query_int(x->db, "SELECT id FROM skus WHERE product_id = ?", 1, p, 0);
}

static int64_t scalar(yt_db *db, const char *sql, int64_t id) {
    yt_param p[] = {PI(id)};
    return db_query_int(db, sql, 1, p, -1);
}

static int pay(yt_ctx *x, int64_t order) {
    char txn[32];
    snprintf(txn, sizeof txn, "t-%lld", (long long)order);
    payment_notice n = {.order_id = order, .amount = scalar(x->db, "SELECT total FROM mall_orders WHERE id = ?", order),
                        .provider = "sandbox", .transaction = txn};
    payment_result res;
    return mall_order_pay(x, &n, &res);
}

static int64_t order_of(yt_db *db, int64_t customer) {
    return scalar(db, "SELECT max(id) FROM mall_orders WHERE customer_id = ? AND kind = 'group'", customer);
}

static void a_team_forms_and_a_late_one_is_refunded(void **state) {
    (void)state;
    yt_arena arena = {0};
    yt_db *db = store_db(st);
    yt_ctx x = CTX(db, arena);
    int64_t sku = new_sku(&x, 10), now = now_ms(), id;
    groupbuy_input in = {.name = "三人团", .sku_id = sku, .price = 3900, .stock = 6, .team_size = 3, .team_minutes = 30,
                         .per_customer_limit = 2, .pay_window_ms = 60000, .starts_at = now - 1000, .ends_at = now + 3600000};
    /* refused input names the field */
    struct { groupbuy_input in; const char *field; } bad[] = {
        {in, "price"}, {in, "price"}, {in, "team_size"}, {in, "team_size"}, {in, "team_minutes"}, {in, "team_minutes"},
        {in, "stock"}, {in, "sku_id"}, {in, "ends_at"}, {in, "per_customer_limit"}};
    bad[0].in.price = 5000, bad[1].in.price = -1, bad[2].in.team_size = 1, bad[3].in.team_size = 101, bad[4].in.team_minutes = 0;
    bad[5].in.team_minutes = GROUPBUY_MINUTES_MAX + 1, bad[6].in.stock = 0, bad[7].in.sku_id = 999999, bad[8].in.ends_at = now - 1;
    bad[9].in.per_customer_limit = 0;
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        x.err = (yt_err){0};
        assert_int_equal(groupbuy_create(&x, &bad[i].in, &id), YT_EINVAL);
        assert_string_equal(x.err.field, bad[i].field);
    }
    in.stock = 11;
    assert_int_equal(groupbuy_create(&x, &in, &id), YT_ECONFLICT); /* the shelf has 10 */
    assert_string_equal(x.err.field, "stock");
    in.stock = 6;
    assert_int_equal(groupbuy_create(&x, &in, &id), YT_OK);
    assert_int_equal(scalar(db, "SELECT stock FROM skus WHERE id = ?", sku), 4);

    int64_t a = new_customer(&x, "团长"), b = new_customer(&x, "团员甲"), c = new_customer(&x, "团员乙"), d = new_customer(&x, "晚到");
    char code[GROUPBUY_CODE_LEN + 1], lower[GROUPBUY_CODE_LEN + 1];
    assert_int_equal(groupbuy_open(&x, id, a, 1, code), YT_OK);
    for (int i = 0; i <= GROUPBUY_CODE_LEN; i++) lower[i] = (char)(code[i] >= 'A' && code[i] <= 'Z' ? code[i] + 32 : code[i]);
    assert_int_equal(groupbuy_join(&x, lower, b, 2), YT_OK); /* typed in lower case */
    assert_int_equal(groupbuy_join(&x, code, b, 1), YT_ECONFLICT);
    assert_string_equal(x.err.field, GROUPBUY_ALREADY_JOINED);
    assert_int_equal(groupbuy_join(&x, "ZZZZZZZZ", c, 1), YT_ENOTFOUND);
    assert_int_equal(groupbuy_join(&x, code, c, 3), YT_ECONFLICT); /* over the per-customer limit */
    assert_string_equal(x.err.field, GROUPBUY_LIMIT);
    assert_int_equal(groupbuy_join(&x, code, c, 1), YT_OK);
    assert_int_equal(groupbuy_join(&x, code, d, 1), YT_ECONFLICT);
    assert_string_equal(x.err.field, GROUPBUY_TEAM_FULL);
    assert_int_equal(scalar(db, "SELECT sold FROM group_buys WHERE id = ?", id), 4);
    /* paid one by one: formed at the third; an unformed order neither ships nor is refunded by hand */
    assert_int_equal(pay(&x, order_of(db, a)), YT_OK);
    assert_int_equal(mall_order_ship(&x, order_of(db, a), "顺丰", "SF1"), YT_ECONFLICT);
    assert_int_equal(pay(&x, order_of(db, b)), YT_OK);
    assert_int_equal(scalar(db, "SELECT count(*) FROM group_teams WHERE activity_id = ? AND status = 'open'", id), 1);
    assert_int_equal(pay(&x, order_of(db, c)), YT_OK);
    assert_int_equal(scalar(db, "SELECT count(*) FROM group_teams WHERE activity_id = ? AND status = 'formed'", id), 1);
    assert_int_equal(mall_order_ship(&x, order_of(db, a), "顺丰", "SF1"), YT_OK);

    /* a second activity whose teams have a millisecond: the sweep refunds the paid seat and frees the units */
    in.minute_ms = 1, in.team_minutes = 1, in.stock = 3, in.name = "限时团";
    int64_t quick;
    assert_int_equal(groupbuy_create(&x, &in, &quick), YT_OK);
    assert_int_equal(groupbuy_open(&x, quick, d, 2, code), YT_OK);
    assert_int_equal(pay(&x, order_of(db, d)), YT_OK);
    struct timespec ms = {0, 5000000};
    nanosleep(&ms, NULL);
    assert_int_equal(groupbuy_join(&x, code, a, 1), YT_ECONFLICT);
    assert_string_equal(x.err.field, GROUPBUY_TEAM_EXPIRED);
    groupbuy_sweep(st);
    assert_int_equal(scalar(db, "SELECT count(*) FROM group_teams WHERE activity_id = ? AND status = 'failed'", quick), 1);
    int64_t o = order_of(db, d);
    assert_int_equal(scalar(db, "SELECT count(*) FROM mall_orders WHERE id = ? AND status = 'refunded' AND refunded = total", o), 1);
    assert_int_equal(scalar(db, "SELECT count(*) FROM mall_refunds WHERE order_id = ? AND reason = '拼团失败' AND NOT restock", o), 1);
    assert_int_equal(scalar(db, "SELECT sold FROM group_buys WHERE id = ?", quick), 0);
    /* stopped with no team open: its three units go back to the SKU at the next beat, once */
    int64_t shelf = scalar(db, "SELECT stock FROM skus WHERE id = ?", sku);
    assert_int_equal(groupbuy_stop(&x, quick), YT_OK);
    assert_int_equal(groupbuy_open(&x, quick, d, 1, code), 422);
    groupbuy_sweep(st);
    groupbuy_sweep(st);
    assert_int_equal(scalar(db, "SELECT stock FROM skus WHERE id = ?", sku), shelf + 3);
    assert_int_equal(scalar(db, "SELECT returned FROM group_buys WHERE id = ?", quick), 3);
    arena_free(&arena);
}

/* ---- the race for the last seats ---- */

typedef struct {
    const char *code;
    int64_t customer;
    int rc;
    char field[96];
} racer;

static void *race(void *arg) {
    racer *r = arg;
    yt_arena arena = {0};
    yt_db *db = store_writer_acquire(st); /* SQLite: the one writer, in turn; PostgreSQL: this thread's own connection */
    yt_ctx x = CTX(db, arena);
    r->rc = groupbuy_join(&x, r->code, r->customer, 1);
    snprintf(r->field, sizeof r->field, "%s", x.err.field);
    store_writer_release(st);
    arena_free(&arena);
    return NULL;
}

static void many_racing_for_two_seats_two_win(void **state) {
    (void)state;
    enum { RACERS = 16 };
    yt_arena arena = {0};
    yt_db *db = store_db(st);
    yt_ctx x = CTX(db, arena);
    int64_t now = now_ms(), id;
    groupbuy_input in = {.name = "抢位", .sku_id = new_sku(&x, 100), .price = 990, .stock = 50, .team_size = 4, .team_minutes = 60,
                         .per_customer_limit = 1, .pay_window_ms = 60000, .starts_at = now - 1000, .ends_at = now + 3600000};
    assert_int_equal(groupbuy_create(&x, &in, &id), YT_OK);
    char code[GROUPBUY_CODE_LEN + 1];
    assert_int_equal(groupbuy_open(&x, id, new_customer(&x, "团长"), 1, code), YT_OK);
    assert_int_equal(groupbuy_join(&x, code, new_customer(&x, "先到"), 1), YT_OK);
    racer r[RACERS];
    pthread_t t[RACERS];
    for (int i = 0; i < RACERS; i++) r[i] = (racer){.code = code, .customer = new_customer(&x, "抢位者")};
    for (int i = 0; i < RACERS; i++) pthread_create(&t[i], NULL, race, &r[i]);
    int won = 0;
    for (int i = 0; i < RACERS; i++) {
        pthread_join(t[i], NULL);
        if (r[i].rc == YT_OK) won++;
        else {
            assert_int_equal(r[i].rc, YT_ECONFLICT);
            assert_string_equal(r[i].field, GROUPBUY_TEAM_FULL);
        }
    }
    assert_int_equal(won, 2);
    yt_param p[] = {PT(code)};
    assert_int_equal(db_query_int(db, "SELECT seats_taken FROM group_teams WHERE code = ?", 1, p, -1), 4);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM mall_orders o JOIN group_teams t ON t.id = o.team_id WHERE t.code = ?",
                                  1, p, -1), 4);
    assert_int_equal(scalar(db, "SELECT sold FROM group_buys WHERE id = ?", id), 4);
    arena_free(&arena);
}

int main(void) {
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(codes_are_crockford_base32),
        cmocka_unit_test(typed_codes_are_read_kindly),
        cmocka_unit_test(fresh_codes_spread),
        cmocka_unit_test(names_are_masked),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(a_team_forms_and_a_late_one_is_refunded),
        cmocka_unit_test(many_racing_for_two_seats_two_win),
    };
    if (sodium_init() < 0) return 1;
    int failed = cmocka_run_group_tests_name("groupbuy", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("groupbuy-sqlite", stored, setup, teardown);
    pg_url = getenv("YT_TEST_PG_URL");
    if (pg_url && *pg_url) failed += cmocka_run_group_tests_name("groupbuy-postgres", stored, setup, teardown);
    return failed;
}
