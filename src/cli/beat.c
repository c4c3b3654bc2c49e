/* The beat: once a second, the modules' periodic store work — unpaid mall orders past their window, group-buy
 * teams past their deadline, commissions whose after-sales window closed, birthday coupons, paid levels that
 * began or ended — on a thread of its own. None of it runs on the flash committer's thread, so a slow job
 * (a birthday run over a large store, say) never holds up a flash order; each job reads on its own connection
 * and takes the store's writer only for short transactions. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "beat.h"
#include "../base/alloc.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include "../commerce/mall_order.h"
#include "../distribution/commission.h"
#include "../groupbuy/groupbuy.h"
#include "../loyalty/levels.h"
#include "../loyalty/membership.h"
#include <pthread.h>
#include <stdbool.h>
#include <stdlib.h>
#include <time.h>

#define SLOW_JOB_MS 500 /* a job that takes longer is logged */

/* Each job decides for itself whether anything is due (and how often it looks: birthdays hourly). */
static const struct {
    const char *name;
    void (*run)(yt_store *store);
} jobs[] = {
    {"unpaid mall orders", mall_order_sweep},
    {"group-buy teams", groupbuy_sweep},
    {"commissions", distribution_sweep},
    {"birthday coupons", birthday_coupons_due},
    {"paid memberships", membership_transitions_due},
};

struct yt_beat {
    yt_store *store;
    int period_ms;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled on stop */
    bool stop;
};

static void *beat_main(void *arg) {
    yt_beat *b = arg;
    pthread_setname_np(pthread_self(), "yt-beat");
    pthread_mutex_lock(&b->mu);
    while (!b->stop) {
        pthread_mutex_unlock(&b->mu);
        for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
            int64_t t0 = now_ms();
            jobs[i].run(b->store);
            int64_t took = now_ms() - t0;
            if (took > SLOW_JOB_MS) log_info("beat: %s took %lld ms", jobs[i].name, (long long)took);
        }
        pthread_mutex_lock(&b->mu);
        struct timespec ts = time_deadline(CLOCK_REALTIME, (int64_t)b->period_ms * 1000000);
        while (!b->stop && pthread_cond_timedwait(&b->cv, &b->mu, &ts) == 0) {}
    }
    pthread_mutex_unlock(&b->mu);
    return NULL;
}

yt_beat *beat_start(yt_store *store, int period_ms) {
    yt_beat *b = yt_calloc(1, sizeof *b);
    b->store = store;
    b->period_ms = period_ms > 0 ? period_ms : 1000;
    pthread_mutex_init(&b->mu, NULL);
    pthread_cond_init(&b->cv, NULL);
    if (pthread_create(&b->thread, NULL, beat_main, b) != 0) {
        pthread_mutex_destroy(&b->mu);
        pthread_cond_destroy(&b->cv);
        free(b);
        return NULL;
    }
    return b;
}

void beat_stop(yt_beat *b) {
    if (!b) return;
    pthread_mutex_lock(&b->mu);
    b->stop = true;
    pthread_cond_signal(&b->cv);
    pthread_mutex_unlock(&b->mu);
    pthread_join(b->thread, NULL);
    pthread_mutex_destroy(&b->mu);
    pthread_cond_destroy(&b->cv);
    free(b);
}
