/* Handlers: distribution (分销). Staff set the rules, review distributors and withdrawals and read commissions and
 * the leaderboard; members apply, bind through a share code, withdraw and read their own. */
#include "handlers.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../distribution/commission.h"
#include "../distribution/distributor.h"
#include "../distribution/settings.h"
#include "../distribution/withdrawal.h"
#include <stdio.h>
#include <string.h>

#define LEADERBOARD_DAYS 30 /* the period when none is given */

/* ---- settings ---- */

void h_distribution_settings_get(yt_req *r) {
    distribution_settings s;
    if (distribution_settings_get(&r->x, &s)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    distribution_settings_write_json(&w, &s);
}

/* The numbers a PUT may carry, and where each goes. */
static const struct {
    const char *key;
    size_t at;
} setting_ints[] = {
    {"binding_days", offsetof(distribution_settings, binding_days)},
    {"level1_rate", offsetof(distribution_settings, rates[0])},
    {"level2_rate", offsetof(distribution_settings, rates[1])},
    {"settle_days", offsetof(distribution_settings, settle_days)},
    {"withdraw_min", offsetof(distribution_settings, withdraw_min)},
    {"rule_min_spend", offsetof(distribution_settings, rule_min_spend)},
    {"rule_tag_id", offsetof(distribution_settings, rule_tag_id)},
};

/* Members given replace the settings' values; the rest stay. rule_tag_id null: no tag rule. */
void h_distribution_settings_put(yt_req *r) {
    static const char *const allowed[] = {"enabled", "binding_mode", "binding_days", "rate_unit", "level1_rate", "level2_rate",
                                          "settle_days", "withdraw_min", "rule_min_spend", "rule_tag_id", NULL};
    distribution_settings s;
    if (!body_only(r, r->json, allowed)) return;
    if (distribution_settings_get(&r->x, &s)) {
        api_fail(r);
        return;
    }
    if (!body_bool(r, r->json, "enabled", &s.enabled, NULL) || !body_str(r, r->json, "binding_mode", &s.binding_mode, false) ||
        !body_str(r, r->json, "rate_unit", &s.rate_unit, false))
        return;
    for (size_t i = 0; i < sizeof setting_ints / sizeof setting_ints[0]; i++)
        if (!body_int(r, r->json, setting_ints[i].key, (int64_t *)((char *)&s + setting_ints[i].at), NULL)) return;
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json, "rule_tag_id"))) s.rule_tag_id = 0;
    if (distribution_settings_put(&r->x, &s) || distribution_settings_get(&r->x, &s)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    distribution_settings_write_json(&w, &s);
}

/* ---- distributors ---- */

void h_distributor_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (distributor_list_json(&r->x, &w, api_query(r, "status"), limit, cursor)) api_fail(r);
}

void h_distributor_get(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (distributor_write_json(&r->x, &w, id)) api_fail(r);
}

/* Answers with the distributor after a decision. */
static void answer_distributor(yt_req *r, int rc, int64_t id) {
    if (rc) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (distributor_write_json(&r->x, &w, id)) api_fail(r);
}

void h_distributor_approve(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (id) answer_distributor(r, distributor_approve(&r->x, id), id);
}

/* {reason} -> the distributor, with the reason as its decision note. */
static void decide_with_reason(yt_req *r, int (*decide)(yt_ctx *, int64_t, const char *)) {
    static const char *const allowed[] = {"reason", NULL};
    const char *reason = NULL;
    int64_t id = api_path_customer(r);
    if (!id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "reason", &reason, true)) return;
    answer_distributor(r, decide(&r->x, id, reason), id);
}

void h_distributor_reject(yt_req *r) { decide_with_reason(r, distributor_reject); }
void h_distributor_disable(yt_req *r) { decide_with_reason(r, distributor_disable); }

void h_distributor_members(yt_req *r) {
    int limit;
    int64_t cursor, id = api_path_customer(r);
    if (!id || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (distributor_members_json(&r->x, &w, id, limit, cursor)) api_fail(r);
}

/* ---- commissions, withdrawals, the leaderboard ---- */

/* An optional positive id in the query; false after answering 400. */
static bool query_id(yt_req *r, const char *key, int64_t *out) {
    const char *v = api_query(r, key);
    *out = 0;
    if (!v) return true;
    if (!parse_i64(v, out) || *out < 1) {
        char detail[80];
        snprintf(detail, sizeof detail, "%s must be an id", key);
        api_problem(r, 400, key, detail);
        return false;
    }
    return true;
}

void h_commission_list(yt_req *r) {
    int limit;
    int64_t cursor, distributor, order;
    if (!api_paging(r, &limit, &cursor) || !query_id(r, "distributor_id", &distributor) || !query_id(r, "order_id", &order)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (commission_list_json(&r->x, &w, distributor, order, api_query(r, "status"), 0, limit, cursor)) api_fail(r);
}

void h_withdrawal_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (withdrawal_list_json(&r->x, &w, api_query(r, "status"), 0, limit, cursor)) api_fail(r);
}

/* Answers with the withdrawal after a review. */
static void answer_withdrawal(yt_req *r, int rc, int64_t id) {
    if (rc) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (withdrawal_write_json(&r->x, &w, id, 0)) api_fail(r);
}

/* {payout_ref, note} (both optional): the money was paid out off the system. */
void h_withdrawal_approve(yt_req *r) {
    static const char *const allowed[] = {"payout_ref", "note", NULL};
    const char *ref = NULL, *note = NULL;
    int64_t id = api_param_id(r, 0);
    if (!id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "payout_ref", &ref, false) ||
        !body_str(r, r->json, "note", &note, false))
        return;
    answer_withdrawal(r, withdrawal_approve(&r->x, id, ref, note), id);
}

