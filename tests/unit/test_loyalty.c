/* Member link tokens (expiry, tampering, another data key, erased and merged customers), and the points
 * ledger's lots and expiry, check-in streaks across make-ups, birthday coupons by the level earned or paid for,
 * and paid periods that begin or end told to the audience index, at the domain level (SQLite). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "base/crypto.h"
#include "base/timeutil.h"
#include "customer/customer.h"
#include "commerce/coupon.h"
#include "loyalty/checkin.h"
#include "loyalty/levels.h"
#include "loyalty/membership.h"
#include "loyalty/points.h"
#include "member/link.h"
#include "store_fixture.h"

static int64_t new_customer(yt_ctx *x, const char *name) {
    customer_input in = {.name = name};
    int64_t id;
    assert_int_equal(customer_create(x, &in, &id), YT_OK);
    return id;
}

#define CTX(conn, ar) {.db = (conn), .who = yt_system_actor(), .arena = &(ar)}

static void member_tokens(void **state) {
    (void)state;
    yt_arena arena = {0};
    yt_ctx x = CTX(store_db(st), arena);
    int64_t id = new_customer(&x, "会员"), exp;
    char tok[YT_MEMBER_TOKEN_LEN];
    yt_actor who;
    assert_int_equal(member_link_create(&x, id, 3600, tok, &exp), YT_OK);
    assert_int_equal(member_link_resolve(&x, tok, &who), YT_OK);
    assert_int_equal(who.member_id, id);
    assert_int_equal(who.staff_id, 0);
    assert_int_equal(who.perms, 0);
    /* out of range lifetimes */
    assert_int_equal(member_link_create(&x, id, 59, tok, &exp), YT_EINVAL);
    assert_int_equal(member_link_create(&x, id, MEMBER_LINK_TTL_MAX_S + 1, tok, &exp), YT_EINVAL);
    /* expired: signed correctly, but its time has passed */
    char old[YT_MEMBER_TOKEN_LEN];
    crypto_member_token(id, now_ms() / 1000 - 1, old);
    assert_true(crypto_member_token_check(old, &(int64_t){0}, &(int64_t){0}));
    assert_int_equal(member_link_resolve(&x, old, &who), YT_EAUTH);
    /* each character changed in turn is refused */
    crypto_member_token(id, now_ms() / 1000 + 600, tok);
    for (size_t i = 0; tok[i]; i++) {
        char t[YT_MEMBER_TOKEN_LEN];
        memcpy(t, tok, sizeof t);
        t[i] = t[i] == 'A' ? 'B' : 'A';
        assert_int_not_equal(member_link_resolve(&x, t, &who), YT_OK);
    }
    /* another data key's tokens are not ours */
    const char *e;
    assert_true(crypto_set_data_key_hex("ff0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &e));
    char foreign[YT_MEMBER_TOKEN_LEN];
    crypto_member_token(id, now_ms() / 1000 + 600, foreign);
    assert_true(crypto_set_data_key_hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f", &e));
    assert_int_equal(member_link_resolve(&x, foreign, &who), YT_EAUTH);
    assert_int_equal(member_link_resolve(&x, tok, &who), YT_OK);
    /* a merged customer's token speaks for the survivor; an erased one's is refused */
    int64_t survivor = new_customer(&x, "存续");
    assert_int_equal(customer_merge(&x, survivor, id), YT_OK);
    assert_int_equal(member_link_resolve(&x, tok, &who), YT_OK);
    assert_int_equal(who.member_id, survivor);
    assert_int_equal(customer_erase(&x, survivor), YT_OK);
    assert_int_equal(member_link_resolve(&x, tok, &who), YT_EAUTH);
    arena_free(&arena);
}

static int64_t ledger_sum(yt_db *db, int64_t id, const char *col) {
    char sql[128];
    snprintf(sql, sizeof sql, "SELECT COALESCE(SUM(%s), 0) FROM points_ledger WHERE customer_id = ?", col);
    yt_param p[] = {PI(id)};
    return db_query_int(db, sql, 1, p, -1);
}

static void points_lots_and_expiry(void **state) {
    (void)state;
    yt_arena arena = {0};
    yt_db *db = store_db(st);
    yt_ctx x = CTX(db, arena);
    int64_t id = new_customer(&x, "积分");
    assert_int_equal(points_change(&x, id, 100, POINTS_ADJUST, "a", NULL), YT_OK);
    assert_int_equal(points_change(&x, id, 50, POINTS_TASK, "b", NULL), YT_OK);
    /* the first lot expires first: make it due now, the second later */
    yt_param p[] = {PI(now_ms() - 1000), PI(id)};
    assert_int_equal(db_exec(db, "UPDATE points_ledger SET expires_at = ? WHERE customer_id = ? AND ref = 'a'", 2, p), 1);
    assert_int_equal(points_change(&x, id, -30, POINTS_MALL, "spend", NULL), YT_OK);
    yt_param q[] = {PI(id)};
    assert_int_equal(db_query_int(db, "SELECT remaining FROM points_ledger WHERE customer_id = ? AND ref = 'a'", 1, q, -1), 70);
    assert_int_equal(points_change(&x, id, -121, POINTS_MALL, "too much", NULL), YT_ECONFLICT);
    assert_string_equal(x.err.field, "points");
    points_expire_due(&x);
    assert_int_equal(db_query_int(db, "SELECT points FROM customers WHERE id = ?", 1, q, -1), 50);
    assert_int_equal(db_query_int(db, "SELECT delta FROM points_ledger WHERE customer_id = ? AND reason = 'expire'", 1, q, 0), -70);
    /* the ledger always adds up to the balance, and the lots to what is left of them */
    assert_int_equal(ledger_sum(db, id, "delta"), 50);
    assert_int_equal(ledger_sum(db, id, "remaining"), 50);
    points_expire_due(&x); /* at most once a minute, and nothing is due twice */
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM points_ledger WHERE customer_id = ? AND reason = 'expire'", 1, q, -1), 1);
    arena_free(&arena);
}

static void streaks_across_makeups(void **state) {
    (void)state;
    yt_arena arena = {0};
    yt_db *db = store_db(st);
    yt_ctx x = CTX(db, arena);
    loyalty_settings s;
    assert_int_equal(loyalty_settings_get(&x, &s), YT_OK);
    s.makeup_days = 10;
    s.makeup_cost = 0;
    s.nstreaks = 1;
    s.streaks[0].days = 3;
    s.streaks[0].points = 100;
    assert_int_equal(loyalty_settings_put(&x, &s), YT_OK);
    int64_t id = new_customer(&x, "连签");
    int32_t today = brand_day(now_ms());
    checkin_result r;
    /* two runs of three with a gap between: each rewarded once */
    int32_t days[] = {today - 8, today - 7, today - 6, today - 4, today - 3, today - 2};
    int64_t earned = 0;
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        assert_int_equal(checkin(&x, id, days[i], &r), YT_OK);
        earned += r.streak_points;
    }
    assert_int_equal(earned, 200);
    /* filling the gap joins them into one run of 7: no new reward, both were paid within it */
    assert_int_equal(checkin(&x, id, today - 5, &r), YT_OK);
    assert_int_equal(r.streak, 7);
    assert_int_equal(r.streak_points, 0);
    assert_int_equal(checkin(&x, id, today - 5, &r), YT_ECONFLICT);
    assert_int_equal(checkin(&x, id, today + 1, &r), YT_EINVAL);
    assert_int_equal(checkin(&x, id, today - 11, &r), YT_EINVAL);
    assert_int_equal(checkin(&x, id, today, &r), YT_OK);
    assert_int_equal(r.streak, 1); /* yesterday is missing */
    assert_int_equal(checkin(&x, id, today - 1, &r), YT_OK);
    assert_int_equal(r.streak, 9);
    assert_int_equal(r.streak_points, 0);
    yt_param q[] = {PI(id)};
    assert_int_equal(db_query_int(db, "SELECT points FROM customers WHERE id = ?", 1, q, -1), 9 * s.checkin_points + 200);
    arena_free(&arena);
}

/* Each level's birthday coupon reaches the customers born today, once a year however often the job runs. */
static void birthday_coupons_once_a_year(void **state) {
    (void)state;
    yt_arena arena = {0};
    yt_db *db = store_db(st);
    yt_ctx x = CTX(db, arena);
    int64_t now = now_ms(), coupon;
    coupon_input cin = {.name = "生日礼券", .kind = "amount", .amount_off = 2000, .total = 100, .per_customer = 5,
                        .claim_starts = now + 86400000, .claim_ends = now + 2 * 86400000, .valid_days = 30};
    assert_int_equal(coupon_create(&x, &cin, &coupon), YT_OK); /* its claim window has not opened: a gift ignores it */
    member_levels l;
    assert_int_equal(member_levels_get(&x, &l), YT_OK);
    l.levels[0].birthday_coupon_id = coupon;
    assert_int_equal(member_levels_put(&x, &l), YT_OK);
    int y, m, d;
    civil_from_days(brand_day(now), &y, &m, &d);
    char today[16], other[16];
    snprintf(today, sizeof today, "1990-%02d-%02d", m, d);
    civil_from_days(brand_day(now) + 1, &y, &m, &d);
    snprintf(other, sizeof other, "1990-%02d-%02d", m, d);
    customer_input born = {.name = "寿星", .birthday = today}, not_yet = {.name = "明天生日", .birthday = other};
    int64_t a, b;
    assert_int_equal(customer_create(&x, &born, &a), YT_OK);
    assert_int_equal(customer_create(&x, &not_yet, &b), YT_OK);
    birthday_coupons_grant(st);
    birthday_coupons_grant(st);
    yt_param p[] = {PI(coupon), PI(a)}, q[] = {PI(coupon), PI(b)};
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM customer_coupons WHERE coupon_id = ? AND customer_id = ? AND source = 'birthday'",
                                  2, p, -1), 1);
    assert_int_equal(db_query_int(db, "SELECT COUNT(*) FROM customer_coupons WHERE coupon_id = ? AND customer_id = ?", 2, q, -1), 0);

    /* a second level with its own coupon: a customer whose growth earned level 1 but who paid for level 2 gets
     * level 2's; one whose paid period is refunded, level 1's */
    int64_t gold;
    coupon_input gin = cin;
    gin.name = "金卡生日礼";
    assert_int_equal(coupon_create(&x, &gin, &gold), YT_OK);
    assert_int_equal(member_levels_get(&x, &l), YT_OK);
    l.n = 2;
    l.levels[1] = l.levels[0];
    l.levels[1].level = 2, l.levels[1].name = "金卡", l.levels[1].growth_min = 100000, l.levels[1].birthday_coupon_id = gold;
    assert_int_equal(member_levels_put(&x, &l), YT_OK);
    customer_input paid_in = {.name = "金卡寿星", .birthday = today}, refunded_in = {.name = "退卡寿星", .birthday = today};
    int64_t paid, refunded, plan;
    assert_int_equal(customer_create(&x, &paid_in, &paid), YT_OK);
    assert_int_equal(customer_create(&x, &refunded_in, &refunded), YT_OK);
    member_plan_input pin = {.name = "金卡月卡", .price = 1900, .days = 30, .level = 2};
    assert_int_equal(member_plan_create(&x, &pin, &plan), YT_OK);
    int64_t buyers[] = {paid, refunded};
    for (int i = 0; i < 2; i++) {
        membership_order_result o;
        assert_int_equal(member_plan_order(&x, plan, buyers[i], 600000, &o), YT_OK);
        assert_int_equal(db_begin(db), 0);
        assert_int_equal(membership_order_paid(&x, o.order_id, buyers[i], now_ms()), YT_OK);
        if (buyers[i] == refunded) assert_int_equal(membership_order_refunded(&x, o.order_id, now_ms()), YT_OK);
        assert_int_equal(db_commit(db), 0);
    }
    birthday_coupons_grant(st);
    yt_param pg[] = {PI(gold), PI(paid)}, pc[] = {PI(coupon), PI(paid)}, rg[] = {PI(gold), PI(refunded)}, rc_[] = {PI(coupon), PI(refunded)};
    const char *held = "SELECT COUNT(*) FROM customer_coupons WHERE coupon_id = ? AND customer_id = ? AND source = 'birthday'";
    assert_int_equal(db_query_int(db, held, 2, pg, -1), 1);
    assert_int_equal(db_query_int(db, held, 2, pc, -1), 0);
    assert_int_equal(db_query_int(db, held, 2, rg, -1), 0);
    assert_int_equal(db_query_int(db, held, 2, rc_, -1), 1);
    arena_free(&arena);
}

