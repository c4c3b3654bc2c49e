/* Distribution: the rate and reversal arithmetic to the fen, the two-level rule (a chain of four pays two), masked
 * names and share codes; in the store, merges that would bind a customer to themselves or close a loop, and due
 * commissions released exactly once by two instances sweeping at the same time (SQLite; PostgreSQL with
 * YT_TEST_PG_URL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/timeutil.h"
#include "customer/customer.h"
#include "distribution/commission.h"
#include "distribution/distributor.h"
#include "store_fixture.h"

#define CTX(conn, ar) {.db = (conn), .who = yt_system_actor(), .arena = &(ar)}

/* ---- the rules ---- */

static void rates_round_down_to_the_fen(void **state) {
    (void)state;
    assert_int_equal(commission_amount(10000, 10, 100), 1000);   /* 10% of 100 yuan */
    assert_int_equal(commission_amount(9999, 10, 100), 999);     /* 999.9 fen: down */
    assert_int_equal(commission_amount(9999, 15, 1000), 149);    /* 1.5%: 149.985 */
    assert_int_equal(commission_amount(1, 99, 100), 0);
    assert_int_equal(commission_amount(12345, 0, 100), 0);
    assert_int_equal(commission_amount(0, 10, 100), 0);
    assert_int_equal(commission_amount(-5, 10, 100), 0);
    assert_int_equal(commission_amount(12345, 100, 100), 12345); /* never more than paid */
    assert_int_equal(commission_amount(INT64_MAX / 2, 999, 1000), (int64_t)((__int128)(INT64_MAX / 2) * 999 / 1000));
}

static void reversals_follow_the_refunds_and_add_up(void **state) {
    (void)state;
    assert_int_equal(commission_reversal(1000, 0, 10000), 0);
    assert_int_equal(commission_reversal(1000, 3333, 10000), 333);
    assert_int_equal(commission_reversal(1000, 10000, 10000), 1000);
    assert_int_equal(commission_reversal(1000, 20000, 10000), 1000); /* never more than the commission */
    assert_int_equal(commission_reversal(0, 5000, 10000), 0);
    /* refunds one unit at a time, reversed against the running total: the reversals add up to the commission */
    int64_t amount = 997, paid = 9999, refunded = 0, reversed = 0;
    for (int i = 0; i < 7; i++) {
        refunded += i < 6 ? 1234 : paid - refunded;
        int64_t target = commission_reversal(amount, refunded, paid);
        assert_true(target >= reversed);
        reversed = target;
        assert_true(reversed <= amount);
    }
    assert_int_equal(reversed, amount);
}

static void a_chain_of_four_pays_two_levels(void **state) {
    (void)state;
    int64_t out[DISTRIBUTION_LEVELS];
    commission_link chain[] = {{11, true}, {12, true}, {13, true}, {14, true}};
    assert_int_equal(commission_levels(10, chain, 4, out), 2);
    assert_int_equal(out[0], 11);
    assert_int_equal(out[1], 12);
    /* the second level not active: the first still earns */
    commission_link l2off[] = {{11, true}, {12, false}, {13, true}};
    assert_int_equal(commission_levels(10, l2off, 3, out), 1);
    assert_int_equal(out[0], 11);
    assert_int_equal(out[1], 0);
    /* the first not active: nobody earns, the third never moves up */
    commission_link l1off[] = {{11, false}, {12, true}, {13, true}};
    assert_int_equal(commission_levels(10, l1off, 3, out), 0);
    assert_int_equal(out[0], 0);
    assert_int_equal(out[1], 0);
    /* the buyer or a repeat is never paid */
    commission_link self[] = {{11, true}, {10, true}};
    assert_int_equal(commission_levels(10, self, 2, out), 1);
    assert_int_equal(out[1], 0);
    commission_link again[] = {{11, true}, {11, true}};
    assert_int_equal(commission_levels(10, again, 2, out), 1);
    commission_link none[] = {{0, false}};
    assert_int_equal(commission_levels(10, none, 0, out), 0);
    assert_int_equal(commission_levels(10, none, 1, out), 0);
}

static void names_are_masked_and_codes_unguessable(void **state) {
    (void)state;
    char m[32];
    distributor_mask_name("张三丰", m, sizeof m);
    assert_string_equal(m, "张**");
    distributor_mask_name("Lily", m, sizeof m);
    assert_string_equal(m, "L**");
    distributor_mask_name("", m, sizeof m);
    assert_string_equal(m, "**");
    distributor_mask_name("😀开心", m, sizeof m);
    assert_string_equal(m, "😀**");
    char codes[200][DISTRIBUTOR_CODE_LEN + 1];
    for (int i = 0; i < 200; i++) {
        distributor_code_new(codes[i]);
        assert_int_equal(strlen(codes[i]), DISTRIBUTOR_CODE_LEN);
        assert_int_equal(strspn(codes[i], "abcdefghijkmnpqrstuvwxyz23456789"), DISTRIBUTOR_CODE_LEN);
        for (int j = 0; j < i; j++) assert_string_not_equal(codes[i], codes[j]);
    }
}

