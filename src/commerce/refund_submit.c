/* The refund submitter: claims pending WeChat Pay refunds, asks WeChat Pay's refund API, records its answers. */
#include "refund_submit.h"
#include "refund.h"
#include "../base/alloc.h"
#include "../base/arena.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CLAIM_BATCH 10

struct refund_submitter {
    yt_store *store;
    const wechatpay_merchant *m;
    const wechatpay *platform;
    int retry_ms;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop, kicked;
    pthread_t thread;
};

typedef struct {
    int64_t id, order_id, amount, total, attempts;
    char reason[256];
} claimed;

/* Claims up to CLAIM_BATCH refunds to ask for; the claim's conditions are in the outer WHERE, so under
 * PostgreSQL an instance that raced another re-reads the row and skips it. */
static size_t claim(yt_db *db, claimed *out, int64_t now) {
    yt_param p[] = {PI(now + REFUND_CLAIM_MS), PI(now), PI(CLAIM_BATCH), PI(now)};
    if (db_begin(db) != 0) return 0;
    yt_rows *r = db_query(db,
                          "UPDATE mall_refunds SET claim_until = ?, attempts = attempts + 1 WHERE id IN"
                          " (SELECT id FROM mall_refunds WHERE provider = 'wechatpay' AND status = 'pending' AND submitted_at IS NULL"
                          "  AND (claim_until IS NULL OR claim_until < ?) ORDER BY id LIMIT ?)"
                          " AND provider = 'wechatpay' AND status = 'pending' AND submitted_at IS NULL"
                          " AND (claim_until IS NULL OR claim_until < ?)"
                          " RETURNING id, order_id, amount, reason, attempts, (SELECT total FROM mall_orders o WHERE o.id = order_id)",
                          4, p);
    size_t n = 0;
    while (r && rows_next(r) && n < CLAIM_BATCH) {
        claimed *c = &out[n++];
        c->id = rows_int(r, 0), c->order_id = rows_int(r, 1), c->amount = rows_int(r, 2), c->attempts = rows_int(r, 4);
        c->total = rows_int(r, 5);
        snprintf(c->reason, sizeof c->reason, "%s", rows_text(r, 3));
    }
    bool ok = r != NULL;
    rows_free(r);
    if (!ok || db_commit(db) != 0) {
        log_error("refunds: cannot claim refunds to ask WeChat Pay for: %s", db_error(db));
        if (db->tx_depth) db_rollback(db);
        return 0;
    }
    return n;
}

/* Records what asking gave for one refund. */
static void record(refund_submitter *s, yt_db *db, const claimed *c, int rc, const wechatpay_refund_out *out, int64_t now) {
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    bool settle = rc == 1 || (rc == 0 && strcmp(out->status, "PROCESSING") != 0);
    bool succeeded = rc == 0 && strcmp(out->status, "SUCCESS") == 0;
    int64_t wait = s->retry_ms;
    for (int64_t i = 1; i < c->attempts && wait < REFUND_RETRY_MAX_MS; i++) wait *= 2;
    if (wait > REFUND_RETRY_MAX_MS) wait = REFUND_RETRY_MAX_MS;
    const char *status = rc == 0 ? out->status : rc == 1 ? "REFUSED" : NULL;
    yt_param p[] = {rc == -1 ? PNULL : PI(now), PI(now + wait), status ? PT(status) : PNULL, PT(rc == 0 ? "" : out->note), PI(c->id)};
    bool ok = db_begin(db) == 0 &&
              db_exec(db, "UPDATE mall_refunds SET submitted_at = ?, claim_until = ?, provider_status = COALESCE(?, provider_status),"
                          " provider_note = ? WHERE id = ?", 5, p) == 1;
    bool replay;
    if (ok && settle) ok = mall_refund_settle(&x, c->id, succeeded, -1, &replay) == YT_OK; /* in the same transaction */
    ok = ok && db_commit(db) == 0;
    if (!ok && db->tx_depth) db_rollback(db);
    if (!ok) log_error("refunds: cannot record WeChat Pay's answer for refund %lld: %s", (long long)c->id, db_error(db));
    if (rc != 0 || !succeeded)
        log_info("refunds: refund %lld asked of WeChat Pay (attempt %lld): %s%s%s", (long long)c->id, (long long)c->attempts,
                 rc == -1 ? "asked again later: " : rc == 1 ? "refused: " : "", rc == 0 ? out->status : "", rc == 0 ? "" : out->note);
    arena_free(&arena);
}

static void round_once(refund_submitter *s) {
    claimed batch[CLAIM_BATCH];
    /* the writer only when a read on this thread's connection finds a refund to ask for (on an error, look anyway) */
    yt_db *rd = store_db(s->store);
    yt_param due[] = {PI(now_ms())};
    if (!rd || !db_query_int(rd, "SELECT COUNT(*) FROM (SELECT 1 FROM mall_refunds WHERE status = 'pending' AND submitted_at IS NULL"
                                 " AND provider = 'wechatpay' AND (claim_until IS NULL OR claim_until < ?) LIMIT 1) d", 1, due, 1))
        return;
    yt_db *db = store_writer_acquire(s->store);
    if (!db) return;
    size_t n = claim(db, batch, now_ms());
    store_writer_release(s->store);
    for (size_t i = 0; i < n; i++) {
        const claimed *c = &batch[i];
        char trade[WECHATPAY_TRADE_NO_LEN], refund_no[WECHATPAY_TRADE_NO_LEN];
        wechatpay_out_trade_no(c->order_id, trade);
        wechatpay_out_refund_no(c->id, refund_no);
        wechatpay_refund_in in = {.out_trade_no = trade, .out_refund_no = refund_no, .reason = c->reason, .refund = c->amount,
                                  .total = c->total};
        wechatpay_refund_out out;
        int rc = wechatpay_refund(s->m, s->platform, &in, &out); /* no writer held while WeChat Pay thinks */
        if (!(db = store_writer_acquire(s->store))) return;
        record(s, db, c, rc, &out, now_ms());
        store_writer_release(s->store);
    }
}

static void *run(void *arg) {
    refund_submitter *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        if (!s->kicked) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            ts.tv_sec += 1;
            pthread_cond_timedwait(&s->cv, &s->mu, &ts);
        }
        if (s->stop) break;
        s->kicked = false;
        pthread_mutex_unlock(&s->mu);
        round_once(s);
        pthread_mutex_lock(&s->mu);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

refund_submitter *refund_submitter_start(yt_store *store, const wechatpay_merchant *m, const wechatpay *platform, int retry_ms) {
    refund_submitter *s = yt_calloc(1, sizeof *s);
    *s = (refund_submitter){.store = store, .m = m, .platform = platform, .retry_ms = retry_ms > 0 ? retry_ms : REFUND_RETRY_MS};
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    if (pthread_create(&s->thread, NULL, run, s) != 0) {
        pthread_mutex_destroy(&s->mu);
        pthread_cond_destroy(&s->cv);
        free(s);
        return NULL;
    }
    return s;
}

void refund_submitter_kick(refund_submitter *s) {
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->kicked = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void refund_submitter_stop(refund_submitter *s) {
    if (!s) return;
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_signal(&s->cv);
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
