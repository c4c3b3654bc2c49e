/* The refund submitter: claims pending WeChat Pay refunds, asks WeChat Pay's refund API (and, for those left
 * PROCESSING without a notification, its refund query), records its answers. */
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
    int retry_ms, recheck_ms;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool stop, kicked;
    pthread_t thread;
};

typedef struct {
    int64_t id, order_id, amount, total, attempts, round;
    char reason[256];
} claimed;

/* The refunds a round asks about: those not asked for yet (ASK), and those WeChat Pay answered PROCESSING
 * whose notification has not come recheck_ms after they were asked for (RECHECK). */
enum { ASK, RECHECK };
#define DUE_ASK "submitted_at IS NULL"
#define DUE_RECHECK "submitted_at <= CAST(? AS BIGINT) AND provider_status = 'PROCESSING'"
#define WAITING(due) "provider = 'wechatpay' AND status = 'pending' AND " due " AND (claim_until IS NULL OR claim_until < ?)"
#define CLAIM_SQL(due)                                                                                                   \
    "UPDATE mall_refunds SET claim_until = ?, attempts = attempts + 1 WHERE id IN"                                       \
    " (SELECT id FROM mall_refunds WHERE " WAITING(due) " ORDER BY id LIMIT ?) AND " WAITING(due)                      \
    " RETURNING id, order_id, amount, reason, attempts, (SELECT total FROM mall_orders o WHERE o.id = order_id), provider_round"
static const char *const claim_sql[] = {[ASK] = CLAIM_SQL(DUE_ASK), [RECHECK] = CLAIM_SQL(DUE_RECHECK)};
static const char *const due_sql[] = {[ASK] = "SELECT COUNT(*) FROM (SELECT 1 FROM mall_refunds WHERE " WAITING(DUE_ASK) " LIMIT 1) d",
                                      [RECHECK] = "SELECT COUNT(*) FROM (SELECT 1 FROM mall_refunds WHERE " WAITING(DUE_RECHECK) " LIMIT 1) d"};

/* Claims up to CLAIM_BATCH refunds of the kind to ask about; the claim's conditions are in the outer WHERE, so
 * under PostgreSQL an instance that raced another re-reads the row and skips it. */
