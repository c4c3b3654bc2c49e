/* The lifecycle ladder: stage rules (saved or default), moving customers whose stage changed (recorded in
 * lifecycle_moves), and the counts and weekly flows the console draws. */
#include "lifecycle.h"
#include "rules.h"
#include "../base/alloc.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MOVE_CHUNK 5000

/* The defaults, tried in this order: the first condition that holds is the stage; stranger when none. */
static const lifecycle_rule defaults[] = {
    {"partner", "tag = \"合伙人\""},
    {"iron_fan", "orders >= 6 and last_order within 180d"},
    {"fan", "orders >= 3 and last_order within 180d"},
    {"churn_risk", "orders >= 2 and not last_order within 120d and last_order within 365d"},
    {"repeat_customer", "orders >= 2 and last_order within 365d"},
    {"dormant", "orders >= 1 and not last_order within 365d"},
    {"customer", "orders >= 1"},
    {"weak_tie", "consent = \"granted\" or last_seen within 90d"},
};

static int stage_index(const char *stage) {
    for (int i = 0; i < LIFECYCLE_NSTAGES; i++)
        if (strcmp(lifecycle_stages[i], stage) == 0) return i;
    return -1;
}

int lifecycle_rules(yt_ctx *x, lifecycle_rule *out, int *n, bool *is_default) {
    yt_rows *r = db_query(x->db, "SELECT stage, query FROM lifecycle_rules ORDER BY position", 0, NULL);
    if (!r) return yt_fail_db(x, "reading the lifecycle rules");
    *n = 0;
    while (rows_next(r) && *n < LIFECYCLE_MAX_RULES) {
        out[*n].stage = arena_strdup(x->arena, rows_text(r, 0));
        out[*n].query = arena_strdup(x->arena, rows_text(r, 1));
        (*n)++;
    }
    rows_free(r);
    *is_default = *n == 0;
    if (*is_default) {
        *n = (int)(sizeof defaults / sizeof defaults[0]);
        memcpy(out, defaults, sizeof defaults);
    }
    return YT_OK;
}

static bool reads_lifecycle(const seg_node *n) {
    if (!n) return false;
    if (n->attr && strcmp(n->attr, "lifecycle") == 0) return true;
    return reads_lifecycle(n->a) || reads_lifecycle(n->b);
}

int lifecycle_rules_save(audience *a, yt_ctx *x, const lifecycle_rule *rules, int n, int *pos, const char ***cycle, int *ncycle) {
    *pos = -1;
    *cycle = NULL;
    *ncycle = 0;
    if (n < 1 || n > LIFECYCLE_MAX_RULES) return yt_fail(x, YT_EINVAL, "items", "give 1 to %d stage rules", LIFECYCLE_MAX_RULES);
    bool seen[LIFECYCLE_NSTAGES] = {false};
    for (int i = 0; i < n; i++) {
        char field[32];
        snprintf(field, sizeof field, "items[%d].stage", i);
        int s = stage_index(rules[i].stage);
        if (s < 0) return yt_fail(x, YT_EINVAL, field, "unknown stage '%s'", rules[i].stage);
        if (s == 0) return yt_fail(x, YT_EINVAL, field, "stranger is whoever no rule places; it has no rule");
        if (seen[s]) return yt_fail(x, YT_EINVAL, field, "stage '%s' has two rules", rules[i].stage);
        seen[s] = true;
        snprintf(field, sizeof field, "items[%d].query", i);
        seg_error err;
        seg_node *node = seg_parse_text(rules[i].query, x->arena, &err);
        audience_result res;
        if (!node) {
            *pos = err.pos;
            return yt_fail(x, YT_EINVAL, field, "%s", err.msg);
        }
        if (reads_lifecycle(node)) return yt_fail(x, YT_EINVAL, field, "a stage rule cannot read the stage itself");
        int rc = audience_eval(a, x, node, &res, &err);
        if (rc == YT_EINVAL) {
            *pos = err.pos;
            return yt_fail(x, YT_EINVAL, field, "%s", err.msg);
        }
        if (rc) return rc;
        audience_result_free(&res);
    }
    if (audience_loop_check(x, NULL, rules, n, cycle, ncycle)) return x->err.code;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "saving the lifecycle rules");
    int rc = db_exec(x->db, "DELETE FROM lifecycle_rules", 0, NULL) < 0 ? yt_fail_db(x, "saving the lifecycle rules") : YT_OK;
    for (int i = 0; rc == YT_OK && i < n; i++) {
        yt_param p[] = {PI(i + 1), PT(rules[i].stage), PT(rules[i].query), PI(now_ms())};
        if (db_exec(x->db, "INSERT INTO lifecycle_rules(position, stage, query, updated_at) VALUES(?,?,?,?)", 4, p) < 0)
            rc = yt_fail_db(x, "saving the lifecycle rules");
    }
    if (rc == YT_OK) rc = audit_record(x, "lifecycle.rules_update", "lifecycle", 0, NULL);
    return yt_finish(x, rc, "saving the lifecycle rules");
}

