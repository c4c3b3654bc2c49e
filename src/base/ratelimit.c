/* Rate limiter keyed by a string (client IP, token id, person): N requests per window, as a token bucket. */
#include "ratelimit.h"
#include "alloc.h"
#include "text.h"
#include "timeutil.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define RL_SLOTS 4096 /* open addressing; a full table evicts the slot it probes that has refilled most */
#define RL_PROBES 8

/* A token bucket kept as one time (the generic cell rate algorithm): each request pushes tat, the time
 * at which the key's bucket would be full again, by window/limit; a request is allowed while tat stays
 * within one window of now. So `limit` may come at once, and then one more every window/limit: no
 * window boundary at which a second burst opens. */
typedef struct {
    char key[64];
    int64_t tat_us;
} rl_slot;

struct yt_ratelimit {
    uint32_t limit;
    int64_t window_us, cost_us;
    pthread_mutex_t mu;
    rl_slot slots[RL_SLOTS];
};

yt_ratelimit *ratelimit_new(uint32_t limit, int64_t window_ms) {
    yt_ratelimit *rl = yt_calloc(1, sizeof *rl);
    rl->limit = limit;
    rl->window_us = (window_ms > 0 ? window_ms : 60000) * 1000;
    rl->cost_us = limit ? rl->window_us / limit : 0;
    pthread_mutex_init(&rl->mu, NULL);
    return rl;
}

void ratelimit_free(yt_ratelimit *rl) {
    if (!rl) return;
    pthread_mutex_destroy(&rl->mu);
    free(rl);
}

bool ratelimit_take(yt_ratelimit *rl, const char *key, int *retry_after_s) {
    return ratelimit_take_n(rl, key, 1, retry_after_s);
}

bool ratelimit_take_n(yt_ratelimit *rl, const char *key, uint32_t n, int *retry_after_s) {
    if (!rl || rl->limit == 0 || n == 0) return true;
    int64_t now = (int64_t)(mono_ns() / 1000);
    uint32_t h = hash_fnv1a32(key);
    bool ok = true;
    pthread_mutex_lock(&rl->mu);
    rl_slot *victim = NULL, *hit = NULL;
    for (int i = 0; i < RL_PROBES; i++) {
        rl_slot *s = &rl->slots[(h + (uint32_t)i) % RL_SLOTS];
        if (s->key[0] && strncmp(s->key, key, sizeof s->key - 1) == 0) {
            hit = s;
            break;
        }
        if (!victim || s->tat_us < victim->tat_us) victim = s;
    }
    if (!hit) {
        hit = victim;
        strncpy(hit->key, key, sizeof hit->key - 1);
        hit->key[sizeof hit->key - 1] = '\0';
        hit->tat_us = now;
    }
    int64_t start = hit->tat_us > now ? hit->tat_us : now;
    int64_t tat = start + (int64_t)n * rl->cost_us;
    if (n > rl->limit || tat - now > rl->window_us) {
        ok = false;
        int64_t wait_us = n > rl->limit ? rl->window_us : tat - rl->window_us - now;
        *retry_after_s = (int)((wait_us + 999999) / 1000000);
        if (*retry_after_s < 1) *retry_after_s = 1;
    } else {
        hit->tat_us = tat;
    }
    pthread_mutex_unlock(&rl->mu);
    return ok;
}
