/* Statements that update many customers lock them in ascending ids, as merges do (PostgreSQL; SQLite's one
 * writer needs no order): a segment's assignment, planned as a scan in the table's order, would otherwise lock a
 * later customer and wait for an earlier one that a merge holds, while the merge waits for the later one. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "audience/actions.h"
#include "base/timeutil.h"
#include "store_fixture.h"

static int64_t low, high, owner;
static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int stage; /* 1: the low customer is held; 2: let it go */

static void set_stage(int s) {
    pthread_mutex_lock(&mu);
    stage = s;
    pthread_cond_broadcast(&cv);
    pthread_mutex_unlock(&mu);
}

static void wait_stage(int s) {
    pthread_mutex_lock(&mu);
    while (stage < s) pthread_cond_wait(&cv, &mu);
    pthread_mutex_unlock(&mu);
}

/* Holds the low customer's row (as a merge of low and high would, first) until told to let go. */
static void *holder(void *arg) {
    (void)arg;
    yt_db *db = store_db(st);
    yt_param p[] = {PI(low)};
    assert_int_equal(db_begin(db), 0);
    yt_rows *r = db_query(db, "SELECT id FROM customers WHERE id = ? FOR NO KEY UPDATE", 1, p);
    assert_non_null(r);
    rows_free(r);
    set_stage(1);
    wait_stage(2);
    assert_int_equal(db_commit(db), 0);
    return NULL;
}

static int64_t assigned = -1;

/* Hands both customers to the owner, with the plan a large list gets (a scan in the table's order). */
static void *assigner(void *arg) {
    (void)arg;
    yt_db *db = store_db(st);
    assert_int_equal(db_exec_script(db, "SET enable_indexscan = off; SET enable_bitmapscan = off"), 0);
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    int64_t ids[] = {low, high};
    assert_int_equal(segment_assign_members(&x, 1, ids, 2, owner, &assigned), YT_OK);
    assert_int_equal(db_exec_script(db, "RESET enable_indexscan; RESET enable_bitmapscan"), 0);
    arena_free(&arena);
    return NULL;
}

static void assignment_locks_ascending(void **state) {
    (void)state;
    yt_db *db = store_db(st);
    int64_t now = now_ms();
    yt_param s[] = {PI(now), PI(now)};
    assert_true(db_exec(db, "INSERT INTO staff(username, display_name, role, pw_hash, created_at, updated_at)"
                            " VALUES('lock-order', '导购', 'guide', 'x', ?, ?)", 2, s) == 1);
    owner = db_query_int(db, "SELECT id FROM staff WHERE username = 'lock-order'", 0, NULL, 0);
    const char *add = "INSERT INTO customers(name, created_at, updated_at) VALUES('顾客', ?, ?) RETURNING id";
    low = db_query_int(db, add, 2, s, 0);
    high = db_query_int(db, add, 2, s, 0);
    assert_true(low > 0 && high > low);
    /* the low customer's row, written again, now comes after the high one's in the table */
    yt_param l[] = {PI(low)};
    assert_true(db_exec(db, "UPDATE customers SET city = '上海' WHERE id = ?", 1, l) == 1);

    pthread_t h, a;
    assert_int_equal(pthread_create(&h, NULL, holder, NULL), 0);
    wait_stage(1);
    assert_int_equal(pthread_create(&a, NULL, assigner, NULL), 0);
    usleep(300 * 1000); /* the assignment is waiting for the low customer by now */
    /* locking ascending, it holds nothing yet: the high customer is free (a merge could take it and finish) */
    assert_int_equal(db_begin(db), 0);
    yt_param hp[] = {PI(high)};
    yt_rows *r = db_query(db, "SELECT id FROM customers WHERE id = ? FOR NO KEY UPDATE NOWAIT", 1, hp);
    bool free_now = r != NULL;
    rows_free(r);
    db_rollback(db);
    set_stage(2);
    pthread_join(h, NULL);
    pthread_join(a, NULL);
    assert_true(free_now);
    assert_int_equal(assigned, 2);
}

int main(void) {
    pg_url = getenv("YT_TEST_PG_URL");
    if (!pg_url || !*pg_url) {
        printf("test_lock_order: PostgreSQL only (set YT_TEST_PG_URL); nothing to run on SQLite\n");
        return 0;
    }
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(assignment_locks_ascending),
    };
    return cmocka_run_group_tests_name("lock-order-postgres", tests, setup, teardown);
}
