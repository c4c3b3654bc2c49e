/* Points tasks: their definitions, the member's progress, and the rewards given as events are stored. */
#include "tasks.h"
#include "points.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include "../event/event.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TOTAL_DAY (-1) /* the progress row that counts all days */

static int check(yt_ctx *x, const task_input *in, bool create) {
    if ((create || in->name) && yt_check_text(x, "name", in->name ? in->name : "", 1, 60)) return x->err.code;
    if (in->description && yt_check_text(x, "description", in->description, 0, 300)) return x->err.code;
    if (create && (!in->event_type || !event_type_valid(in->event_type)))
        return yt_fail(x, YT_EINVAL, "event_type", "one of the event types (page_viewed, form_submitted, group_joined, ...)");
    if (in->status && strcmp(in->status, "on") && strcmp(in->status, "off")) return yt_fail(x, YT_EINVAL, "status", "status is on or off");
    if (in->points != TASK_UNCHANGED && (in->points < 1 || in->points > TASK_POINTS_MAX))
        return yt_fail(x, YT_EINVAL, "points", "is 1 to %d", TASK_POINTS_MAX);
    if (in->per_day != TASK_UNCHANGED && (in->per_day < 0 || in->per_day > TASK_PER_DAY_MAX))
        return yt_fail(x, YT_EINVAL, "per_day", "is 0 (no daily cap) to %d", TASK_PER_DAY_MAX);
    if (in->per_customer != TASK_UNCHANGED && (in->per_customer < 0 || in->per_customer > TASK_PER_CUSTOMER_MAX))
        return yt_fail(x, YT_EINVAL, "per_customer", "is 0 (no cap) to %d", TASK_PER_CUSTOMER_MAX);
    if (in->ends_at != TASK_UNCHANGED && in->ends_at < 0) return yt_fail(x, YT_EINVAL, "ends_at", "is a time after 1970");
    if (create && in->ends_at && in->ends_at <= in->starts_at) return yt_fail(x, YT_EINVAL, "ends_at", "must be after starts_at");
    return YT_OK;
}

int task_create(yt_ctx *x, const task_input *in, int64_t *id) {
    if (check(x, in, true)) return x->err.code;
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "creating a task");
    yt_param p[] = {PT(in->name), PT(in->description ? in->description : ""), PT(in->event_type), PI(in->points),
                    PI(in->per_day), PI(in->per_customer), PT(in->status ? in->status : "on"), PI(in->starts_at ? in->starts_at : now),
                    in->ends_at ? PI(in->ends_at) : PNULL, PI(now), PI(now)};
    *id = db_query_int(x->db,
                       "INSERT INTO point_tasks(name, description, event_type, points, per_day, per_customer, status, starts_at,"
                       " ends_at, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?,?) RETURNING id",
                       NPARAMS(p), p, 0);
    int rc = *id > 0 ? audit_record(x, "point_task.create", "point_task", *id, NULL) : yt_fail_db(x, "creating a task");
    return yt_finish(x, rc, "creating a task");
}

int task_update(yt_ctx *x, int64_t id, const task_input *in) {
    if (check(x, in, false)) return x->err.code;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "changing a task");
    /* each field given changes (its flag 1); ends_at 0 is none (open-ended), else it must stay after the start */
#define GIVEN(v) PI((v) != TASK_UNCHANGED), PI((v) == TASK_UNCHANGED ? 0 : (v))
    bool end_given = in->ends_at != TASK_UNCHANGED;
    int64_t end = end_given ? in->ends_at : 0;
    yt_param p[] = {PI(in->name != NULL), PT(in->name ? in->name : ""), PI(in->description != NULL), PT(in->description ? in->description : ""),
                    PI(in->status != NULL), PT(in->status ? in->status : ""), GIVEN(in->points), GIVEN(in->per_day),
                    GIVEN(in->per_customer), PI(end_given), PI(end), PI(end), PI(now_ms()), PI(id), PI(end_given), PI(end), PI(end)};
