/* Points: the ledger, the balance kept with it, expiry of earned lots, and the brand's loyalty settings. */
#include "points.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include "../domain/page.h"
#include <stdio.h>
#include <string.h>

#define DAY_MS 86400000LL
#define EXPIRE_BATCH 500 /* the LIMIT in points_expire_due's query */

static const char *const reason_names[] = {
    [POINTS_ORDER] = "order",   [POINTS_CHECKIN] = "checkin", [POINTS_STREAK] = "streak", [POINTS_TASK] = "task",
    [POINTS_ADJUST] = "adjust", [POINTS_MALL] = "mall",       [POINTS_LOTTERY] = "lottery", [POINTS_MAKEUP] = "makeup",
    [POINTS_REFUND] = "refund", [POINTS_EXPIRE] = "expire",   [POINTS_REDEEM] = "redeem",   [POINTS_RETURN] = "return",
};

const char *points_reason_name(points_reason r) { return reason_names[r]; }

int points_reason_manual(const char *name) {
    if (strcmp(name, "adjust") == 0) return POINTS_ADJUST;
    if (strcmp(name, "task") == 0) return POINTS_TASK;
    return -1;
}

/* ---- settings ---- */

int loyalty_settings_get(yt_ctx *x, loyalty_settings *s) {
    memset(s, 0, sizeof *s);
    yt_rows *r = db_query(x->db, "SELECT points_per_yuan, expire_days, checkin_points, makeup_cost, makeup_days,"
                                 " redeem_per_yuan, redeem_max_percent, growth_per_yuan, member_day, member_day_points_multiplier,"
                                 " member_day_discount_percent FROM loyalty_settings WHERE id = 1", 0, NULL);
    if (!r) return yt_fail_db(x, "reading the loyalty settings");
    if (rows_next(r)) {
        s->points_per_yuan = rows_int(r, 0);
        s->expire_days = rows_int(r, 1);
        s->checkin_points = rows_int(r, 2);
        s->makeup_cost = rows_int(r, 3);
        s->makeup_days = rows_int(r, 4);
        s->redeem_per_yuan = rows_int(r, 5);
        s->redeem_max_percent = rows_int(r, 6);
        s->growth_per_yuan = rows_int(r, 7);
        s->member_day = rows_int(r, 8);
        s->member_day_points_multiplier = rows_int(r, 9);
        s->member_day_discount_percent = rows_int(r, 10);
    }
    rows_free(r);
    r = db_query(x->db, "SELECT days, points FROM checkin_streaks ORDER BY days", 0, NULL);
    if (!r) return yt_fail_db(x, "reading the loyalty settings");
    while (rows_next(r) && s->nstreaks < CHECKIN_STREAKS_MAX) {
        s->streaks[s->nstreaks].days = rows_int(r, 0);
        s->streaks[s->nstreaks++].points = rows_int(r, 1);
    }
    rows_free(r);
    return YT_OK;
}

/* One bound per setting: the field the problem names, and its range. */
static const struct {
    const char *field;
    size_t offset;
    int64_t max;
} bounds[] = {
    {"points_per_yuan", offsetof(loyalty_settings, points_per_yuan), 1000},
    {"points_expire_days", offsetof(loyalty_settings, expire_days), 3650},
    {"checkin_points", offsetof(loyalty_settings, checkin_points), 100000},
    {"checkin_makeup_cost", offsetof(loyalty_settings, makeup_cost), 100000},
    {"checkin_makeup_days", offsetof(loyalty_settings, makeup_days), 31},
    {"points_redeem_per_yuan", offsetof(loyalty_settings, redeem_per_yuan), 100000},
    {"points_redeem_max_percent", offsetof(loyalty_settings, redeem_max_percent), 100},
    {"growth_per_yuan", offsetof(loyalty_settings, growth_per_yuan), 1000},
    {"member_day", offsetof(loyalty_settings, member_day), 28},
    {"member_day_points_multiplier", offsetof(loyalty_settings, member_day_points_multiplier), 10},
    {"member_day_discount_percent", offsetof(loyalty_settings, member_day_discount_percent), 100},
};