/* The day's customers are found through the birthday index, not by reading every customer: the run once held
 * the store's writer for a full read of the customers (150 ms at 300,000), and every flash order waited. */
static void birthday_run_reads_through_its_index(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    char sql[2048];
    snprintf(sql, sizeof sql, "EXPLAIN QUERY PLAN %s", birthday_due_sql);
    yt_param p[] = {PI(0), PI(0), PT("-12-03"), PI(2026)};
    yt_rows *r = db_query(db, sql, 4, p);
    assert_non_null(r);
    bool indexed = false, scans_customers = false;
    while (rows_next(r)) {
        const char *detail = rows_text(r, 3);
        if (strstr(detail, "customers_birthday_day")) indexed = true;
        if (strncmp(detail, "SCAN c", 6) == 0) scans_customers = true;
    }
    rows_free(r);
    assert_true(indexed);
    assert_false(scans_customers);
}

/* A paid period that begins or ends tells the audience index, through a customer.updated change, once. */
static void membership_transitions_told(void **state) {
    (void)state;
    yt_arena arena = {0};
    yt_db *db = store_db(st);
    yt_ctx x = CTX(db, arena);
    member_levels l;
    assert_int_equal(member_levels_get(&x, &l), YT_OK);
    int64_t a = new_customer(&x, "月卡会员"), b = new_customer(&x, "没买卡"), plan;
    member_plan_input pin = {.name = "月卡", .price = 990, .days = 30, .level = l.levels[l.n - 1].level};
    assert_int_equal(member_plan_create(&x, &pin, &plan), YT_OK);
    membership_order_result o;
    assert_int_equal(member_plan_order(&x, plan, a, 600000, &o), YT_OK);
    int64_t paid_at = now_ms();
    assert_int_equal(db_begin(db), 0);
    assert_int_equal(membership_order_paid(&x, o.order_id, a, paid_at), YT_OK);
    assert_int_equal(db_commit(db), 0);
    yt_param q[] = {PI(a)}, qb[] = {PI(b)};
    const char *told = "SELECT COUNT(*) FROM changes WHERE kind = 'customer.updated' AND customer_id = ?";
    int64_t before = db_query_int(db, told, 1, q, -1);
    size_t n;
    /* a beat spanning the period's start tells a, not b; one within it nothing */
    assert_int_equal(membership_transitions(&x, paid_at - 1, paid_at, &n), YT_OK);
    assert_true(n >= 1); /* the periods of the test before may have begun in the same millisecond */
    assert_int_equal(db_query_int(db, told, 1, q, -1), before + 1);
    assert_int_equal(db_query_int(db, told, 1, qb, -1), 0);
    /* and the one spanning its end, thirty days on */
    int64_t ends = paid_at + 30 * 86400000LL;
    assert_int_equal(membership_transitions(&x, paid_at + 1, paid_at + 86400000, &n), YT_OK);
    assert_int_equal(n, 0);
    assert_int_equal(membership_transitions(&x, ends - 1, ends, &n), YT_OK);
    assert_true(n >= 1);
    assert_int_equal(db_query_int(db, told, 1, q, -1), before + 2);
    arena_free(&arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(member_tokens),
        cmocka_unit_test(points_lots_and_expiry),
        cmocka_unit_test(streaks_across_makeups),
        cmocka_unit_test(birthday_coupons_once_a_year),
        cmocka_unit_test(birthday_run_reads_through_its_index),
        cmocka_unit_test(membership_transitions_told),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