/* ---- in the store ---- */

static int64_t customer(yt_ctx *x, const char *name) {
    customer_input in = {.name = name};
    int64_t id;
    assert_int_equal(customer_create(x, &in, &id), YT_OK);
    return id;
}

static void bind(yt_db *db, int64_t who, int64_t to) {
    yt_param p[] = {PI(who), PI(to), PI(now_ms())};
    if (db_exec(db, "INSERT INTO distribution_bindings(customer_id, distributor_id, bound_at) VALUES(?, ?, ?)", 3, p) != 1)
        fail_msg("binding %lld to %lld: %s", (long long)who, (long long)to, db_error(db));
}

/* who the customer is bound to (0: nobody) */
static int64_t bound_to(yt_db *db, int64_t who) {
    yt_param p[] = {PI(who)};
    return db_query_int(db, "SELECT distributor_id FROM distribution_bindings WHERE customer_id = ?", 1, p, 0);
}

/* no customer is above themselves through bindings */
static void assert_no_loops(yt_db *db) {
    assert_int_equal(db_query_int(db,
                                  "WITH RECURSIVE up(start, id) AS (SELECT customer_id, distributor_id FROM distribution_bindings"
                                  " UNION SELECT up.start, b.distributor_id FROM distribution_bindings b JOIN up ON b.customer_id = up.id)"
                                  " SELECT count(*) FROM up WHERE start = id",
                                  0, NULL, -1),
                     0);
}

static void merges_never_bind_anyone_to_themselves_or_close_a_loop(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    yt_arena arena = {0};
    yt_ctx x = CTX(db, arena);
    /* a member bound to a distributor turns out to be the distributor: bound to nobody */
    int64_t d = customer(&x, "分销员"), m = customer(&x, "会员");
    bind(db, m, d);
    assert_int_equal(customer_merge(&x, d, m), YT_OK);
    assert_int_equal(bound_to(db, d), 0);
    /* the other way round: the member survives and was bound to the one absorbed */
    int64_t d2 = customer(&x, "分销员二"), m2 = customer(&x, "会员二");
    bind(db, m2, d2);
    assert_int_equal(customer_merge(&x, m2, d2), YT_OK);
    assert_int_equal(bound_to(db, m2), 0);
    /* s -> y -> a: merging a into s would make y -> s -> y; y's binding goes, s keeps its own */
    int64_t s = customer(&x, "存续"), y = customer(&x, "中间"), a = customer(&x, "被并");
    bind(db, s, y);
    bind(db, y, a);
    assert_int_equal(customer_merge(&x, s, a), YT_OK);
    assert_int_equal(bound_to(db, s), y);
    assert_int_equal(bound_to(db, y), 0);
    /* a survivor with a binding of its own keeps it; the absorbed record's member follows to the survivor */
    int64_t s3 = customer(&x, "存续三"), x3 = customer(&x, "下线"), a3 = customer(&x, "被并三"), above = customer(&x, "上线");
    bind(db, x3, a3);
    bind(db, a3, above);
    bind(db, s3, d);
    assert_int_equal(customer_merge(&x, s3, a3), YT_OK);
    assert_int_equal(bound_to(db, s3), d);
    assert_int_equal(bound_to(db, x3), s3);
    /* with no binding of its own the survivor takes the absorbed one's, when it closes no loop */
    int64_t s5 = customer(&x, "存续五"), a5 = customer(&x, "被并五"), top = customer(&x, "顶");
    bind(db, a5, top);
    bind(db, top, d);
    assert_int_equal(customer_merge(&x, s5, a5), YT_OK);
    assert_int_equal(bound_to(db, s5), top);
    /* and not when it would: a6 -> x6 -> s6 */
    int64_t s6 = customer(&x, "存续六"), x6 = customer(&x, "中六"), a6 = customer(&x, "被并六");
    bind(db, x6, s6);
    bind(db, a6, x6);
    assert_int_equal(customer_merge(&x, s6, a6), YT_OK);
    assert_int_equal(bound_to(db, s6), 0);
    assert_int_equal(bound_to(db, x6), s6);
    assert_no_loops(db);
    arena_free(&arena);
}

typedef struct {
    const char *target;
    int released;
} sweeper;

