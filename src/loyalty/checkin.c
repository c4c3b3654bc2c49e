/* Check-in: the day's row, its points, streak rewards once per run, make-ups at a cost; the month's calendar. */
#include "checkin.h"
#include "points.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include <stdio.h>
#include <string.h>

#define RUN_LOOKBACK 1000 /* days read to find a run's start; streak rules reach 366 */

/* The run of consecutive check-in days that holds day: its first day and length. */
static int run_of(yt_ctx *x, int64_t customer, int32_t day, int32_t *start, int64_t *len) {
    yt_param p[] = {PI(customer), PI(day - RUN_LOOKBACK), PI(day + 62)};
    yt_rows *r = db_query(x->db, "SELECT day FROM checkins WHERE customer_id = ? AND day BETWEEN ? AND ? ORDER BY day", 3, p);
    if (!r) return yt_fail_db(x, "checking in");
    int32_t s = day, prev = 0;
    bool first = true, in_run = false;
    *start = day, *len = 1;
    while (rows_next(r)) {
        int32_t d = (int32_t)rows_int(r, 0);
        if (first || d != prev + 1) { /* a gap: a new run begins, or the day's run has ended */
            if (in_run) break;
            s = d;
        }
        first = false;
        prev = d;
        if (d == day) in_run = true;
        if (in_run) *start = s, *len = d - s + 1;
    }
    rows_free(r);
    return YT_OK;
}

/* Each streak rule the run now reaches earns once per run: a run that a make-up joined to an earlier one
 * is still the run whose rewards were paid (any reward for that rule starting within it counts). */
static int streak_rewards(yt_ctx *x, const loyalty_settings *s, int64_t customer, int32_t start, int64_t len, int64_t *earned) {
    for (int i = 0; i < s->nstreaks && s->streaks[i].days <= len; i++) {
        yt_param q[] = {PI(customer), PI(s->streaks[i].days), PI(start), PI(start + len - 1)};
        int64_t paid = db_query_int(x->db, "SELECT COUNT(*) FROM checkin_rewards WHERE customer_id = ? AND days = ?"
                                           " AND run_start BETWEEN ? AND ?", 4, q, -1);
        if (paid < 0) return yt_fail_db(x, "checking in");
        if (paid) continue;
        yt_param w[] = {PI(customer), PI(start), PI(s->streaks[i].days), PI(s->streaks[i].points), PI(now_ms())};
        if (db_exec(x->db, "INSERT INTO checkin_rewards(customer_id, run_start, days, points, at) VALUES(?,?,?,?,?)", 5, w) != 1)
            return yt_fail_db(x, "checking in");
        char ref[48];
        snprintf(ref, sizeof ref, "checkin_streak:%lld", (long long)s->streaks[i].days);
        int rc = points_change(x, customer, s->streaks[i].points, POINTS_STREAK, ref, NULL);
        if (rc) return rc;
        *earned += s->streaks[i].points;
    }
    return YT_OK;
}

