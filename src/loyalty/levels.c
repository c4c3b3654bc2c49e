/* Member levels: thresholds and benefits, growth and the level that follows it, member day, birthday coupons. */
#include "levels.h"
#include "membership.h"
#include "points.h"
#include "../base/alloc.h"
#include "../base/arena.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include "../commerce/coupon.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int member_levels_get(yt_ctx *x, member_levels *out) {
    memset(out, 0, sizeof *out);
    yt_rows *r = db_query(x->db, "SELECT level, name, growth_min, discount_percent, free_shipping, after_sales_priority,"
                                 " birthday_coupon_id FROM member_levels ORDER BY level", 0, NULL);
    if (!r) return yt_fail_db(x, "reading member levels");
    while (rows_next(r) && out->n < LEVELS_MAX) {
        member_level *l = &out->levels[out->n];
        snprintf(out->names[out->n], sizeof out->names[0], "%s", rows_text(r, 1));
        *l = (member_level){rows_int(r, 0), out->names[out->n], rows_int(r, 2), rows_int(r, 3), rows_int(r, 4) != 0,
                            rows_int(r, 5), rows_null(r, 6) ? 0 : rows_int(r, 6)};
        out->n++;
    }
    rows_free(r);
    return YT_OK;
}

/* Sets every live customer's level from their growth (one statement), and records a change for each one
 * that moved, so the index follows. */
static int relevel_all(yt_ctx *x) {
    yt_rows *r = db_query(x->db, "UPDATE customers SET member_level = COALESCE((SELECT MAX(level) FROM member_levels"
                                 " WHERE growth_min <= customers.growth), 1) WHERE merged_into IS NULL AND erased_at IS NULL"
                                 " AND member_level <> COALESCE((SELECT MAX(level) FROM member_levels"
                                 " WHERE growth_min <= customers.growth), 1) RETURNING id", 0, NULL);
    if (!r) return yt_fail_db(x, "setting member levels");
    size_t n;
    int64_t *ids = rows_ids(r, &n);
    int rc = n ? change_record_customers(x, CHANGE_CUSTOMER_UPDATED, ids, &n) : YT_OK;
    free(ids);
    return rc;
}

int member_levels_put(yt_ctx *x, const member_levels *in) {
    if (in->n < 1 || in->n > LEVELS_MAX) return yt_fail(x, YT_EINVAL, "levels", "give 1 to %d levels", LEVELS_MAX);
    for (int i = 0; i < in->n; i++) {
        const member_level *l = &in->levels[i];
        char field[48];
        snprintf(field, sizeof field, "levels[%d].name", i);
        if (yt_check_text(x, field, l->name ? l->name : "", 1, 20)) return x->err.code;
        snprintf(field, sizeof field, "levels[%d].growth_min", i);
        if (i == 0 && l->growth_min != 0) return yt_fail(x, YT_EINVAL, field, "the first level starts at growth 0");
        if (i > 0 && l->growth_min <= in->levels[i - 1].growth_min)
            return yt_fail(x, YT_EINVAL, field, "each level needs more growth than the one before");
        if (l->growth_min > 1000000000LL) return yt_fail(x, YT_EINVAL, field, "is at most 10^9");
        snprintf(field, sizeof field, "levels[%d].discount_percent", i);
        if (l->discount_percent < 1 || l->discount_percent > 100) return yt_fail(x, YT_EINVAL, field, "is 1 to 100 (100: list price)");
        snprintf(field, sizeof field, "levels[%d].after_sales_priority", i);
        if (l->after_sales_priority < 0 || l->after_sales_priority > 100) return yt_fail(x, YT_EINVAL, field, "is 0 to 100");
        if (l->birthday_coupon_id) {
            yt_param p[] = {PI(l->birthday_coupon_id)};
            snprintf(field, sizeof field, "levels[%d].birthday_coupon_id", i);
            if (db_query_int(x->db, "SELECT COUNT(*) FROM coupons WHERE id = ?", 1, p, 0) != 1)
                return yt_fail(x, YT_EINVAL, field, "no coupon with id %lld", (long long)l->birthday_coupon_id);
        }
    }
    if (db_begin(x->db) != 0) return yt_fail_db(x, "saving member levels");
    int rc = db_exec(x->db, "DELETE FROM member_levels", 0, NULL) < 0 ? yt_fail_db(x, "saving member levels") : YT_OK;
    for (int i = 0; rc == YT_OK && i < in->n; i++) {
        const member_level *l = &in->levels[i];
        yt_param p[] = {PI(i + 1), PT(l->name), PI(l->growth_min), PI(l->discount_percent), PI(l->free_shipping),
                        PI(l->after_sales_priority), l->birthday_coupon_id ? PI(l->birthday_coupon_id) : PNULL};
        if (db_exec(x->db, "INSERT INTO member_levels(level, name, growth_min, discount_percent, free_shipping,"
                           " after_sales_priority, birthday_coupon_id) VALUES(?,?,?,?,?,?,?)", 7, p) != 1)
            rc = yt_fail_db(x, "saving member levels");
    }
    if (rc == YT_OK) rc = relevel_all(x);
    if (rc == YT_OK) rc = audit_record(x, "member_levels.update", "member_levels", 0, NULL);
    return yt_finish(x, rc, "saving member levels");
}

