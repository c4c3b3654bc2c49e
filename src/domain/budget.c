/* Budgets kept in the store, so every instance on it draws from the same one: N uses per window per key. */
#include "budget.h"
#include "../base/timeutil.h"
#include <stdatomic.h>

/* Forgets buckets that are full again, at most once a minute. */
static void sweep(yt_db *db, int64_t now) {
    static _Atomic int64_t last;
    if (!time_every(&last, now, 60000)) return;
    yt_param p[] = {PI(now)};
    db_exec(db, "DELETE FROM budgets WHERE tat < ?", 1, p);
}

int budget_take(yt_db *db, const char *key, uint32_t n, uint32_t limit, int64_t window_ms, int *retry_s) {
    int64_t now = now_ms(), cost = window_ms / (limit ? limit : 1) * n;
    *retry_s = 0;
    if (n > limit) {
        *retry_s = (int)((window_ms + 999) / 1000);
        return 0;
    }
    sweep(db, now);
    /* tat: when the bucket is full again; a take pushes it by its cost, and is allowed while it stays
     * within one window of now */
    yt_param p[] = {PT(key), PI(now + cost), PI(now), PI(now), PI(cost), PI(now), PI(now), PI(cost), PI(now), PI(window_ms)};
    yt_rows *r = db_query(db,
                          "INSERT INTO budgets(key, tat) VALUES(?, CAST(? AS BIGINT)) ON CONFLICT(key) DO UPDATE SET"
                          " tat = (CASE WHEN budgets.tat > CAST(? AS BIGINT) THEN budgets.tat ELSE CAST(? AS BIGINT) END)"
                          "   + CAST(? AS BIGINT)"
                          " WHERE (CASE WHEN budgets.tat > CAST(? AS BIGINT) THEN budgets.tat ELSE CAST(? AS BIGINT) END)"
                          "   + CAST(? AS BIGINT) - CAST(? AS BIGINT) <= CAST(? AS BIGINT) RETURNING tat",
                          NPARAMS(p), p);
    if (!r) return -1;
    bool taken = rows_next(r);
    rows_free(r);
    if (taken) return 1;
    yt_param k[] = {PT(key)};
    int64_t tat = db_query_int(db, "SELECT tat FROM budgets WHERE key = ?", 1, k, now + window_ms);
    int64_t wait = tat + cost - window_ms - now;
    *retry_s = (int)((wait + 999) / 1000);
    if (*retry_s < 1) *retry_s = 1;
    return 0;
}