/* {reason}: the amount returns to the distributor's balance. */
void h_withdrawal_reject(yt_req *r) {
    static const char *const allowed[] = {"reason", NULL};
    const char *reason = NULL;
    int64_t id = api_param_id(r, 0);
    if (!id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "reason", &reason, true)) return;
    answer_withdrawal(r, withdrawal_reject(&r->x, id, reason), id);
}

/* ?by=commission|sales&from=&to=&limit= (ISO 8601 times; the last 30 days by default; top 10 by default). */
static void leaderboard(yt_req *r, int64_t member) {
    const char *by = api_query(r, "by"), *times[] = {"from", "to"};
    int64_t at[2] = {0, now_ms()};
    at[0] = at[1] - LEADERBOARD_DAYS * DAY_MS_DIST;
    for (int i = 0; i < 2; i++) {
        const char *v = api_query(r, times[i]);
        if (v && !time_parse(v, &at[i])) {
            char detail[96];
            snprintf(detail, sizeof detail, "%s must be an ISO 8601 time (2026-12-12T20:00:00+08:00)", times[i]);
            api_problem(r, 400, times[i], detail);
            return;
        }
    }
    int limit = 10;
    if (api_query(r, "limit") && !api_limit(r, &limit)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (distribution_leaderboard_json(&r->x, &w, by ? by : "commission", at[0], at[1], limit, member)) api_fail(r);
}

void h_distribution_leaderboard(yt_req *r) { leaderboard(r, 0); }

/* ---- a member's own ---- */

void h_member_distribution(yt_req *r) {
    int64_t me = api_member(r);
    if (!me) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (distribution_member_json(&r->x, &w, me)) api_fail(r);
}

/* {application} (optional, up to 200 characters) -> 201 the member's distribution, their account active at once
 * when they meet the brand's rule, else pending review. */
void h_member_distribution_apply(yt_req *r) {
    static const char *const allowed[] = {"application", NULL};
    const char *application = NULL, *status;
    int64_t me = api_member(r);
    if (!me || !body_only(r, r->json, allowed) || !body_str(r, r->json, "application", &application, false)) return;
    if (distributor_apply(&r->x, me, application, &status)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (distribution_member_json(&r->x, &w, me)) api_fail(r);
}

/* {code} -> 200 {outcome, distributor: {name}, expires_at}. */
void h_member_distribution_bind(yt_req *r) {
    static const char *const allowed[] = {"code", NULL};
    const char *code = NULL;
    int64_t me = api_member(r);
    if (!me || !body_only(r, r->json, allowed) || !body_str(r, r->json, "code", &code, true)) return;
    bind_result res;
    if (distribution_bind(&r->x, me, code, &res)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kstr(&w, "outcome", res.outcome);
    jw_key(&w, "distributor");
    jw_obj(&w);
    jw_kstr(&w, "name", res.name);
    jw_obj_end(&w);
    if (res.expires_at) jw_ktime(&w, "expires_at", res.expires_at);
    else jw_knull(&w, "expires_at");
    jw_obj_end(&w);
}

void h_member_commissions(yt_req *r) {
    int limit;
    int64_t cursor, me = api_member(r);
    if (!me || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (commission_list_json(&r->x, &w, 0, 0, api_query(r, "status"), me, limit, cursor)) api_fail(r);
}

void h_member_withdrawals(yt_req *r) {
    int limit;
    int64_t cursor, me = api_member(r);
    if (!me || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (withdrawal_list_json(&r->x, &w, api_query(r, "status"), me, limit, cursor)) api_fail(r);
}

/* {amount} (fen) -> 201 the withdrawal, pending review. */
void h_member_withdraw(yt_req *r) {
    static const char *const allowed[] = {"amount", NULL};
    int64_t amount = 0, id, me = api_member(r);
    bool given;
    if (!me || !body_only(r, r->json, allowed) || !body_int(r, r->json, "amount", &amount, &given)) return;
    if (!given) {
        api_problem(r, 400, "amount", "amount (fen) is required");
        return;
    }
    if (withdrawal_request(&r->x, me, amount, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (withdrawal_write_json(&r->x, &w, id, me)) api_fail(r);
}

void h_member_leaderboard(yt_req *r) {
    int64_t me = api_member(r);
    if (me) leaderboard(r, me);
}
