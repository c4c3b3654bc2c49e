/* The audience follower: one thread on its own connection, waiting for change notifications and syncing. */
#include "follow.h"
#include "lifecycle.h"
#include "rules.h"
#include "tracking.h"
#include "../base/alloc.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define WAIT_MS 100
#define DERIVE_GAP_MS 250

struct audience_follower {
    audience *a;
    yt_store *s;
    pthread_t thread;
    atomic_bool stop;
};

static void nap(int ms) {
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&ts, NULL);
}

int audience_refit(audience *a, yt_db *db) {
    clv_model m;
    char err[200];
    if (!clv_model_fit(db, audience_today(a), CLV_WEEK, &m, err, sizeof err)) {
        log_info("lifetime value: no model yet (%s)", err);
        return -1;
    }
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    int rc = clv_model_save(&x, &m);
    arena_free(&arena);
    if (rc) {
        log_error("lifetime value: cannot save the model: %s", x.err.msg);
        return -1;
    }
    log_info("lifetime value: fitted on %zu customers (r %.4g, alpha %.4g, a %.4g, b %.4g)", m.bgnbd.customers, m.bgnbd.r,
             m.bgnbd.alpha, m.bgnbd.a, m.bgnbd.b);
    return audience_use_model(a, db, &m);
}

int audience_start(audience *a, yt_db *db) {
    clv_model m;
    int found = clv_model_latest(db, &m);
    if (found == 1) audience_set_model(a, &m);
    if (audience_build(a, db) != 0) return -1;
    if (found == 0) audience_refit(a, db);
    return 0;
}

/* What follows from writes and from days passing: the auto-tag rules (whose own writes come back through the
 * feed, until nothing changes; the rules cannot loop), then the lifecycle stages, then saved segments' entries
 * and exits. */
static void derive(audience *a, yt_db *db) {
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    if (tag_rules_apply(a, &x, 0, NULL, NULL)) log_error("auto-tag rules: %s", x.err.msg);
    if (lifecycle_apply(a, &x, NULL)) log_error("lifecycle: %s", x.err.msg);
    if (segments_track(a, &x, NULL)) log_error("segment tracking: %s", x.err.msg);
    arena_free(&arena);
}

static void *follow(void *arg) {
    audience_follower *f = arg;
    _Atomic int64_t fitted = now_ms();
    uint64_t derived_at = 0;
    int32_t derived_day = 0; /* days passing move stages too (last_order within 180d) */
    int64_t derive_started = 0, derive_took = 0;
    while (!atomic_load(&f->stop)) {
        yt_db *db = store_db(f->s);
        if (!db) { /* the store is unreachable: logged by store_db; try again shortly */
            nap(1000);
            continue;
        }
        if (db_wait_notify(db, "yt_changes", WAIT_MS) < 0) nap(WAIT_MS);
        /* whoever applied the changes (this thread or a request that synced first), derive once for them */
        /* derived writes evaluate every rule and saved segment on the whole index: under a stream of writes
         * they run at most once per DERIVE_GAP_MS, or five times their own last duration when that is longer */
        if (!atomic_load(&f->stop) && audience_sync(f->a, db) == 0 &&
            (audience_changes_applied(f->a) != derived_at || audience_today(f->a) != derived_day) &&
            now_ms() - derive_started >= (DERIVE_GAP_MS > 5 * derive_took ? DERIVE_GAP_MS : 5 * derive_took)) {
            derived_at = audience_changes_applied(f->a);
            derived_day = audience_today(f->a);
            derive_started = now_ms();
            derive(f->a, db);
            derive_took = now_ms() - derive_started;
        }
        if (time_every(&fitted, now_ms(), 24LL * 3600 * 1000)) audience_refit(f->a, db);
    }
    return NULL;
}

audience_follower *audience_follow(audience *a, yt_store *s) {
    audience_follower *f = yt_calloc(1, sizeof *f);
    f->a = a;
    f->s = s;
    if (pthread_create(&f->thread, NULL, follow, f) != 0) {
        free(f);
        return NULL;
    }
    return f;
}

void audience_follow_stop(audience_follower *f) {
    if (!f) return;
    atomic_store(&f->stop, true);
    pthread_join(f->thread, NULL);
    free(f);
}
