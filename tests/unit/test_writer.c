/* Unit tests for the SQLite writer hand-off: first come, first served, so a job that gives the writer back
 * and asks again (an import between chunks) queues behind the writes already waiting. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "store/store.h"
#include "store_fixture.h"

static void sleep_ms(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

static atomic_int waiting, got;

static void *small_write(void *arg) {
    (void)arg;
    atomic_fetch_add(&waiting, 1);
    yt_db *db = store_writer_acquire(st);
    atomic_fetch_add(&got, 1);
    if (db) store_writer_release(st);
    return NULL;
}

/* The holder gives the writer back and asks again at once, many times over: each time, the writes that
 * were waiting get it first. With a plain mutex the holder usually takes it back before they wake. */
static void waiting_writes_go_before_a_returning_holder(void **state) {
    (void)state;
    for (int round = 0; round < 20; round++) {
        atomic_store(&waiting, 0);
        atomic_store(&got, 0);
        assert_non_null(store_writer_acquire(st));
        pthread_t t[3];
        for (int i = 0; i < 3; i++) assert_int_equal(pthread_create(&t[i], NULL, small_write, NULL), 0);
        while (atomic_load(&waiting) < 3) sleep_ms(1);
        sleep_ms(20); /* they are queued on the writer now */
        store_writer_release(st);
        assert_non_null(store_writer_acquire(st)); /* the next chunk */
        int before_holder = atomic_load(&got);
        store_writer_release(st);
        for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
        assert_int_equal(before_holder, 3);
    }
}

/* Many threads taking turns: never two holders at once. */
static atomic_int inside, overlap;

static void *worker(void *arg) {
    (void)arg;
    for (int i = 0; i < 200; i++) {
        if (!store_writer_acquire(st)) return NULL;
        if (atomic_fetch_add(&inside, 1) != 0) atomic_fetch_add(&overlap, 1);
        atomic_fetch_sub(&inside, 1);
        store_writer_release(st);
    }
    return NULL;
}

static void one_holder_at_a_time(void **state) {
    (void)state;
    pthread_t t[4];
    for (int i = 0; i < 4; i++) assert_int_equal(pthread_create(&t[i], NULL, worker, NULL), 0);
    for (int i = 0; i < 4; i++) pthread_join(t[i], NULL);
    assert_int_equal(atomic_load(&overlap), 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(waiting_writes_go_before_a_returning_holder),
        cmocka_unit_test(one_holder_at_a_time),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
