/* Rate limiter keyed by a string (client IP, token id, person): N requests per window, as a token bucket
 * (N at once, then one every window/N). */
#ifndef YT_RATELIMIT_H
#define YT_RATELIMIT_H
#include <stdbool.h>
#include <stdint.h>

typedef struct yt_ratelimit yt_ratelimit;

/* limit 0 disables the limiter (every call allowed). */
yt_ratelimit *ratelimit_new(uint32_t limit, int64_t window_ms);
void ratelimit_free(yt_ratelimit *rl);
/* True when allowed; otherwise *retry_after_s says when the window reopens. */
bool ratelimit_take(yt_ratelimit *rl, const char *key, int *retry_after_s);
/* Takes n at once, all or nothing. */
bool ratelimit_take_n(yt_ratelimit *rl, const char *key, uint32_t n, int *retry_after_s);

#endif