void member_levels_write_json(yt_jw *w, const member_levels *l) {
    jw_obj(w);
    jw_key(w, "levels");
    jw_arr(w);
    for (int i = 0; i < l->n; i++) {
        const member_level *v = &l->levels[i];
        jw_obj(w);
        jw_kint(w, "level", v->level);
        jw_kstr(w, "name", v->name);
        jw_kint(w, "growth_min", v->growth_min);
        jw_kint(w, "discount_percent", v->discount_percent);
        jw_kbool(w, "free_shipping", v->free_shipping);
        jw_kint(w, "after_sales_priority", v->after_sales_priority);
        if (v->birthday_coupon_id) jw_kint(w, "birthday_coupon_id", v->birthday_coupon_id);
        else jw_knull(w, "birthday_coupon_id");
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
}

int member_benefits_get(yt_ctx *x, int64_t customer, member_benefits *b) {
    memset(b, 0, sizeof *b);
    b->level = 1, b->discount_percent = 100, b->points_multiplier = 1;
    /* the better of the level growth earned and the one a paid membership holds now (of the ladder's levels,
     * the highest at or below it: the ladder may have been saved shorter since the plan was sold) */
    int64_t now = now_ms(), paid;
    if (membership_level_now(x, customer, now, &paid, NULL)) return x->err.code;
    yt_param p[] = {PI(paid > 1 ? paid : 1), PI(customer)}; /* a customer who never had a level is at the first */
    yt_rows *r = db_query(x->db, "SELECT l.level, l.discount_percent, l.free_shipping, l.after_sales_priority FROM customers c"
                                 " JOIN member_levels l ON l.level = CASE WHEN c.member_level < 1 THEN 1 ELSE c.member_level END"
                                 " OR l.level = (SELECT MAX(level) FROM member_levels WHERE level <= ?)"
                                 " WHERE c.id = ? ORDER BY l.level DESC LIMIT 1", 2, p);
    if (!r) return yt_fail_db(x, "reading member benefits");
    if (rows_next(r)) {
        b->level = rows_int(r, 0);
        b->discount_percent = rows_int(r, 1);
        b->free_shipping = rows_int(r, 2) != 0;
        b->after_sales_priority = rows_int(r, 3);
    }
    rows_free(r);
    loyalty_settings s;
    if (loyalty_settings_get(x, &s)) return x->err.code;
    int y, m, d;
    civil_from_days(brand_day(now), &y, &m, &d);
    if (s.member_day && d == s.member_day) {
        b->member_day = true;
        b->points_multiplier = s.member_day_points_multiplier;
        b->discount_percent = b->discount_percent * s.member_day_discount_percent / 100;
        if (b->discount_percent < 1) b->discount_percent = 1;
    }
    return YT_OK;
}

int member_growth_add(yt_ctx *x, int64_t customer, int64_t delta) {
    if (!delta) return YT_OK;
    yt_param p[] = {PI(delta), PI(delta), PI(customer)};
    if (db_exec(x->db, "UPDATE customers SET growth = CASE WHEN growth + ? < 0 THEN 0 ELSE growth + ? END WHERE id = ?", 3, p) < 0)
        return yt_fail_db(x, "adding growth");
    yt_param q[] = {PI(customer), PI(customer)};
    int64_t moved = db_exec(x->db, "UPDATE customers SET member_level = COALESCE((SELECT MAX(level) FROM member_levels"
                                   " WHERE growth_min <= customers.growth), 1) WHERE id = ? AND member_level <> COALESCE("
                                   "(SELECT MAX(level) FROM member_levels WHERE growth_min <= (SELECT growth FROM customers WHERE id = ?)), 1)",
                            2, q);
    if (moved < 0) return yt_fail_db(x, "setting a member level");
    return moved ? change_record(x, CHANGE_CUSTOMER_UPDATED, customer, 0) : YT_OK;
}

static _Atomic int64_t last_birthday_run;

void birthday_coupons_due(yt_store *store) {
    if (time_every(&last_birthday_run, now_ms(), 3600000)) birthday_coupons_grant(store);
}

/* The customers born on the day ("-MM-DD") who have not had the year's coupon, with the birthday coupon of their
 * level: the better of the level growth earned and the one a paid membership holds now, as the ladder has it (the
 * highest of its levels at or below that, as member_benefits_get takes it). Found through customers_birthday_day. */
const char birthday_due_sql[] =
    "SELECT b.id, l.birthday_coupon_id FROM (SELECT c.id,"
    " CASE WHEN m.level > c.member_level THEN m.level ELSE c.member_level END AS held FROM customers c"
    " LEFT JOIN (SELECT customer_id, MAX(level) AS level FROM memberships WHERE ended_at IS NULL"
    " AND starts_at <= ? AND ends_at > ? GROUP BY customer_id) m ON m.customer_id = c.id"
    " WHERE substr(c.birthday, 5) = ? AND c.merged_into IS NULL AND c.erased_at IS NULL"
    " AND NOT EXISTS (SELECT 1 FROM birthday_grants g WHERE g.customer_id = c.id AND g.year = ?)) b"
    " JOIN member_levels l ON l.level = (SELECT MAX(k.level) FROM member_levels k"
    " WHERE k.level <= CASE WHEN b.held < 1 THEN 1 ELSE b.held END)"
    " WHERE l.birthday_coupon_id IS NOT NULL LIMIT 5000";

void birthday_coupons_grant(yt_store *store) {
    int64_t now = now_ms();
    /* found on this thread's own connection (through the birthday index); the writer is taken for each grant
     * alone, so a day with many birthdays never holds up other writers (a flash sale's groups) for long */
    yt_db *db = store_db(store);
    if (!db) return;
    int y, m, d;
    civil_from_days(brand_day(now), &y, &m, &d);
    char md[8];
    snprintf(md, sizeof md, "-%02d-%02d", m, d);
    yt_param p[] = {PI(now), PI(now), PT(md), PI(y)};
    yt_rows *r = db_query(db, birthday_due_sql, 4, p);
    int64_t (*due)[2] = NULL;
    size_t n = 0, cap = 0;
    while (r && rows_next(r)) {
        if (n == cap) due = yt_realloc(due, (cap = cap ? cap * 2 : 64) * sizeof *due);
        due[n][0] = rows_int(r, 0), due[n][1] = rows_int(r, 1), n++;
    }
    rows_free(r);
    yt_arena arena = {0};
    for (size_t i = 0; i < n; i++) {
        yt_db *w = store_writer_acquire(store);
        if (!w) break;
        yt_ctx x = {.db = w, .who = yt_system_actor(), .arena = &arena};
        int64_t held = 0;
        if (db_begin(w) != 0) {
            store_writer_release(store);
            break;
        }
        /* the year's row first: another instance granting the same customer meets the unique key and backs off */
        yt_param g[] = {PI(due[i][0]), PI(y), PI(now)};
        int rc = db_exec(w, "INSERT INTO birthday_grants(customer_id, year, at) VALUES(?,?,?) ON CONFLICT(customer_id, year)"
                         " DO NOTHING", 3, g) == 1 ? YT_OK : YT_ECONFLICT;
        if (rc == YT_OK) rc = coupon_claim(&x, due[i][1], due[i][0], "birthday", &held);
        yt_param u[] = {PI(held), PI(due[i][0]), PI(y)};
        if (rc == YT_OK && db_exec(w, "UPDATE birthday_grants SET customer_coupon_id = ? WHERE customer_id = ? AND year = ?", 3, u) != 1)
            rc = YT_EINTERNAL;
        if (rc == YT_OK && db_commit(w) != 0) rc = YT_EINTERNAL;
        if (rc != YT_OK && w->tx_depth) db_rollback(w);
        store_writer_release(store);
        if (rc != YT_OK && rc != YT_ECONFLICT) log_info("birthday coupon for customer %lld not granted: %s", (long long)due[i][0], x.err.msg);
        arena_reset(&arena);
    }
    free(due);
    arena_free(&arena);
}
