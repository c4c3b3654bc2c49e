/* The flash order journal's filing: the oldest rows first and no more than asked, one order's or one customer's
 * rows only when a read needs only those, every column as the order had it, and nothing filed twice (SQLite;
 * PostgreSQL too when YT_TEST_PG_URL is set). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "base/timeutil.h"
#include "commerce/flash_journal.h"
#include "customer/customer.h"
#include "store/store.h"
#include "store_fixture.h"

static int64_t count(yt_db *db, const char *sql) { return db_query_int(db, sql, 0, NULL, -1); }

/* Ten journal rows (ids 1001-1010) for two customers, alternating, and nothing in mall_orders. */
static void journal_rows(yt_db *db, int64_t a, int64_t b) {
    int64_t now = now_ms();
    for (int i = 0; i < 10; i++) {
        yt_param p[] = {PI(1001 + i), PI(i % 2 ? b : a), PI(7), PI(3), PI(1 + i % 3), PI(990), PI(990 * (1 + i % 3)), PI(now + i),
                        PI(now + i + 300000), i == 4 ? PI(1) : PNULL};
        if (db_exec(db, "INSERT INTO flash_journal(id, customer_id, activity_id, sku_id, quantity, unit_price, total, created_at,"
                        " pay_by, staff_id) VALUES(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 10, p) != 1)
            fail_msg("journal row: %s", db_error(db));
    }
}

static void filing_takes_what_it_is_asked(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    customer_input ca = {.name = "抢购甲"}, cb = {.name = "抢购乙"};
    int64_t a, b;
    assert_int_equal(customer_create(&x, &ca, &a), YT_OK);
    assert_int_equal(customer_create(&x, &cb, &b), YT_OK);
    journal_rows(db, a, b);

    /* an empty scope files nothing and says so in one read */
    assert_int_equal(flash_journal_settle_order(&x, 999), YT_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM flash_journal"), 10);
    /* one order: that row, as it was */
    assert_int_equal(flash_journal_settle_order(&x, 1005), YT_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM flash_journal"), 9);
    yt_rows *r = db_query(db, "SELECT customer_id, kind, activity_id, sku_id, quantity, unit_price, total, status, pay_by - created_at,"
                              " staff_id FROM mall_orders WHERE id = 1005", 0, NULL);
    assert_non_null(r);
    assert_true(rows_next(r));
    assert_int_equal(rows_int(r, 0), a);
    assert_string_equal(rows_text(r, 1), "flash");
    assert_int_equal(rows_int(r, 2), 7);
    assert_int_equal(rows_int(r, 3), 3);
    assert_int_equal(rows_int(r, 4), 2);
    assert_int_equal(rows_int(r, 5), 990);
    assert_int_equal(rows_int(r, 6), 1980);
    assert_string_equal(rows_text(r, 7), "pending");
    assert_int_equal(rows_int(r, 8), 300000);
    assert_int_equal(rows_int(r, 9), 1);
    rows_free(r);
    /* one customer: theirs only */
    assert_int_equal(flash_journal_settle_customer(&x, b), YT_OK);
    yt_param pb[] = {PI(b)}, pa[] = {PI(a)};
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM flash_journal WHERE customer_id = ?", 1, pb, -1), 0);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM flash_journal WHERE customer_id = ?", 1, pa, -1), 4);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM mall_orders WHERE customer_id = ?", 1, pb, -1), 5);
    /* the oldest, no more than asked (a chunk), on the writer, with its commits durable in groups (as the
     * server's): no answer waits for the filing's sync (it only moves durable rows) */
    store_group_durability(st);
    assert_int_equal(store_await(st, store_pending(st)), 0);
    yt_db *w = store_writer_acquire(st);
    assert_non_null(w);
    assert_int_equal(flash_journal_file(w, 2), 2);
    assert_false(w->moves_durable);
    store_writer_release(st);
    assert_true(store_pending(st) == 0);
    assert_int_equal(count(db, "SELECT count(*) FROM flash_journal WHERE id IN (1001, 1003)"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM flash_journal"), 2);
    /* the rest, inside a caller's transaction that is rolled back: nothing filed, nothing lost */
    w = store_writer_acquire(st);
    assert_int_equal(db_begin(w), 0);
    yt_ctx wx = {.db = w, .who = yt_system_actor(), .arena = &arena};
    assert_int_equal(flash_journal_settle(&wx), YT_OK);
    db_rollback(w);
    store_writer_release(st);
    assert_int_equal(count(db, "SELECT count(*) FROM flash_journal"), 2);
    /* and all of it: every order once, none left */
    assert_int_equal(flash_journal_settle(&x), YT_OK);
    assert_int_equal(count(db, "SELECT count(*) FROM flash_journal"), 0);
    assert_int_equal(count(db, "SELECT count(*) FROM mall_orders WHERE id BETWEEN 1001 AND 1010"), 10);
    assert_int_equal(count(db, "SELECT COALESCE(SUM(total), 0) FROM mall_orders WHERE id BETWEEN 1001 AND 1010"),
                     990 * (1 + 2 + 3 + 1 + 2 + 3 + 1 + 2 + 3 + 1));
    assert_int_equal(flash_journal_settle(&x), YT_OK); /* nothing to do */
    arena_free(&arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(filing_takes_what_it_is_asked)};
    int failed = cmocka_run_group_tests_name("flash-journal-sqlite", tests, setup, teardown);
    pg_url = getenv("YT_TEST_PG_URL");
    if (pg_url && *pg_url) failed += cmocka_run_group_tests_name("flash-journal-postgres", tests, setup, teardown);
    return failed;
}