int checkin(yt_ctx *x, int64_t customer, int32_t day, checkin_result *res) {
    memset(res, 0, sizeof *res);
    loyalty_settings s;
    int rc = loyalty_settings_get(x, &s);
    if (rc) return rc;
    int64_t now = now_ms();
    int32_t today = brand_day(now);
    if (day > today) return yt_fail(x, YT_EINVAL, "day", "a day still to come cannot be checked in");
    bool makeup = day < today;
    if (makeup && today - day > s.makeup_days)
        return s.makeup_days ? yt_fail(x, YT_EINVAL, "day", "a missed day can be made up within %lld days", (long long)s.makeup_days)
                             : yt_fail(x, YT_EINVAL, "day", "missed days cannot be made up");
    points_expire_due(x);
    if (db_begin(x->db) != 0) return yt_fail_db(x, "checking in");
    /* the customer's row first: on PostgreSQL it queues this customer's check-ins one after another */
    if (customer_hold(x, customer, YT_ENOTFOUND, "checking in")) return yt_finish(x, x->err.code, "checking in");
    yt_param p[] = {PI(customer), PI(day), PI(makeup), PI(s.checkin_points), PI(makeup ? s.makeup_cost : 0), PI(now)};
    int64_t added = db_exec(x->db, "INSERT INTO checkins(customer_id, day, makeup, points, cost, at) VALUES(?,?,?,?,?,?)"
                                   " ON CONFLICT(customer_id, day) DO NOTHING", 6, p);
    if (added < 0) rc = yt_fail_db(x, "checking in");
    else if (added == 0) rc = yt_fail(x, YT_ECONFLICT, "day", "already checked in that day");
    char ref[40];
    char dtext[16];
    day_fmt(day, dtext, sizeof dtext);
    snprintf(ref, sizeof ref, "checkin:%s", dtext);
    if (rc == YT_OK && makeup && s.makeup_cost) rc = points_change(x, customer, -s.makeup_cost, POINTS_MAKEUP, ref, NULL);
    if (rc == YT_OK && s.checkin_points) rc = points_change(x, customer, s.checkin_points, POINTS_CHECKIN, ref, NULL);
    int32_t start = day;
    int64_t len = 1;
    if (rc == YT_OK) rc = run_of(x, customer, day, &start, &len);
    if (rc == YT_OK) rc = streak_rewards(x, &s, customer, start, len, &res->streak_points);
    if (rc == YT_OK) {
        res->day = day;
        res->makeup = makeup;
        res->points = s.checkin_points;
        res->cost = makeup ? s.makeup_cost : 0;
        res->streak = len;
        yt_param c[] = {PI(customer)};
        res->balance = db_query_int(x->db, "SELECT points FROM customers WHERE id = ?", 1, c, 0);
    }
    return yt_finish(x, rc, "checking in");
}

int checkin_month_json(yt_ctx *x, yt_jw *w, int64_t customer, int year, int month) {
    int32_t first = (int32_t)days_from_civil(year, month, 1);
    int32_t next = (int32_t)days_from_civil(month == 12 ? year + 1 : year, month == 12 ? 1 : month + 1, 1);
    yt_param p[] = {PI(customer), PI(first), PI(next)};
    yt_rows *r = db_query(x->db, "SELECT day, makeup, points, cost FROM checkins WHERE customer_id = ? AND day >= ? AND day < ?"
                                 " ORDER BY day", 3, p);
    if (!r) return yt_fail_db(x, "reading check-ins");
    char buf[16];
    jw_obj(w);
    snprintf(buf, sizeof buf, "%04d-%02d", year, month);
    jw_kstr(w, "month", buf);
    jw_key(w, "days");
    jw_arr(w);
    while (rows_next(r)) {
        jw_obj(w);
        day_fmt(rows_int(r, 0), buf, sizeof buf);
        jw_kstr(w, "day", buf);
        jw_kbool(w, "makeup", rows_int(r, 1) != 0);
        jw_kint(w, "points", rows_int(r, 2));
        jw_kint(w, "cost", rows_int(r, 3));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    rows_free(r);
    /* the current streak: the run that ends today, or yesterday when today is still open */
    int32_t today = brand_day(now_ms());
    yt_param q[] = {PI(customer), PI(today - 1)};
    int64_t last = db_query_int(x->db, "SELECT MAX(day) FROM checkins WHERE customer_id = ? AND day >= ?", 2, q, 0);
    int32_t start = 0;
    int64_t len = 0;
    if (last >= today - 1 && run_of(x, customer, (int32_t)last, &start, &len)) return x->err.code;
    day_fmt(today, buf, sizeof buf);
    jw_kstr(w, "today", buf);
    jw_kbool(w, "checked_in_today", last == today);
    jw_kint(w, "streak", last >= today - 1 ? len : 0);
    /* the brand's rules, so a member's calendar can offer make-ups with their cost */
    loyalty_settings s;
    if (loyalty_settings_get(x, &s)) return x->err.code;
    jw_kint(w, "checkin_points", s.checkin_points);
    jw_kint(w, "makeup_cost", s.makeup_cost);
    jw_kint(w, "makeup_days", s.makeup_days);
    jw_key(w, "streak_rules");
    jw_arr(w);
    for (int i = 0; i < s.nstreaks; i++) {
        jw_obj(w);
        jw_kint(w, "days", s.streaks[i].days);
        jw_kint(w, "points", s.streaks[i].points);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    return YT_OK;
}
