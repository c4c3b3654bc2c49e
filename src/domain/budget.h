/* Budgets kept in the store, so every instance on it draws from the same one: N uses per window per key. */
#ifndef YT_BUDGET_H
#define YT_BUDGET_H
#include "../store/store.h"

/* Takes n from key's budget of limit per window_ms, all or nothing, in one atomic statement (a token
 * bucket: limit at once, then one every window_ms / limit). 1 when taken; 0 when not, with *retry_s set;
 * -1 on a store error. Runs on its own (not inside the caller's transaction). */
int budget_take(yt_db *db, const char *key, uint32_t n, uint32_t limit, int64_t window_ms, int *retry_s);

#endif
