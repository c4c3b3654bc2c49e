/* For the flash committer's unit tests: a done callback that counts the answers and the orders created, and a
 * wait for a number of them. */
#ifndef YT_FLASH_ANSWERS_H
#define YT_FLASH_ANSWERS_H
#include <pthread.h>
#include <time.h>
#include "base/timeutil.h"
#include "commerce/flash.h"

/* The answers the committer gave so far. */
static struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int answered, created;
} got = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0};

static void on_done(void *arg, const flash_outcome *o) {
    (void)arg;
    pthread_mutex_lock(&got.mu);
    got.answered++;
    if (o->rc == YT_OK && o->order_id > 0) got.created++;
    pthread_cond_broadcast(&got.cv);
    pthread_mutex_unlock(&got.mu);
}

/* Waits (10 s at most) until n orders in all were answered; the milliseconds it took. */
static int64_t await_answers(int n) {
    int64_t t0 = (int64_t)(mono_ns() / 1000000);
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&got.mu);
    while (got.answered < n && pthread_cond_timedwait(&got.cv, &got.mu, &until) == 0) {
    }
    int answered = got.answered;
    pthread_mutex_unlock(&got.mu);
    assert_int_equal(answered, n);
    return (int64_t)(mono_ns() / 1000000) - t0;
}

#endif