int loyalty_settings_put(yt_ctx *x, const loyalty_settings *s) {
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        int64_t v = *(const int64_t *)((const char *)s + bounds[i].offset);
        if (v < 0 || v > bounds[i].max)
            return yt_fail(x, YT_EINVAL, bounds[i].field, "%s must be from 0 to %lld", bounds[i].field, (long long)bounds[i].max);
    }
    if (s->member_day_points_multiplier < 1) return yt_fail(x, YT_EINVAL, "member_day_points_multiplier", "is from 1 to 10");
    if (s->member_day_discount_percent < 1) return yt_fail(x, YT_EINVAL, "member_day_discount_percent", "is from 1 to 100");
    for (int i = 0; i < s->nstreaks; i++) {
        if (s->streaks[i].days < 2 || s->streaks[i].days > 366 || s->streaks[i].points < 1 || s->streaks[i].points > 100000)
            return yt_fail(x, YT_EINVAL, "checkin_streaks", "a streak is 2 to 366 days and earns 1 to 100000 points");
        for (int j = 0; j < i; j++)
            if (s->streaks[j].days == s->streaks[i].days)
                return yt_fail(x, YT_EINVAL, "checkin_streaks", "two streak rules for %lld days", (long long)s->streaks[i].days);
    }
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "saving the loyalty settings");
    yt_param p[] = {PI(s->points_per_yuan), PI(s->expire_days), PI(s->checkin_points), PI(s->makeup_cost), PI(s->makeup_days),
                    PI(s->redeem_per_yuan), PI(s->redeem_max_percent), PI(s->growth_per_yuan), PI(s->member_day),
                    PI(s->member_day_points_multiplier), PI(s->member_day_discount_percent), PI(now)};
    int rc = YT_OK;
    if (db_exec(x->db, "UPDATE loyalty_settings SET points_per_yuan = ?, expire_days = ?, checkin_points = ?, makeup_cost = ?,"
                       " makeup_days = ?, redeem_per_yuan = ?, redeem_max_percent = ?, growth_per_yuan = ?, member_day = ?,"
                       " member_day_points_multiplier = ?, member_day_discount_percent = ?, updated_at = ? WHERE id = 1",
                NPARAMS(p), p) != 1 ||
        db_exec(x->db, "DELETE FROM checkin_streaks", 0, NULL) < 0)
        rc = yt_fail_db(x, "saving the loyalty settings");
    for (int i = 0; rc == YT_OK && i < s->nstreaks; i++) {
        yt_param q[] = {PI(s->streaks[i].days), PI(s->streaks[i].points)};
        if (db_exec(x->db, "INSERT INTO checkin_streaks(days, points) VALUES(?, ?)", 2, q) != 1) rc = yt_fail_db(x, "saving the loyalty settings");
    }
    if (rc == YT_OK) rc = audit_record(x, "loyalty_settings.update", "loyalty_settings", 1, NULL);
    return yt_finish(x, rc, "saving the loyalty settings");
}