#undef GIVEN
    int64_t n = db_exec(x->db,
                        "UPDATE point_tasks SET name = CASE WHEN CAST(? AS BIGINT) = 0 THEN name ELSE ? END,"
                        " description = CASE WHEN CAST(? AS BIGINT) = 0 THEN description ELSE ? END,"
                        " status = CASE WHEN CAST(? AS BIGINT) = 0 THEN status ELSE ? END,"
                        " points = CASE WHEN CAST(? AS BIGINT) = 0 THEN points ELSE ? END,"
                        " per_day = CASE WHEN CAST(? AS BIGINT) = 0 THEN per_day ELSE ? END,"
                        " per_customer = CASE WHEN CAST(? AS BIGINT) = 0 THEN per_customer ELSE ? END,"
                        " ends_at = CASE WHEN CAST(? AS BIGINT) = 0 THEN ends_at WHEN CAST(? AS BIGINT) = 0 THEN NULL ELSE ? END,"
                        " updated_at = ? WHERE id = ? AND (CAST(? AS BIGINT) = 0 OR CAST(? AS BIGINT) = 0 OR CAST(? AS BIGINT) > starts_at)",
                        NPARAMS(p), p);
    int rc = YT_OK;
    if (n < 0) rc = yt_fail_db(x, "changing a task");
    else if (n == 0) {
        yt_param q[] = {PI(id)};
        rc = db_query_int(x->db, "SELECT COUNT(*) FROM point_tasks WHERE id = ?", 1, q, 0)
                 ? yt_fail(x, YT_EINVAL, "ends_at", "must be after starts_at")
                 : yt_fail(x, YT_ENOTFOUND, NULL, "no task with id %lld", (long long)id);
    } else rc = audit_record(x, "point_task.update", "point_task", id, NULL);
    return yt_finish(x, rc, "changing a task");
}

#define TASK_COLS "t.id, t.name, t.description, t.event_type, t.points, t.per_day, t.per_customer, t.status, t.starts_at," \
                  " t.ends_at"
/* with what it has given: customers rewarded, rewards, points (as they were when given) */
#define TASK_READ                                                                                                      \
    "SELECT " TASK_COLS ", COUNT(g.customer_id), COALESCE(SUM(g.times), 0), COALESCE(SUM(g.points), 0)"              \
    " FROM point_tasks t LEFT JOIN point_task_progress g ON g.task_id = t.id AND g.day = -1"

static void write_task_members(yt_jw *w, yt_rows *r) {
    int64_t now = now_ms(), starts = rows_int(r, 8), ends = rows_null(r, 9) ? 0 : rows_int(r, 9);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "name", rows_text(r, 1));
    jw_kstr(w, "description", rows_text(r, 2));
    jw_kstr(w, "event_type", rows_text(r, 3));
    jw_kint(w, "points", rows_int(r, 4));
    jw_kint(w, "per_day", rows_int(r, 5));
    jw_kint(w, "per_customer", rows_int(r, 6));
    jw_kstr(w, "status", rows_text(r, 7));
    jw_ktime(w, "starts_at", starts);
    if (ends) jw_ktime(w, "ends_at", ends);
    else jw_knull(w, "ends_at");
    jw_kstr(w, "state", strcmp(rows_text(r, 7), "on") ? "off" : now < starts ? "upcoming" : ends && now >= ends ? "over" : "running");
}

static void write_task(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    write_task_members(w, r);
    jw_key(w, "rewards");
    jw_obj(w);
    jw_kint(w, "customers", rows_int(r, 10));
    jw_kint(w, "times", rows_int(r, 11));
    jw_kint(w, "points", rows_int(r, 12));
    jw_obj_end(w);
    jw_obj_end(w);
}

int task_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, TASK_READ " WHERE t.id = ? GROUP BY t.id", 1, p);
    if (!r) return yt_fail_db(x, "reading a task");
    bool found = rows_next(r);
    if (found) write_task(w, r);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no task with id %lld", (long long)id);
}

int task_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor) {
    yt_param p[] = {PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, TASK_READ " WHERE t.id < ? GROUP BY t.id ORDER BY t.id DESC LIMIT ?", 2, p);
    if (!r) return yt_fail_db(x, "listing tasks");
    page_write(w, r, limit, write_task);
    rows_free(r);
    return YT_OK;
}

