/* The platform certificates' refresher: downloads WeChat Pay's platform certificates on a timer and on an unknown serial. */
#define _GNU_SOURCE /* pthread_setname_np */
#include "pay_wechat_certs.h"
#include "../base/alloc.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

struct wechatpay_certs {
    const wechatpay_merchant *m;
    wechatpay *platform;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop, kicked;
    _Atomic int64_t last_kick; /* monotonic ms of the last download an unknown serial asked for */
    pthread_t thread;
};

static int64_t mono_ms(void) { return (int64_t)(mono_ns() / 1000000); }

/* platform's unknown-serial callback, on the thread checking a signature: a download now, at most once a minute */
static void kick(void *arg) {
    wechatpay_certs *c = arg;
    if (!time_every(&c->last_kick, mono_ms(), WECHATPAY_CERTS_KICK_MS)) return;
    pthread_mutex_lock(&c->mu);
    c->kicked = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
}

static void *run(void *arg) {
    wechatpay_certs *c = arg;
    pthread_setname_np(pthread_self(), "yt-wxcerts");
    int64_t retry = WECHATPAY_CERTS_RETRY_MS, due = 0; /* monotonic ms of the next download; 0: now */
    bool failing = false;
    pthread_mutex_lock(&c->mu);
    while (!c->stop) {
        int64_t left = due - mono_ms();
        if (!c->kicked && left > 0) {
            struct timespec ts = time_deadline(CLOCK_MONOTONIC, left * 1000000);
            pthread_cond_timedwait(&c->cv, &c->mu, &ts);
            continue;
        }
        c->kicked = false;
        pthread_mutex_unlock(&c->mu);
        char why[300];
        int n = wechatpay_fetch_certificates(c->m, c->platform, why, sizeof why);
        if (n >= 0) {
            log_info("wechatpay: %d platform certificate%s in force", n, n == 1 ? "" : "s");
            failing = false;
            retry = WECHATPAY_CERTS_RETRY_MS;
            due = mono_ms() + WECHATPAY_CERTS_REFRESH_MS;
        } else {
            /* said once when it starts failing, then once an hour while it goes on */
            if (!failing || retry >= WECHATPAY_CERTS_RETRY_MAX_MS)
                log_error("wechatpay: platform certificates not downloaded: %s%s", why,
                          wechatpay_keys_held(c->platform) ? ""
                                                           : "; no platform key is held, so WeChat Pay's notifications and answers are refused"
                                                             " until a download succeeds (or set YUTANG_WECHATPAY_PLATFORM_KEY)");
            failing = true;
            due = mono_ms() + retry;
            retry = retry * 2 < WECHATPAY_CERTS_RETRY_MAX_MS ? retry * 2 : WECHATPAY_CERTS_RETRY_MAX_MS;
        }
        pthread_mutex_lock(&c->mu);
    }
    pthread_mutex_unlock(&c->mu);
    return NULL;
}

wechatpay_certs *wechatpay_certs_start(const wechatpay_merchant *m, wechatpay *platform) {
    wechatpay_certs *c = yt_calloc(1, sizeof *c);
    *c = (wechatpay_certs){.m = m, .platform = platform};
    atomic_init(&c->last_kick, mono_ms() - WECHATPAY_CERTS_KICK_MS);
    pthread_mutex_init(&c->mu, NULL);
    time_cond_init(&c->cv, CLOCK_MONOTONIC);
    wechatpay_on_unknown_serial(platform, kick, c);
    if (pthread_create(&c->thread, NULL, run, c) != 0) {
        wechatpay_on_unknown_serial(platform, NULL, NULL);
        pthread_mutex_destroy(&c->mu);
        pthread_cond_destroy(&c->cv);
        free(c);
        return NULL;
    }
    return c;
}

void wechatpay_certs_stop(wechatpay_certs *c) {
    if (!c) return;
    pthread_mutex_lock(&c->mu);
    c->stop = true;
    pthread_cond_signal(&c->cv);
    pthread_mutex_unlock(&c->mu);
    pthread_join(c->thread, NULL);
    wechatpay_on_unknown_serial(c->platform, NULL, NULL);
    pthread_mutex_destroy(&c->mu);
    pthread_cond_destroy(&c->cv);
    free(c);
}