/* Moves ids (all now at stage `from`) to stage `to`, if still there, recording each move. */
static int move(yt_ctx *x, const int64_t *ids, size_t n, const char *from, const char *to, int64_t *moved) {
    yt_dialect d = db_dialect(x->db);
    char *list = db_id_list(d, ids, n);
    int64_t now = now_ms();
    yt_param p[] = {PT(to), PI(now), PT(from), PT(list)};
    char sql[256];
    snprintf(sql, sizeof sql, "UPDATE customers SET lifecycle = ?, updated_at = ? WHERE lifecycle = ? AND id%s RETURNING id", db_in_ids(d));
    if (db_begin(x->db) != 0) {
        free(list);
        return yt_fail_db(x, "moving lifecycle stages");
    }
    yt_rows *r = db_xact_lock(x->db, AUDIENCE_WRITE_LOCK) == 0 &&
                         customers_lock_ascending(x, ids, n, "moving lifecycle stages") == YT_OK
                     ? db_query(x->db, sql, 4, p)
                     : NULL;
    free(list);
    int rc = r ? YT_OK : yt_fail_db(x, "moving lifecycle stages");
    int64_t *done = arena_alloc(x->arena, sizeof *done * (n ? n : 1));
    size_t k = 0;
    while (r && rows_next(r) && k < n) done[k++] = rows_int(r, 0);
    if (r) rows_free(r);
    if (rc == YT_OK && k) {
        char *ml = db_id_list(d, done, k);
        yt_param q[] = {PT(from), PT(to), PI(now), PT(ml)};
        if (db_exec(x->db,
                    d == YT_PG ? "INSERT INTO lifecycle_moves(from_stage, to_stage, at, customer_id)"
                                 " SELECT CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), u FROM unnest(CAST(? AS BIGINT[])) AS u"
                               : "INSERT INTO lifecycle_moves(from_stage, to_stage, at, customer_id) SELECT ?, ?, ?, value FROM json_each(?)",
                    4, q) != (int64_t)k)
            rc = yt_fail_db(x, "recording lifecycle moves");
        free(ml);
        if (rc == YT_OK) rc = change_record_customers(x, CHANGE_CUSTOMER_UPDATED, done, &k);
    }
    if (moved && rc == YT_OK) *moved += (int64_t)k;
    return yt_finish(x, rc, "moving lifecycle stages");
}

static int move_set(yt_ctx *x, const roaring_bitmap_t *set, const char *from, const char *to, int64_t *moved) {
    uint64_t n = roaring_bitmap_get_cardinality(set);
    if (!n) return YT_OK;
    size_t nids;
    int64_t *ids = audience_ids(set, &nids);
    int rc = YT_OK;
    for (uint64_t at = 0; rc == YT_OK && at < n; at += MOVE_CHUNK)
        rc = move(x, ids + at, n - at < MOVE_CHUNK ? (size_t)(n - at) : MOVE_CHUNK, from, to, moved);
    free(ids);
    return rc;
}

int lifecycle_apply(audience *a, yt_ctx *x, int64_t *moved) {
    if (moved) *moved = 0;
    lifecycle_rule rules[LIFECYCLE_MAX_RULES];
    int n;
    bool is_default;
    if (lifecycle_rules(x, rules, &n, &is_default)) return x->err.code;
    roaring_bitmap_t *target[LIFECYCLE_NSTAGES] = {NULL}, *current[LIFECYCLE_NSTAGES] = {NULL};
    roaring_bitmap_t *placed = roaring_bitmap_create();
    int rc = YT_OK;
    for (int i = 0; rc == YT_OK && i < n; i++) {
        int s = stage_index(rules[i].stage);
        seg_error err;
        seg_node *node = s > 0 ? seg_parse_text(rules[i].query, x->arena, &err) : NULL;
        audience_result res;
        if (!node || target[s]) continue;
        int er = audience_eval(a, x, node, &res, &err);
        if (er == YT_EINVAL) continue; /* a saved rule this version cannot read places nobody */
        if (er) {
            rc = er;
            break;
        }
        target[s] = roaring_bitmap_andnot(res.members, placed);
        roaring_bitmap_or_inplace(placed, target[s]);
        audience_result_free(&res);
    }
    if (rc == YT_OK) {
        roaring_bitmap_t *live = audience_live_members(a), *pinned = audience_pinned_members(a);
        target[0] = roaring_bitmap_andnot(live, placed);
        roaring_bitmap_free(live);
        for (int s = 0; s < LIFECYCLE_NSTAGES; s++) /* a stage set by hand stays */
            if (target[s]) roaring_bitmap_andnot_inplace(target[s], pinned);
        roaring_bitmap_free(pinned);
        for (int s = 0; s < LIFECYCLE_NSTAGES; s++) current[s] = audience_stage_members(a, lifecycle_stages[s]);
    }
    for (int to = 0; rc == YT_OK && to < LIFECYCLE_NSTAGES; to++) {
        if (!target[to]) continue;
        for (int from = 0; rc == YT_OK && from < LIFECYCLE_NSTAGES; from++) {
            if (from == to) continue;
            roaring_bitmap_t *movers = roaring_bitmap_and(target[to], current[from]);
            rc = move_set(x, movers, lifecycle_stages[from], lifecycle_stages[to], moved);
            roaring_bitmap_free(movers);
        }
    }
    for (int s = 0; s < LIFECYCLE_NSTAGES; s++) {
        if (target[s]) roaring_bitmap_free(target[s]);
        if (current[s]) roaring_bitmap_free(current[s]);
    }
    roaring_bitmap_free(placed);
    return rc;
}

