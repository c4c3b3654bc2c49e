/* The change feed: written with the change, gone with a rollback, read once each in commit order, and on
 * PostgreSQL never past a transaction that is still running (SQLite; PostgreSQL too with YT_TEST_PG_URL). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "customer/customer.h"
#include "domain/changes.h"
#include "importer/importer.h"
#include "store/store.h"
#include "store_fixture.h"

typedef struct {
    int n;
    int64_t customers[16];
    char kinds[16][24];
} seen;

static void collect(void *arg, const feed_change *c) {
    seen *s = arg;
    if (s->n == 16) return;
    s->customers[s->n] = c->customer_id;
    snprintf(s->kinds[s->n], sizeof s->kinds[0], "%s", c->kind);
    s->n++;
}

static void writes_are_followed_and_rollbacks_are_not(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    int64_t pos;
    assert_int_equal(change_feed_position(db, &pos), 0);
    customer_input a = {.name = "甲"}, b = {.name = "乙"};
    int64_t ida, idb;
    assert_int_equal(customer_create(&x, &a, &ida), YT_OK);
    const char *tags[] = {"宝妈"};
    assert_int_equal(customer_tag(&x, ida, tags, 1, NULL, 0), YT_OK);
    assert_int_equal(db_begin(db), 0); /* a write that rolls back leaves no change */
    assert_int_equal(customer_create(&x, &b, &idb), YT_OK);
    db_rollback(db);
    seen s = {0};
    assert_int_equal(change_feed_read(db, &pos, collect, &s), 0);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.customers[0], ida);
    assert_string_equal(s.kinds[0], CHANGE_CUSTOMER_CREATED);
    assert_string_equal(s.kinds[1], CHANGE_CUSTOMER_TAGGED);
    seen again = {0};
    assert_int_equal(change_feed_read(db, &pos, collect, &again), 0);
    assert_int_equal(again.n, 0);
    arena_free(&arena);
}

/* Two writers: the one that took its place in the feed first commits last. A follower must not read
 * past it while it runs, and must read both once it has committed. */
static void a_running_transaction_holds_the_feed_back(void **state) {
    (void)state;
    char err[256];
    yt_store *other = store_open(fx.target, err, sizeof err);
    assert_non_null(other);
    yt_db *d1 = store_db(st), *d2 = store_db(other);
    yt_arena arena = {0};
    yt_ctx x1 = {.db = d1, .who = yt_system_actor(), .arena = &arena};
    yt_ctx x2 = {.db = d2, .who = yt_system_actor(), .arena = &arena};
    int64_t pos;
    assert_int_equal(change_feed_position(d1, &pos), 0);
    assert_int_equal(db_begin(d1), 0);
    assert_int_equal(change_record(&x1, CHANGE_CUSTOMER_UPDATED, 101, 0), YT_OK);
    if (db_dialect(d1) == YT_PG) { /* SQLite has one writer: the second would wait for the first */
        assert_int_equal(db_begin(d2), 0);
        assert_int_equal(change_record(&x2, CHANGE_CUSTOMER_UPDATED, 202, 0), YT_OK);
        assert_int_equal(db_commit(d2), 0);
        seen early = {0};
        yt_db *reader = store_db(other);
        assert_int_equal(change_feed_read(reader, &pos, collect, &early), 0);
        assert_int_equal(early.n, 0); /* 202 is committed, but 101 (taken first) may still come */
    }
    assert_int_equal(db_commit(d1), 0);
    seen s = {0};
    assert_int_equal(change_feed_read(d1, &pos, collect, &s), 0);
    int want = db_dialect(d1) == YT_PG ? 2 : 1;
    assert_int_equal(s.n, want);
    bool has101 = false;
    for (int i = 0; i < s.n; i++) has101 |= s.customers[i] == 101;
    assert_true(has101);
    store_close(other);
    arena_free(&arena);
}

/* Transaction ids are cluster-wide on PostgreSQL: a long transaction in another database must not hold
 * this database's feed back (it would delay every instance's index by its whole length). */
static void another_databases_transaction_does_not_hold_the_feed_back(void **state) {
    (void)state;
    if (db_dialect(store_db(st)) != YT_PG) return;
    char err[256];
    yt_store *elsewhere = store_open(fx.pg_base, err, sizeof err); /* the server's first database */
    assert_non_null(elsewhere);
    yt_db *e = store_db(elsewhere), *d = store_db(st);
    assert_int_equal(db_begin(e), 0);
    assert_true(db_query_int(e, "SELECT pg_current_xact_id()::text::bigint", 0, NULL, -1) > 0); /* holds an id */
    yt_arena arena = {0};
    yt_ctx x = {.db = d, .who = yt_system_actor(), .arena = &arena};
    int64_t pos;
    assert_int_equal(change_feed_position(d, &pos), 0);
    assert_int_equal(db_begin(d), 0);
    assert_int_equal(change_record(&x, CHANGE_CUSTOMER_UPDATED, 303, 0), YT_OK);
    assert_int_equal(db_commit(d), 0);
    seen s = {0};
    assert_int_equal(change_feed_read(d, &pos, collect, &s), 0);
    assert_int_equal(s.n, 1);
    assert_int_equal(s.customers[0], 303);
    db_rollback(e);
    store_close(elsewhere);
    arena_free(&arena);
}

typedef struct {
    int orders; /* distinct buyers (a buyer whose rows fall in two chunks is named in both) */
    int64_t ids[64];
} orders_seen;

static void count_orders(void *arg, const feed_change *c) {
    orders_seen *o = arg;
    if (strcmp(c->kind, CHANGE_CUSTOMER_ORDERS) != 0) return;
    for (int i = 0; i < o->orders; i++)
        if (o->ids[i] == c->customer_id) return;
    if (o->orders < 64) o->ids[o->orders++] = c->customer_id;
}

/* An order import records a change for each of its buyers (batch statements for most of them). */
static void an_import_records_its_buyers(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    int64_t pos;
    assert_int_equal(change_feed_position(db, &pos), 0);
    yt_buf csv = YT_BUF_INIT;
    buf_puts(&csv, "customer_ref,ordered_on,quantity,amount\n");
    for (int i = 0; i < 40; i++) buf_printf(&csv, "feed-%d,2026-11-0%d,1,19.90\nfeed-%d,2026-11-1%d,2,39.80\n", i, i % 9 + 1, i, i % 9);
    FILE *f = fmemopen(csv.p, csv.len, "r");
    order_map m;
    char bad[64], storage[256];
    assert_true(order_map_parse(NULL, &m, bad, sizeof bad, storage, sizeof storage));
    import_summary *s = arena_alloc(&arena, sizeof *s);
    assert_int_equal(import_orders(&x, f, "feedtest", &m, s, NULL, NULL), YT_OK);
    fclose(f);
    assert_int_equal(s->imported, 80);
    orders_seen o = {0};
    assert_int_equal(change_feed_read(db, &pos, count_orders, &o), 0);
    assert_int_equal(o.orders, 40);
    buf_free(&csv);
    arena_free(&arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(writes_are_followed_and_rollbacks_are_not),
        cmocka_unit_test(a_running_transaction_holds_the_feed_back),
        cmocka_unit_test(another_databases_transaction_does_not_hold_the_feed_back),
        cmocka_unit_test(an_import_records_its_buyers),
    };
    int failed = cmocka_run_group_tests_name("changes-sqlite", tests, setup, teardown);
    pg_url = getenv("YT_TEST_PG_URL");
    if (pg_url && *pg_url) failed += cmocka_run_group_tests_name("changes-postgres", tests, setup, teardown);
    return failed;
}
