/* The flash committer's gathering under load (flash.c, gather): an order after a quiet moment is written at
 * once; one that comes right after a group waits the gather time for others; FLASH_GATHER_FULL queued orders
 * end the wait, as one group; and a stop does not wait for it (SQLite). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "base/metrics.h"
#include "base/timeutil.h"
#include "commerce/catalog.h"
#include "commerce/flash.h"
#include "customer/customer.h"
#include "store/store.h"
#include "store_fixture.h"
#include "flash_answers.h"

#define GATHER_US 2000000 /* long enough that a gathered order cannot pass for one written at once */

static int64_t sale_id, customer_id;

static void order(flash_engine *f, int k) {
    yt_err err = {0};
    for (int i = 0; i < k; i++) assert_int_equal(flash_order(f, sale_id, customer_id, 1, yt_system_actor(), on_done, NULL, &err), YT_OK);
}

static void gathers_only_under_load(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    assert_int_equal(customer_create_bare(&x, "抢购者", &customer_id), YT_OK);
    product_input p = {.name = "秒杀商品", .nskus = 1, .skus = {{.name = "默认", .price = 9900, .stock = 2000}}};
    int64_t product;
    assert_int_equal(product_create(&x, &p, &product), YT_OK);
    int64_t sku = db_query_int(db, "SELECT id FROM skus WHERE product_id = ?", 1, (yt_param[]){PI(product)}, 0);
    assert_true(sku > 0);
    /* a group of one order counts as load here, so that the test decides what the last group was */
    flash_config cfg = {.instance = "gather-test", .gather_us = GATHER_US, .gather_siblings = 1};
    flash_engine *f = flash_start(st, &cfg);
    assert_non_null(f);
    int64_t now = now_ms();
    flash_input in = {.name = "整点秒杀", .sku_id = sku, .price = 100, .stock = 1000, .per_customer_limit = 1000,
                      .starts_at = now - 1000, .ends_at = now + 3600000, .pay_window_ms = FLASH_PAY_WINDOW_MS};
    assert_int_equal(flash_sale_create(f, &x, &in, &sale_id), YT_OK);

    /* the first order finds no recent group: written at once */
    order(f, 1);
    assert_true(await_answers(1) < GATHER_US / 2000);
    /* the next, right after that group, waits the gather time for others to share its group */
    order(f, 1);
    assert_true(await_answers(2) >= GATHER_US / 1000 - 100);
    /* after a quiet moment the load is over: at once again */
    struct timespec quiet = {0, (FLASH_GATHER_RECENT_MS + 200) * 1000000L};
    nanosleep(&quiet, NULL);
    order(f, 1);
    assert_true(await_answers(3) < GATHER_US / 2000);
    /* a full group's worth queued ends the wait at once, and they go as one group */
    order(f, FLASH_GATHER_FULL);
    assert_true(await_answers(3 + FLASH_GATHER_FULL) < GATHER_US / 2000);
    yt_rows *r = db_query(db, "SELECT summary FROM audit_log WHERE action = 'flash_order.create' ORDER BY id DESC LIMIT 1", 0, NULL);
    assert_non_null(r);
    assert_true(rows_next(r));
    char want[32];
    snprintf(want, sizeof want, "{\"orders\":%d}", FLASH_GATHER_FULL);
    assert_string_equal(rows_text(r, 0), want);
    rows_free(r);
    /* /metrics counts the four groups and what they held */
    uint64_t held, groups = metrics_flash_groups(&held);
    assert_int_equal(groups, 4);
    assert_int_equal(held, 3 + FLASH_GATHER_FULL);
    /* a stop while an order is gathering writes it and stops without waiting out the gather time */
    order(f, 1);
    uint64_t t0 = mono_ns();
    flash_stop(f);
    assert_true((int64_t)((mono_ns() - t0) / 1000000) < GATHER_US / 2000);
    await_answers(4 + FLASH_GATHER_FULL);
    pthread_mutex_lock(&got.mu);
    int created = got.created;
    pthread_mutex_unlock(&got.mu);
    assert_int_equal(created, 4 + FLASH_GATHER_FULL);
    assert_int_equal(db_query_int(db, "SELECT (SELECT count(*) FROM mall_orders) + (SELECT count(*) FROM flash_journal)", 0, NULL, -1),
                     4 + FLASH_GATHER_FULL);
    arena_free(&arena);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(gathers_only_under_load)};
    return cmocka_run_group_tests_name("flash-gather-sqlite", tests, setup, teardown);
}