/* One instance: its own store on the same database, sweeping until nothing is due. */
static void *sweep_as_instance(void *arg) {
    sweeper *sw = arg;
    char err[256];
    yt_store *s = store_open(sw->target, err, sizeof err);
    if (!s) return NULL;
    for (int round = 0; round < 20; round++) distribution_sweep(s);
    store_close(s);
    return NULL;
}

static void two_instances_release_each_commission_once(void **state) {
    (void)state;
    enum { ORDERS = 150, AMOUNT = 7 };
    yt_db *db = store_db(st);
    yt_arena arena = {0};
    yt_ctx x = CTX(db, arena);
    int64_t d = customer(&x, "分销员"), buyer = customer(&x, "买家"), now = now_ms();
    yt_param dp[] = {PI(d), PI(ORDERS * AMOUNT), PI(now), PI(now)};
    if (db_exec(db, "INSERT INTO distributors(customer_id, status, source, code, frozen, owed, created_at, updated_at)"
                    " VALUES(?, 'active', 'rule', 'sweepcode', ?, 20, ?, ?)", 4, dp) != 1)
        fail_msg("%s", db_error(db));
    assert_int_equal(db_begin(db), 0);
    for (int i = 0; i < ORDERS; i++) {
        yt_param o[] = {PI(buyer), PI(now)};
        int64_t order = db_query_int(db, "INSERT INTO mall_orders(customer_id, kind, sku_id, quantity, unit_price, total, status, created_at)"
                                         " VALUES(?, 'normal', 1, 1, 70, 70, 'completed', ?) RETURNING id", 2, o, 0);
        assert_true(order > 0);
        /* due a moment ago; one order has an open after-sales ticket and waits for it */
        yt_param c[] = {PI(order), PI(d), PI(AMOUNT), PI(now - 1000), PI(now)};
        if (db_exec(db, "INSERT INTO distribution_commissions(order_id, level, customer_id, base, rate, scale, amount, status,"
                        " release_at, created_at) VALUES(?, 1, ?, 70, 10, 100, ?, 'frozen', ?, ?)", 5, c) != 1)
            fail_msg("%s", db_error(db));
        if (i == 0) {
            yt_param a[] = {PI(order), PI(buyer), PI(now)};
            if (db_exec(db, "INSERT INTO after_sales(order_id, customer_id, kind, reason, priority, created_at)"
                            " VALUES(?, ?, 'return', '破损', 0, ?)", 3, a) != 1)
                fail_msg("%s", db_error(db));
        }
    }
    assert_int_equal(db_commit(db), 0);
    sweeper a = {fx.target, 0}, b = {fx.target, 0};
    pthread_t ta, tb;
    pthread_create(&ta, NULL, sweep_as_instance, &a);
    pthread_create(&tb, NULL, sweep_as_instance, &b);
    pthread_join(ta, NULL);
    pthread_join(tb, NULL);
    yt_param q[] = {PI(d)};
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM distribution_commissions WHERE customer_id = ? AND status = 'released'", 1, q, -1),
                     ORDERS - 1);
    yt_rows *r = db_query(db, "SELECT frozen, withdrawable, owed FROM distributors WHERE customer_id = ?", 1, q);
    assert_non_null(r);
    assert_true(rows_next(r));
    assert_int_equal(rows_int(r, 0), AMOUNT);                          /* the one behind the open ticket */
    assert_int_equal(rows_int(r, 1), (ORDERS - 1) * AMOUNT - 20);      /* what was owed is paid off first */
    assert_int_equal(rows_int(r, 2), 0);
    rows_free(r);
    /* releasing again changes nothing */
    yt_param one[] = {PI(d)};
    int64_t first = db_query_int(db, "SELECT min(id) FROM distribution_commissions WHERE customer_id = ? AND status = 'released'", 1, one, 0);
    assert_int_equal(distribution_release(&x, first), 0);
    arena_free(&arena);
}

int main(void) {
    const struct CMUnitTest pure[] = {
        cmocka_unit_test(rates_round_down_to_the_fen),
        cmocka_unit_test(reversals_follow_the_refunds_and_add_up),
        cmocka_unit_test(a_chain_of_four_pays_two_levels),
        cmocka_unit_test(names_are_masked_and_codes_unguessable),
    };
    const struct CMUnitTest stored[] = {
        cmocka_unit_test(merges_never_bind_anyone_to_themselves_or_close_a_loop),
        cmocka_unit_test(two_instances_release_each_commission_once),
    };
    int failed = cmocka_run_group_tests_name("distribution-rules", pure, NULL, NULL);
    failed += cmocka_run_group_tests_name("distribution-sqlite", stored, setup, teardown);
    pg_url = getenv("YT_TEST_PG_URL");
    if (pg_url && *pg_url) failed += cmocka_run_group_tests_name("distribution-postgres", stored, setup, teardown);
    return failed;
}