void loyalty_settings_write_json(yt_jw *w, const loyalty_settings *s) {
    jw_obj(w);
    jw_kint(w, "points_per_yuan", s->points_per_yuan);
    jw_kint(w, "points_expire_days", s->expire_days);
    jw_kint(w, "checkin_points", s->checkin_points);
    jw_kint(w, "checkin_makeup_cost", s->makeup_cost);
    jw_kint(w, "checkin_makeup_days", s->makeup_days);
    jw_kint(w, "points_redeem_per_yuan", s->redeem_per_yuan);
    jw_kint(w, "points_redeem_max_percent", s->redeem_max_percent);
    jw_kint(w, "growth_per_yuan", s->growth_per_yuan);
    jw_kint(w, "member_day", s->member_day);
    jw_kint(w, "member_day_points_multiplier", s->member_day_points_multiplier);
    jw_kint(w, "member_day_discount_percent", s->member_day_discount_percent);
    jw_key(w, "checkin_streaks");
    jw_arr(w);
    for (int i = 0; i < s->nstreaks; i++) {
        jw_obj(w);
        jw_kint(w, "days", s->streaks[i].days);
        jw_kint(w, "points", s->streaks[i].points);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

/* ---- the ledger ---- */

/* Takes n points from the customer's lots, those that expire first first (then the oldest), noting for the
 * spend (ledger row entry) what it took from each lot, so points given back return to the lots they came
 * from. Points held before the ledger began (an opening balance) are in no lot; what the lots cannot cover
 * comes from them. */
static int take_from_lots(yt_ctx *x, int64_t customer, int64_t n, int64_t entry) {
    while (n > 0) {
        yt_param p[] = {PI(customer)};
        yt_rows *r = db_query(x->db, "SELECT id, remaining FROM points_ledger WHERE customer_id = ? AND remaining > 0"
                                     " ORDER BY CASE WHEN expires_at IS NULL THEN 1 ELSE 0 END, expires_at, id LIMIT 64", 1, p);
        if (!r) return yt_fail_db(x, "spending points");
        int seen = 0, rc = YT_OK;
        while (rc == YT_OK && n > 0 && rows_next(r)) {
            seen++;
            int64_t id = rows_int(r, 0), take = rows_int(r, 1) < n ? rows_int(r, 1) : n;
            yt_param u[] = {PI(take), PI(id)};
            yt_param k[] = {PI(entry), PI(id), PI(take)};
            if (db_exec(x->db, "UPDATE points_ledger SET remaining = remaining - ? WHERE id = ?", 2, u) != 1 ||
                db_exec(x->db, "INSERT INTO points_spends(entry_id, lot_id, amount) VALUES(?, ?, ?)", 3, k) != 1)
                rc = yt_fail_db(x, "spending points");
            n -= take;
        }
        rows_free(r);
        if (rc || !seen) return rc;
    }
    return YT_OK;
}

/* Points given back (an order cancelled or refunded) return to the lots the spends with the same ref took
 * them from, with those lots' expiry (a lot that has expired meanwhile expires them again), latest expiry
 * first; *restored is how many found their lot (the rest become a new lot). */
static int return_to_lots(yt_ctx *x, int64_t customer, const char *ref, int64_t n, int64_t *restored) {
    *restored = 0;
    if (!ref || !*ref) return YT_OK;
    yt_param p[] = {PI(customer), PT(ref)};
    yt_rows *r = db_query(x->db,
                          "SELECT s.entry_id, s.lot_id, s.amount - s.returned FROM points_spends s"
                          " JOIN points_ledger e ON e.id = s.entry_id JOIN points_ledger l ON l.id = s.lot_id"
                          " WHERE e.customer_id = ? AND e.ref = ? AND e.delta < 0 AND s.amount > s.returned"
                          " ORDER BY CASE WHEN l.expires_at IS NULL THEN 0 ELSE 1 END, l.expires_at DESC, l.id DESC LIMIT 64",
                          2, p);
    if (!r) return yt_fail_db(x, "giving points back");
    int rc = YT_OK;
    while (rc == YT_OK && *restored < n && rows_next(r)) {
        int64_t left = n - *restored, give = rows_int(r, 2) < left ? rows_int(r, 2) : left;
        yt_param u[] = {PI(give), PI(rows_int(r, 1))};
        yt_param k[] = {PI(give), PI(rows_int(r, 0)), PI(rows_int(r, 1))};
        if (db_exec(x->db, "UPDATE points_ledger SET remaining = remaining + ? WHERE id = ?", 2, u) != 1 ||
            db_exec(x->db, "UPDATE points_spends SET returned = returned + ? WHERE entry_id = ? AND lot_id = ?", 3, k) != 1)
            rc = yt_fail_db(x, "giving points back");
        *restored += give;
    }
    rows_free(r);
    return rc;
}

/* Writes the ledger row (lot: how many of delta form a new lot, with expires_at) and what follows from it; the
 * balance has moved to `balance`. */
static int record(yt_ctx *x, int64_t customer, int64_t delta, int64_t lot, int64_t balance, points_reason reason, const char *ref,
                  int64_t expires_at, int64_t now, int64_t *entry) {
    yt_param p[] = {PI(customer), PI(delta), PI(balance), PT(reason_names[reason]), PT(ref ? ref : ""),
                    PI(lot), lot && expires_at ? PI(expires_at) : PNULL,
                    x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now)};
    int64_t id = db_query_int(x->db,
                              "INSERT INTO points_ledger(customer_id, delta, balance_after, reason, ref, remaining, expires_at,"
                              " staff_id, at) VALUES(?,?,?,?,?,?,?,?,?) RETURNING id", 9, p, 0);
    if (!id) return yt_fail_db(x, "recording points");
    if (entry) *entry = id;
    return change_record(x, CHANGE_CUSTOMER_UPDATED, customer, 0); /* the index's points column follows */
}

int points_change(yt_ctx *x, int64_t customer, int64_t delta, points_reason reason, const char *ref, int64_t *entry) {
    if (delta == 0 || delta > POINTS_DELTA_MAX || delta < -POINTS_DELTA_MAX)
        return yt_fail(x, YT_EINVAL, "delta", "points change by 1 to %lld at a time, up or down", POINTS_DELTA_MAX);
    int64_t now = now_ms(), expires_at = 0;
    if (delta > 0) {
        loyalty_settings s;
        int rc = loyalty_settings_get(x, &s);
        if (rc) return rc;
        if (s.expire_days) expires_at = now + s.expire_days * DAY_MS;
    }
    if (db_begin(x->db) != 0) return yt_fail_db(x, "recording points");
    /* the balance moves first: on PostgreSQL the row lock queues every other change of this customer's points */
    yt_param p[] = {PI(delta), PI(now), PI(customer), PI(delta)};
    yt_rows *r = db_query(x->db, "UPDATE customers SET points = points + ?, updated_at = ? WHERE id = ? AND merged_into IS NULL"
                                 " AND erased_at IS NULL AND points + ? >= 0 RETURNING points", 4, p);
    if (!r) return yt_finish(x, yt_fail_db(x, "recording points"), "recording points");
    bool moved = rows_next(r);
    int64_t balance = moved ? rows_int(r, 0) : 0;
    rows_free(r);
    int rc = YT_OK;
    if (!moved && delta > 0) rc = yt_fail(x, YT_ENOTFOUND, NULL, "no live customer with id %lld", (long long)customer);
    else if (!moved) rc = yt_fail(x, YT_ECONFLICT, "points", "not enough points: this needs %lld", (long long)-delta);
    int64_t restored = 0, id = 0;
    if (rc == YT_OK && reason == POINTS_RETURN) rc = return_to_lots(x, customer, ref, delta, &restored);
    int64_t lot = delta > 0 && reason != POINTS_EXPIRE ? delta - restored : 0;
    if (rc == YT_OK) rc = record(x, customer, delta, lot, balance, reason, ref, expires_at, now, &id);
    if (rc == YT_OK && delta < 0) rc = take_from_lots(x, customer, -delta, id);
    if (entry) *entry = id;
    return yt_finish(x, rc, "recording points");
}

static _Atomic int64_t last_expiry;

void points_expire_due(yt_ctx *x) {
    int64_t now = now_ms();
    if (!time_every(&last_expiry, now, 60000)) return;
    yt_param p[] = {PI(now)};
    yt_rows *r = db_query(x->db, "SELECT id, customer_id, remaining FROM points_ledger WHERE remaining > 0 AND expires_at <= ?"
                                 " ORDER BY expires_at LIMIT 500", 1, p);
    if (!r) {
        log_error("cannot read expiring points: %s", db_error(x->db));
        return;
    }
    int64_t lots[EXPIRE_BATCH][3];
    int n = 0;
    while (n < EXPIRE_BATCH && rows_next(r)) lots[n][0] = rows_int(r, 0), lots[n][1] = rows_int(r, 1), lots[n][2] = rows_int(r, 2), n++;
    rows_free(r);
    for (int i = 0; i < n; i++) {
        /* one transaction per lot: the customer's row first (as every points change takes it), then the lot,
         * claimed (remaining -> 0) only if nobody spent or expired it meanwhile */
        if (db_begin(x->db) != 0) break;
        yt_param lk[] = {PI(lots[i][1])};
        yt_param c[] = {PI(lots[i][0]), PI(lots[i][2])};
        int64_t left = lots[i][2];
        int rc = db_exec(x->db, "UPDATE customers SET updated_at = updated_at WHERE id = ?", 1, lk) >= 0 &&
                         db_exec(x->db, "UPDATE points_ledger SET remaining = 0 WHERE id = ? AND remaining = ?", 2, c) == 1
                     ? YT_OK : YT_ERETRY;
        /* what the lot still holds, but never more than the balance (a customer erased with points keeps them) */
        yt_param q[] = {PI(lots[i][1])};
        int64_t held = db_query_int(x->db, "SELECT points FROM customers WHERE id = ?", 1, q, 0);
        if (held < left) left = held;
        int64_t balance = held - left;
        yt_param b[] = {PI(left), PI(now), PI(lots[i][1]), PI(held)};
        if (rc == YT_OK && left > 0 &&
            db_exec(x->db, "UPDATE customers SET points = points - ?, updated_at = ? WHERE id = ? AND points = ?", 4, b) != 1)
            rc = YT_ERETRY; /* the balance moved meanwhile: the lot is tried again next time */
        char ref[32];
        snprintf(ref, sizeof ref, "points_ledger:%lld", (long long)lots[i][0]);
        if (rc == YT_OK && left > 0) rc = record(x, lots[i][1], -left, 0, balance, POINTS_EXPIRE, ref, 0, now, NULL);
        if (rc == YT_OK) db_commit(x->db);
        else db_rollback(x->db);
    }
}

static void write_entry(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "delta", rows_int(r, 1));
    jw_kint(w, "balance_after", rows_int(r, 2));
    jw_kstr(w, "reason", rows_text(r, 3));
    jw_kstr(w, "ref", rows_text(r, 4));
    if (rows_null(r, 5)) jw_knull(w, "expires_at");
    else jw_ktime(w, "expires_at", rows_int(r, 5));
    jw_ktime(w, "at", rows_int(r, 6));
    jw_obj_end(w);
}