int task_member_json(yt_ctx *x, yt_jw *w, int64_t customer) {
    int64_t now = now_ms();
    yt_param p[] = {PI(customer), PI(brand_day(now)), PI(customer), PI(now), PI(now)};
    yt_rows *r = db_query(x->db,
                          "SELECT " TASK_COLS ", COALESCE(d.times, 0), COALESCE(a.times, 0) FROM point_tasks t"
                          " LEFT JOIN point_task_progress d ON d.task_id = t.id AND d.customer_id = ? AND d.day = ?"
                          " LEFT JOIN point_task_progress a ON a.task_id = t.id AND a.customer_id = ? AND a.day = -1"
                          " WHERE t.status = 'on' AND t.starts_at <= ? AND (t.ends_at IS NULL OR t.ends_at > ?) ORDER BY t.id",
                          NPARAMS(p), p);
    if (!r) return yt_fail_db(x, "reading tasks");
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    while (rows_next(r)) {
        jw_obj(w);
        write_task_members(w, r);
        jw_kint(w, "today", rows_int(r, 10));
        jw_kint(w, "total", rows_int(r, 11));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    rows_free(r);
    return YT_OK;
}

/* ---- rewards ---- */

typedef struct {
    int64_t id, points, per_day, per_customer, starts_at, ends_at;
    char type[72];
} live_task;

/* One more time, earning points, for customer on day, if the cap allows (0: none); *counted says whether it did. */
static int count_once(yt_ctx *x, int64_t task, int64_t customer, int64_t day, int64_t points, int64_t cap, bool *counted) {
    yt_param p[] = {PI(task), PI(customer), PI(day), PI(points), PI(cap), PI(cap)};
    int64_t n = db_exec(x->db,
                        "INSERT INTO point_task_progress(task_id, customer_id, day, times, points) VALUES(?, ?, ?, 1, ?)"
                        " ON CONFLICT(task_id, customer_id, day) DO UPDATE SET times = point_task_progress.times + 1,"
                        " points = point_task_progress.points + excluded.points"
                        " WHERE CAST(? AS BIGINT) = 0 OR point_task_progress.times < ?",
                        6, p);
    if (n < 0) return yt_fail_db(x, "rewarding tasks");
    *counted = n > 0;
    return YT_OK;
}

static int cmp_event_customer(const void *a, const void *b) {
    const task_event *x = *(const task_event *const *)a, *y = *(const task_event *const *)b;
    if (x->customer_id != y->customer_id) return (x->customer_id > y->customer_id) - (x->customer_id < y->customer_id);
    return (x > y) - (x < y); /* the batch's order within a customer */
}

int task_rewards(yt_ctx *x, const task_event *ev, size_t n) {
    if (!n) return YT_OK;
    int64_t now = now_ms();
    yt_param p[] = {PI(now)};
    yt_rows *r = db_query(x->db, "SELECT id, points, per_day, per_customer, starts_at, COALESCE(ends_at, 0), event_type"
                                 " FROM point_tasks WHERE status = 'on' AND (ends_at IS NULL OR ends_at > ?) ORDER BY id", 1, p);
    if (!r) return yt_fail_db(x, "rewarding tasks");
    live_task *tasks = NULL;
    size_t ntasks = 0, cap = 0;
    while (rows_next(r)) {
        if (ntasks == cap) {
            live_task *more = arena_alloc(x->arena, (cap = cap ? cap * 2 : 8) * sizeof *more);
            if (ntasks) memcpy(more, tasks, ntasks * sizeof *more);
            tasks = more;
        }
        live_task *t = &tasks[ntasks++];
        *t = (live_task){rows_int(r, 0), rows_int(r, 1), rows_int(r, 2), rows_int(r, 3), rows_int(r, 4), rows_int(r, 5), ""};
        snprintf(t->type, sizeof t->type, "%s", rows_text(r, 6));
    }
    rows_free(r);
    if (!ntasks) return YT_OK;
    /* by customer, so concurrent batches lock customers' rows in one order */
    const task_event **order = arena_alloc(x->arena, n * sizeof *order);
    for (size_t i = 0; i < n; i++) order[i] = &ev[i];
    qsort(order, n, sizeof *order, cmp_event_customer);
    for (size_t i = 0; i < n; i++) {
        const task_event *e = order[i];
        for (size_t k = 0; k < ntasks; k++) {
            const live_task *t = &tasks[k];
            if (strcmp(t->type, e->type) != 0 || e->at < t->starts_at || (t->ends_at && e->at >= t->ends_at)) continue;
            int64_t day = brand_day(e->at);
            bool day_ok = false, all_ok = false; /* set by count_once; -O3 cannot tell */
            if (count_once(x, t->id, e->customer_id, day, t->points, t->per_day, &day_ok)) return x->err.code;
            if (!day_ok) continue;
            if (count_once(x, t->id, e->customer_id, TOTAL_DAY, t->points, t->per_customer, &all_ok)) return x->err.code;
            if (!all_ok) { /* the day's count gives the time back */
                yt_param q[] = {PI(t->points), PI(t->id), PI(e->customer_id), PI(day)};
                if (db_exec(x->db, "UPDATE point_task_progress SET times = times - 1, points = points - ?"
                                   " WHERE task_id = ? AND customer_id = ? AND day = ?",
                            4, q) != 1)
                    return yt_fail_db(x, "rewarding tasks");
                continue;
            }
            char ref[40];
            snprintf(ref, sizeof ref, "point_task:%lld", (long long)t->id);
            if (points_change(x, e->customer_id, t->points, POINTS_TASK, ref, NULL)) return x->err.code;
        }
    }
    return YT_OK;
}