static size_t claim(yt_db *db, int kind, int64_t asked_by, claimed *out, int64_t now) {
    yt_param ask[] = {PI(now + REFUND_CLAIM_MS), PI(now), PI(CLAIM_BATCH), PI(now)};
    yt_param recheck[] = {PI(now + REFUND_CLAIM_MS), PI(asked_by), PI(now), PI(CLAIM_BATCH), PI(asked_by), PI(now)};
    if (db_begin(db) != 0) return 0;
    yt_rows *r = kind == ASK ? db_query(db, claim_sql[ASK], NPARAMS(ask), ask) : db_query(db, claim_sql[RECHECK], NPARAMS(recheck), recheck);
    size_t n = 0;
    while (r && rows_next(r) && n < CLAIM_BATCH) {
        claimed *c = &out[n++];
        c->id = rows_int(r, 0), c->order_id = rows_int(r, 1), c->amount = rows_int(r, 2), c->attempts = rows_int(r, 4);
        c->total = rows_int(r, 5), c->round = rows_int(r, 6);
        snprintf(c->reason, sizeof c->reason, "%s", rows_text(r, 3));
    }
    bool ok = r != NULL;
    rows_free(r);
    if (!ok || db_commit(db) != 0) {
        log_error("refunds: cannot claim refunds to ask WeChat Pay about: %s", db_error(db));
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
    yt_param p[] = {rc == -1 ? PNULL : PI(now), PI(now + wait), status ? PT(status) : PNULL, PT(rc == 0 ? "" : out->note), PI(c->id),
                    PI(c->round)};
    bool ok = db_begin(db) == 0;
    /* nothing changes when the refund is in another round now (settled by a notification meanwhile, and asked
     * for again), unless this round paid after all (mall_refund_settle settles the refund paid) */
    int64_t changed = ok ? db_exec(db, "UPDATE mall_refunds SET submitted_at = COALESCE(submitted_at, ?), claim_until = ?,"
                                       " provider_status = COALESCE(?, provider_status), provider_note = ? WHERE id = ? AND provider_round = ?",
                                   6, p)
                         : -1;
    ok = changed >= 0;
    bool replay;
    if (ok && (changed || succeeded) && settle) ok = mall_refund_settle(&x, c->id, c->round, succeeded, NULL, -1, &replay) == YT_OK; /* in the same transaction */
    ok = ok && db_commit(db) == 0;
    if (!ok && db->tx_depth) db_rollback(db);
    if (!ok) log_error("refunds: cannot record WeChat Pay's answer for refund %lld: %s", (long long)c->id, db_error(db));
    if (rc != 0 || !succeeded)
        log_info("refunds: refund %lld asked of WeChat Pay (attempt %lld): %s%s%s", (long long)c->id, (long long)c->attempts,
                 rc == -1 ? "asked again later: " : rc == 1 ? "refused: " : "", rc == 0 ? out->status : "", rc == 0 ? "" : out->note);
    arena_free(&arena);
}

/* Asks about the refunds of one kind that are due: for the first time (the refund API), or again (the query). */
static void round_of(refund_submitter *s, int kind) {
    claimed batch[CLAIM_BATCH];
    int64_t now = now_ms(), asked_by = now - s->recheck_ms;
    /* the writer only when a read on this thread's connection finds a refund to ask about (on an error, look anyway) */
    yt_db *rd = store_db(s->store);
    yt_param due_ask[] = {PI(now)}, due_recheck[] = {PI(asked_by), PI(now)};
    if (!rd || !(kind == ASK ? db_query_int(rd, due_sql[ASK], 1, due_ask, 1) : db_query_int(rd, due_sql[RECHECK], 2, due_recheck, 1)))
        return;
    yt_db *db = store_writer_acquire(s->store);
    if (!db) return;
    size_t n = claim(db, kind, asked_by, batch, now);
    store_writer_release(s->store);
    for (size_t i = 0; i < n; i++) {
        const claimed *c = &batch[i];
        char trade[WECHATPAY_TRADE_NO_LEN], refund_no[WECHATPAY_TRADE_NO_LEN];
        wechatpay_out_trade_no(c->order_id, trade);
        wechatpay_out_refund_no(c->id, c->round, refund_no);
        wechatpay_refund_out out;
        int rc; /* no writer held while WeChat Pay thinks */
        if (kind == ASK) {
            wechatpay_refund_in in = {.out_trade_no = trade, .out_refund_no = refund_no, .reason = c->reason, .refund = c->amount,
                                      .total = c->total};
            rc = wechatpay_refund(s->m, s->platform, &in, &out);
        } else {
            rc = wechatpay_refund_query(s->m, s->platform, refund_no, &out);
            if (rc == 1) rc = -1; /* a query refused is no word on the refund, which WeChat Pay took: ask again later */
        }
        if (!(db = store_writer_acquire(s->store))) return;
        record(s, db, c, rc, &out, now_ms());
        store_writer_release(s->store);
    }
}

static void round_once(refund_submitter *s) {
    round_of(s, ASK);
    round_of(s, RECHECK);
}

static void *run(void *arg) {
    refund_submitter *s = arg;
    pthread_mutex_lock(&s->mu);
    while (!s->stop) {
        if (!s->kicked) {
            struct timespec ts = time_deadline(CLOCK_REALTIME, 1000000000);
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

refund_submitter *refund_submitter_start(yt_store *store, const wechatpay_merchant *m, const wechatpay *platform, int retry_ms,
                                         int recheck_ms) {
    refund_submitter *s = yt_calloc(1, sizeof *s);
    *s = (refund_submitter){.store = store, .m = m, .platform = platform, .retry_ms = retry_ms > 0 ? retry_ms : REFUND_RETRY_MS,
                            .recheck_ms = recheck_ms > 0 ? recheck_ms : REFUND_RECHECK_MS};
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
