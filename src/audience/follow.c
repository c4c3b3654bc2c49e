/* The audience follower: one thread on its own connection, waiting for change notifications and syncing. */
#include "follow.h"
#include "../base/alloc.h"
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <time.h>

#define WAIT_MS 100

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

static void *follow(void *arg) {
    audience_follower *f = arg;
    while (!atomic_load(&f->stop)) {
        yt_db *db = store_db(f->s);
        if (!db) { /* the store is unreachable: logged by store_db; try again shortly */
            nap(1000);
            continue;
        }
        if (db_wait_notify(db, "yt_changes", WAIT_MS) < 0) nap(WAIT_MS);
        if (!atomic_load(&f->stop)) audience_sync(f->a, db);
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