int points_ledger_json(yt_ctx *x, yt_jw *w, int64_t customer, int limit, int64_t cursor) {
    yt_param p[] = {PI(customer), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT id, delta, balance_after, reason, ref, expires_at, at FROM points_ledger"
                                 " WHERE customer_id = ? AND id < ? ORDER BY id DESC LIMIT ?", 3, p);
    if (!r) return yt_fail_db(x, "reading points");
    page_write(w, r, limit, write_entry);
    rows_free(r);
    return YT_OK;
}

int points_balance_json(yt_ctx *x, yt_jw *w, int64_t customer) {
    yt_param p[] = {PI(customer)};
    int64_t balance = db_query_int(x->db, "SELECT points FROM customers WHERE id = ?", 1, p, -1);
    if (balance < 0) return yt_fail_db(x, "reading points");
    yt_rows *r = db_query(x->db, "SELECT expires_at, SUM(remaining) FROM points_ledger WHERE customer_id = ? AND remaining > 0"
                                 " AND expires_at IS NOT NULL GROUP BY expires_at ORDER BY expires_at LIMIT 1", 1, p);
    if (!r) return yt_fail_db(x, "reading points");
    jw_obj(w);
    jw_kint(w, "customer_id", customer);
    jw_kint(w, "balance", balance);
    if (rows_next(r)) {
        jw_key(w, "expiring");
        jw_obj(w);
        jw_kint(w, "points", rows_int(r, 1));
        jw_ktime(w, "at", rows_int(r, 0));
        jw_obj_end(w);
    } else {
        jw_knull(w, "expiring");
    }
    rows_free(r);
    jw_obj_end(w);
    return YT_OK;
}
