/* Fixed-window rate limiter keyed by a string (client IP, token id, username): N requests per window. */
#include "ratelimit.h"
#include "alloc.h"
#include "text.h"
#include "timeutil.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#define RL_SLOTS 4096 /* open addressing; a full table evicts the stalest slot it probes */
#define RL_PROBES 8

typedef struct {
    char key[64];
    int64_t window; /* window number: now / window_ms */
    uint32_t count;
} rl_slot;

struct yt_ratelimit {
    uint32_t limit;
    int64_t window_ms;
    pthread_mutex_t mu;
    rl_slot slots[RL_SLOTS];
};

yt_ratelimit *ratelimit_new(uint32_t limit, int64_t window_ms) {
    yt_ratelimit *rl = yt_calloc(1, sizeof *rl);
    rl->limit = limit;
    rl->window_ms = window_ms > 0 ? window_ms : 60000;
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
    int64_t now = now_ms();
    int64_t window = now / rl->window_ms;
    uint32_t h = hash_fnv1a32(key);
    bool ok = true;
    pthread_mutex_lock(&rl->mu);
    rl_slot *victim = NULL, *hit = NULL;
    for (int i = 0; i < RL_PROBES; i++) {
        rl_slot *s = &rl->slots[(h + (uint32_t)i) % RL_SLOTS];
        if (strncmp(s->key, key, sizeof s->key - 1) == 0 && s->key[0]) {
            hit = s;
            break;
        }
        if (!victim || s->window < victim->window) victim = s;
    }
    if (!hit) {
        hit = victim;
        strncpy(hit->key, key, sizeof hit->key - 1);
        hit->key[sizeof hit->key - 1] = '\0';
        hit->window = window;
        hit->count = 0;
    }
    if (hit->window != window) {
        hit->window = window;
        hit->count = 0;
    }
    if (n > rl->limit - (hit->count < rl->limit ? hit->count : rl->limit)) {
        ok = false;
        *retry_after_s = (int)(((window + 1) * rl->window_ms - now + 999) / 1000);
        if (*retry_after_s < 1) *retry_after_s = 1;
    } else {
        hit->count += n;
    }
    pthread_mutex_unlock(&rl->mu);
    return ok;
}
