/* The flash committer files its journal into mall_orders once a sale is quiet (flash.c, quiet_ms): not while a
 * group waits for a sync of the log that takes longer than the quiet time, and soon after the last answer
 * (SQLite). The log's syncs are slowed on demand by this test's own fdatasync, which the store's calls bind to. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "base/timeutil.h"
#include "commerce/catalog.h"
#include "commerce/flash.h"
#include "customer/customer.h"
#include "store/store.h"
#include "store_fixture.h"
#include "flash_answers.h"

#define FILE_IDLE_MS 50
#define SLOW_SYNC_MS 600 /* many times the quiet time */
#define BURST 8

static _Atomic int sync_delay_ms;

/* The store's sync thread calls this rather than the C library's: the disk made as slow as the test says. */
int fdatasync(int fd) {
    int ms = atomic_load(&sync_delay_ms);
    if (ms) {
        struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
        nanosleep(&t, NULL);
    }
    return (int)syscall(SYS_fdatasync, fd);
}

static int answered(void) {
    pthread_mutex_lock(&got.mu);
    int n = got.answered;
    pthread_mutex_unlock(&got.mu);
    return n;
}

static void sleep_ms(int ms) {
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

/* BURST orders at once: a group of the first, the others in the next. */
static void burst(flash_engine *f, int64_t sale, int64_t customer) {
    yt_err err = {0};
    for (int i = 0; i < BURST; i++) assert_int_equal(flash_order(f, sale, customer, 1, yt_system_actor(), on_done, NULL, &err), YT_OK);
}

static int64_t journal_rows(yt_db *db) { return db_query_int(db, "SELECT count(*) FROM flash_journal", 0, NULL, -1); }

static void a_slow_sync_is_not_a_quiet_moment(void **state) {
    (void)state;
    store_group_durability(st);
    yt_db *db = store_db(st);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    int64_t customer;
    assert_int_equal(customer_create_bare(&x, "抢购者", &customer), YT_OK);
    product_input p = {.name = "秒杀商品", .nskus = 1, .skus = {{.name = "默认", .price = 9900, .stock = 100}}};
    int64_t product;
    assert_int_equal(product_create(&x, &p, &product), YT_OK);
    int64_t sku = db_query_int(db, "SELECT id FROM skus WHERE product_id = ?", 1, (yt_param[]){PI(product)}, 0);
    assert_true(sku > 0);
    flash_config cfg = {.instance = "filing-test", .file_idle_ms = FILE_IDLE_MS};
    flash_engine *f = flash_start(st, &cfg);
    assert_non_null(f);
    int64_t now = now_ms(), sale;
    flash_input in = {.name = "整点秒杀", .sku_id = sku, .price = 100, .stock = 50, .per_customer_limit = 50,
                      .starts_at = now - 1000, .ends_at = now + 3600000, .pay_window_ms = FLASH_PAY_WINDOW_MS};
    assert_int_equal(flash_sale_create(f, &x, &in, &sale), YT_OK);
    /* orders, then at once more whose sync is slow: the sale is not quiet while their buyers wait for it (a
     * group's newest order goes to mall_orders, the others to the journal) */
    burst(f, sale, customer);
    await_answers(BURST);
    int64_t journal = journal_rows(db);
    assert_true(journal > 0);
    atomic_store(&sync_delay_ms, SLOW_SYNC_MS);
    burst(f, sale, customer);
    sleep_ms(SLOW_SYNC_MS / 2);
    assert_int_equal(answered(), BURST); /* the second burst still waits for its sync */
    assert_true(journal_rows(db) >= journal);
    atomic_store(&sync_delay_ms, 0);
    await_answers(2 * BURST);

    /* once the last order is answered and nothing comes for the quiet time, the journal is filed */
    int64_t filed_by = now_ms() + 5000;
    while (journal_rows(db) != 0 && now_ms() < filed_by) sleep_ms(10);
    assert_int_equal(journal_rows(db), 0);
    assert_int_equal(db_query_int(db, "SELECT count(*) FROM mall_orders WHERE kind = 'flash'", 0, NULL, -1), 2 * BURST);
    flash_stop(f);
    pthread_mutex_lock(&got.mu);
    assert_int_equal(got.created, 2 * BURST);
    pthread_mutex_unlock(&got.mu);
    arena_free(&arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(a_slow_sync_is_not_a_quiet_moment)};
    return cmocka_run_group_tests_name("flash-filing-sqlite", tests, setup, teardown);
}
