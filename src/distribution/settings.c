/* Distribution settings: read, checked and replaced as one row. */
#include "settings.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include <stddef.h>
#include <stdio.h>
#include <string.h>

static const struct {
    const char *name;
    int64_t scale;
} units[] = {{"percent", 100}, {"permille", 1000}};

static const char *const modes[] = {"first", "last"};

/* The constant spelling of v among names (n of them), or NULL. */
static const char *known(const char *v, const char *const *names, size_t n) {
    for (size_t i = 0; v && i < n; i++)
        if (strcmp(v, names[i]) == 0) return names[i];
    return NULL;
}

static const char *known_unit(const char *v) {
    for (size_t i = 0; v && i < sizeof units / sizeof units[0]; i++)
        if (strcmp(v, units[i].name) == 0) return units[i].name;
    return NULL;
}

int64_t distribution_scale(const distribution_settings *s) {
    for (size_t i = 0; i < sizeof units / sizeof units[0]; i++)
        if (strcmp(s->rate_unit, units[i].name) == 0) return units[i].scale;
    return 100;
}

bool distribution_first_touch(const distribution_settings *s) { return strcmp(s->binding_mode, "last") != 0; }

int distribution_settings_get(yt_ctx *x, distribution_settings *s) {
    memset(s, 0, sizeof *s);
    s->binding_mode = modes[0];
    s->rate_unit = units[0].name;
    yt_rows *r = db_query(x->db, "SELECT enabled, binding_mode, binding_days, rate_unit, level1_rate, level2_rate, settle_days,"
                                 " withdraw_min, rule_min_spend, rule_tag_id FROM distribution_settings WHERE id = 1", 0, NULL);
    if (!r) return yt_fail_db(x, "reading the distribution settings");
    if (rows_next(r)) {
        s->enabled = rows_int(r, 0) != 0;
        const char *mode = known(rows_text(r, 1), modes, 2), *unit = known_unit(rows_text(r, 3));
        if (mode) s->binding_mode = mode;
        if (unit) s->rate_unit = unit;
        s->binding_days = rows_int(r, 2);
        s->rates[0] = rows_int(r, 4);
        s->rates[1] = rows_int(r, 5);
        s->settle_days = rows_int(r, 6);
        s->withdraw_min = rows_int(r, 7);
        s->rule_min_spend = rows_int(r, 8);
        s->rule_tag_id = rows_null(r, 9) ? 0 : rows_int(r, 9);
    }
    rows_free(r);
    return YT_OK;
}

/* One bound per number: the field a problem names, and its range (rates are bounded by their unit below). */
static const struct {
    const char *field;
    size_t offset;
    int64_t min, max;
} bounds[] = {
    {"binding_days", offsetof(distribution_settings, binding_days), 0, 3650},
    {"level1_rate", offsetof(distribution_settings, rates[0]), 0, 1000},
    {"level2_rate", offsetof(distribution_settings, rates[1]), 0, 1000},
    {"settle_days", offsetof(distribution_settings, settle_days), 0, 365},
    {"withdraw_min", offsetof(distribution_settings, withdraw_min), 1, 100000000},
    {"rule_min_spend", offsetof(distribution_settings, rule_min_spend), 0, 100000000000LL},
    {"rule_tag_id", offsetof(distribution_settings, rule_tag_id), 0, INT64_MAX},
};

int distribution_settings_put(yt_ctx *x, const distribution_settings *s) {
    const char *mode = known(s->binding_mode, modes, 2), *unit = known_unit(s->rate_unit);
    if (!mode) return yt_fail(x, YT_EINVAL, "binding_mode", "is first (a binding stays until it expires) or last (a new share replaces it)");
    if (!unit) return yt_fail(x, YT_EINVAL, "rate_unit", "is percent or permille");
    for (size_t i = 0; i < sizeof bounds / sizeof bounds[0]; i++) {
        int64_t v = *(const int64_t *)((const char *)s + bounds[i].offset);
        if (v < bounds[i].min || v > bounds[i].max)
            return yt_fail(x, YT_EINVAL, bounds[i].field, "must be from %lld to %lld", (long long)bounds[i].min, (long long)bounds[i].max);
    }
    distribution_settings n = *s;
    n.binding_mode = mode;
    n.rate_unit = unit;
    int64_t scale = distribution_scale(&n);
    /* the two levels together never pay more than the amount paid */
    if (n.rates[0] > scale) return yt_fail(x, YT_EINVAL, "level1_rate", "is at most %lld %s", (long long)scale, unit);
    if (n.rates[0] + n.rates[1] > scale)
        return yt_fail(x, YT_EINVAL, "level2_rate", "the two levels together are at most %lld %s", (long long)scale, unit);
    if (n.rule_tag_id) {
        yt_param t[] = {PI(n.rule_tag_id)};
        int64_t found = db_query_int(x->db, "SELECT count(*) FROM tags WHERE id = ?", 1, t, -1);
        if (found < 0) return yt_fail_db(x, "saving the distribution settings");
        if (!found) return yt_fail(x, YT_EINVAL, "rule_tag_id", "no tag with id %lld", (long long)n.rule_tag_id);
    }
    if (db_begin(x->db) != 0) return yt_fail_db(x, "saving the distribution settings");
    yt_param p[] = {PI(n.enabled), PT(mode), PI(n.binding_days), PT(unit), PI(n.rates[0]), PI(n.rates[1]), PI(n.settle_days),
                    PI(n.withdraw_min), PI(n.rule_min_spend), n.rule_tag_id ? PI(n.rule_tag_id) : PNULL, PI(now_ms())};
    int rc = db_exec(x->db, "UPDATE distribution_settings SET enabled = ?, binding_mode = ?, binding_days = ?, rate_unit = ?,"
                            " level1_rate = ?, level2_rate = ?, settle_days = ?, withdraw_min = ?, rule_min_spend = ?,"
                            " rule_tag_id = ?, updated_at = ? WHERE id = 1", NPARAMS(p), p) == 1
                 ? YT_OK
                 : yt_fail_db(x, "saving the distribution settings");
    char summary[200];
    snprintf(summary, sizeof summary, "{\"enabled\":%s,\"binding_mode\":\"%s\",\"rate_unit\":\"%s\",\"level1_rate\":%lld,\"level2_rate\":%lld}",
             n.enabled ? "true" : "false", mode, unit, (long long)n.rates[0], (long long)n.rates[1]);
    if (rc == YT_OK) rc = audit_record(x, "distribution_settings.update", "distribution_settings", 1, summary);
    return yt_finish(x, rc, "saving the distribution settings");
}

void distribution_settings_write_json(yt_jw *w, const distribution_settings *s) {
    jw_obj(w);
    jw_kbool(w, "enabled", s->enabled);
    jw_kstr(w, "binding_mode", s->binding_mode);
    jw_kint(w, "binding_days", s->binding_days);
    jw_kstr(w, "rate_unit", s->rate_unit);
    jw_kint(w, "level1_rate", s->rates[0]);
    jw_kint(w, "level2_rate", s->rates[1]);
    jw_kint(w, "settle_days", s->settle_days);
    jw_kint(w, "withdraw_min", s->withdraw_min);
    jw_kint(w, "rule_min_spend", s->rule_min_spend);
    if (s->rule_tag_id) jw_kint(w, "rule_tag_id", s->rule_tag_id);
    else jw_knull(w, "rule_tag_id");
    jw_obj_end(w);
}