/* Weeks start on Monday (Asia/Shanghai); day 0, 1970-01-01, was a Thursday. */
static int64_t week_of_day(int64_t day) {
    return (day + 3) >= 0 ? (day + 3) / 7 : -((-(day + 3) + 6) / 7);
}

int lifecycle_report_json(audience *a, yt_ctx *x, yt_jw *w, int weeks) {
    jw_obj(w);
    jw_key(w, "stages");
    jw_arr(w);
    for (int s = 0; s < LIFECYCLE_NSTAGES; s++) {
        seg_node node = {.kind = SEG_CMP, .attr = "lifecycle", .op = SEG_EQ, .v = {.type = SEGV_TEXT, .text = lifecycle_stages[s]}};
        audience_result res;
        seg_error err;
        int rc = audience_eval(a, x, &node, &res, &err);
        if (rc) return rc == YT_EINVAL ? yt_fail(x, YT_EINTERNAL, NULL, "%s", err.msg) : rc;
        jw_obj(w);
        jw_kstr(w, "stage", lifecycle_stages[s]);
        jw_kint(w, "count", (int64_t)roaring_bitmap_get_cardinality(res.members));
        jw_obj_end(w);
        audience_result_free(&res);
    }
    jw_arr_end(w);
    int64_t this_week = week_of_day(audience_today(a));
    int64_t since = brand_day_start((int32_t)((this_week - weeks + 1) * 7 - 3));
    yt_param p[] = {PI(since), PI(x->who->staff_id)};
    yt_rows *r = db_query(x->db,
                          x->who->own_customers_only
                              ? "SELECT (m.at + 28800000) / 86400000, m.from_stage, m.to_stage FROM lifecycle_moves m"
                                " JOIN customers c ON c.id = m.customer_id WHERE m.at >= ? AND c.owner_id = ?"
                              : "SELECT (m.at + 28800000) / 86400000, m.from_stage, m.to_stage FROM lifecycle_moves m WHERE m.at >= ?",
                          x->who->own_customers_only ? 2 : 1, p);
    if (!r) return yt_fail_db(x, "reading lifecycle flows");
    /* counted here by week, from and to: at most weeks x 9 x 9 cells */
    int64_t *cells = yt_calloc((size_t)weeks * LIFECYCLE_NSTAGES * LIFECYCLE_NSTAGES, sizeof *cells);
    while (rows_next(r)) {
        int64_t wk = week_of_day(rows_int(r, 0)) - (this_week - weeks + 1);
        int f = stage_index(rows_text(r, 1)), t = stage_index(rows_text(r, 2));
        if (wk >= 0 && wk < weeks && f >= 0 && t >= 0) cells[(wk * LIFECYCLE_NSTAGES + f) * LIFECYCLE_NSTAGES + t]++;
    }
    rows_free(r);
    jw_key(w, "flows");
    jw_arr(w);
    for (int wk = 0; wk < weeks; wk++)
        for (int f = 0; f < LIFECYCLE_NSTAGES; f++)
            for (int t = 0; t < LIFECYCLE_NSTAGES; t++) {
                int64_t c = cells[(wk * LIFECYCLE_NSTAGES + f) * LIFECYCLE_NSTAGES + t];
                if (!c) continue;
                int64_t start = (this_week - weeks + 1 + wk) * 7 - 3;
                char date[40];
                time_fmt(brand_day_start((int32_t)start) + 8 * 3600000LL, date, sizeof date);
                date[10] = '\0';
                jw_obj(w);
                jw_kstr(w, "week", date);
                jw_kstr(w, "from", lifecycle_stages[f]);
                jw_kstr(w, "to", lifecycle_stages[t]);
                jw_kint(w, "count", c);
                jw_obj_end(w);
            }
    jw_arr_end(w);
    free(cells);
    jw_obj_end(w);
    return YT_OK;
}
