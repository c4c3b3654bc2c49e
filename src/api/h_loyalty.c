/* Handlers: the brand's loyalty settings, a customer's points (balance, ledger, changes by hand) and
 * check-in calendar, member levels, and the points mall (items, redemptions). */
#include "handlers.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../loyalty/checkin.h"
#include "../loyalty/levels.h"
#include "../loyalty/points.h"
#include "../loyalty/points_mall.h"
#include "../loyalty/tasks.h"
#include "server.h"
#include <stdio.h>
#include <string.h>

void h_loyalty_settings_get(yt_req *r) {
    loyalty_settings s;
    if (loyalty_settings_get(&r->x, &s)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    loyalty_settings_write_json(&w, &s);
}

/* Members given replace their value; members left out keep theirs. checkin_streaks replaces the whole list. */
void h_loyalty_settings_put(yt_req *r) {
    static const char *const allowed[] = {"points_per_yuan", "points_expire_days", "checkin_points", "checkin_makeup_cost",
                                          "checkin_makeup_days", "checkin_streaks", "points_redeem_per_yuan",
                                          "points_redeem_max_percent", "growth_per_yuan", "member_day",
                                          "member_day_points_multiplier", "member_day_discount_percent", NULL};
    loyalty_settings s;
    if (!body_only(r, r->json, allowed)) return;
    if (loyalty_settings_get(&r->x, &s)) {
        api_fail(r);
        return;
    }
    if (!body_int(r, r->json, "points_per_yuan", &s.points_per_yuan, NULL) ||
        !body_int(r, r->json, "points_expire_days", &s.expire_days, NULL) ||
        !body_int(r, r->json, "checkin_points", &s.checkin_points, NULL) ||
        !body_int(r, r->json, "checkin_makeup_cost", &s.makeup_cost, NULL) ||
        !body_int(r, r->json, "checkin_makeup_days", &s.makeup_days, NULL) ||
        !body_int(r, r->json, "points_redeem_per_yuan", &s.redeem_per_yuan, NULL) ||
        !body_int(r, r->json, "points_redeem_max_percent", &s.redeem_max_percent, NULL) ||
        !body_int(r, r->json, "growth_per_yuan", &s.growth_per_yuan, NULL) || !body_int(r, r->json, "member_day", &s.member_day, NULL) ||
        !body_int(r, r->json, "member_day_points_multiplier", &s.member_day_points_multiplier, NULL) ||
        !body_int(r, r->json, "member_day_discount_percent", &s.member_day_discount_percent, NULL))
        return;
    const cJSON *streaks = cJSON_GetObjectItemCaseSensitive(r->json, "checkin_streaks");
    if (streaks) {
        if (!cJSON_IsArray(streaks) || cJSON_GetArraySize(streaks) > CHECKIN_STREAKS_MAX) {
            api_problem(r, 400, "checkin_streaks", "checkin_streaks must be a list of at most 10 {days, points}");
            return;
        }
        static const char *const rule_keys[] = {"days", "points", NULL};
        s.nstreaks = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, streaks) {
            bool has_days, has_points;
            if (!cJSON_IsObject(it)) {
                api_problem(r, 400, "checkin_streaks", "each streak rule is an object {days, points}");
                return;
            }
            if (!body_only(r, it, rule_keys) || !body_int(r, it, "days", &s.streaks[s.nstreaks].days, &has_days) ||
                !body_int(r, it, "points", &s.streaks[s.nstreaks].points, &has_points))
                return;
            if (!has_days || !has_points) {
                api_problem(r, 400, "checkin_streaks", "each streak rule needs days and points");
                return;
            }
            s.nstreaks++;
        }
        /* kept in order of days, as the check-in reads them */
        for (int i = 1; i < s.nstreaks; i++)
            for (int j = i; j > 0 && s.streaks[j - 1].days > s.streaks[j].days; j--) {
                __typeof__(s.streaks[0]) t = s.streaks[j];
                s.streaks[j] = s.streaks[j - 1];
                s.streaks[j - 1] = t;
            }
    }
    if (loyalty_settings_put(&r->x, &s)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    loyalty_settings_write_json(&w, &s);
}

void h_points_get(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (points_balance_json(&r->x, &w, id)) api_fail(r);
}

void h_points_ledger(yt_req *r) {
    int limit;
    int64_t cursor, id = api_path_customer(r);
    if (!id || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (points_ledger_json(&r->x, &w, id, limit, cursor)) api_fail(r);
}

/* {delta, reason: "adjust" | "task", note}: points given or taken by hand, never below 0. */
void h_points_change(yt_req *r) {
    static const char *const allowed[] = {"delta", "reason", "note", NULL};
    int64_t delta = 0, id = api_path_customer(r);
    const char *reason = "adjust", *note = "";
    bool has_delta;
    if (!id || !body_only(r, r->json, allowed) || !body_int(r, r->json, "delta", &delta, &has_delta) ||
        !body_str(r, r->json, "reason", &reason, false) || !body_str(r, r->json, "note", &note, false))
        return;
    if (!reason) reason = "adjust";
    if (!note) note = "";
    int kind = points_reason_manual(reason);
    if (!has_delta) {
        api_problem(r, 400, "delta", "delta (points to add, or negative to take) is required");
        return;
    }
    if (kind < 0) {
        api_problem(r, 400, "reason", "reason must be adjust or task");
        return;
    }
    if (yt_check_text(&r->x, "note", note, 0, 100)) {
        api_fail(r);
        return;
    }
    points_expire_due(&r->x);
    int64_t entry;
    if (points_change(&r->x, id, delta, (points_reason)kind, note, &entry)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (points_balance_json(&r->x, &w, id)) api_fail(r);
}

/* ?month=YYYY-MM (this month by default): a month's check-in calendar and the current streak. */
bool api_month(yt_req *r, int *y, int *m) {
    const char *q = api_query(r, "month");
    int d;
    char date[16];
    if (!q) {
        int32_t today = brand_day(now_ms());
        civil_from_days(today, y, m, &d);
        return true;
    }
    snprintf(date, sizeof date, "%.7s-01", q);
    if (strlen(q) != 7 || !date_parse(date, y, m, &d) || *y < 2000 || *y > 2999) {
        api_problem(r, 400, "month", "month must be YYYY-MM");
        return false;
    }
    return true;
}

void h_checkin_month(yt_req *r) {
    int y, m;
    int64_t id = api_path_customer(r);
    if (!id || !api_month(r, &y, &m)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (checkin_month_json(&r->x, &w, id, y, m)) api_fail(r);
}

void h_member_levels_get(yt_req *r) {
    member_levels l;
    if (member_levels_get(&r->x, &l)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    member_levels_write_json(&w, &l);
}

/* {levels: [{name, growth_min, discount_percent, free_shipping, after_sales_priority, birthday_coupon_id}]}:
 * the whole ladder, lowest first. */
void h_member_levels_put(yt_req *r) {
    static const char *const allowed[] = {"levels", NULL};
    static const char *const keys[] = {"name", "growth_min", "discount_percent", "free_shipping", "after_sales_priority",
                                       "birthday_coupon_id", NULL};
    if (!body_only(r, r->json, allowed)) return;
    const cJSON *list = cJSON_GetObjectItemCaseSensitive(r->json, "levels"), *it;
    if (!cJSON_IsArray(list) || cJSON_GetArraySize(list) < 1 || cJSON_GetArraySize(list) > LEVELS_MAX) {
        api_problem(r, 400, "levels", "levels must be a list of 1 to 20 levels, lowest first");
        return;
    }
    member_levels in = {0};
    cJSON_ArrayForEach(it, list) {
        member_level *l = &in.levels[in.n];
        char field[32];
        snprintf(field, sizeof field, "levels[%d]", in.n);
        l->discount_percent = 100;
        if (!cJSON_IsObject(it)) {
            api_problem(r, 400, field, "each level is an object");
            return;
        }
        bool has_growth;
        if (!body_only(r, it, keys) || !body_str(r, it, "name", &l->name, true) ||
            !body_int(r, it, "growth_min", &l->growth_min, &has_growth) ||
            !body_int(r, it, "discount_percent", &l->discount_percent, NULL) ||
            !body_bool(r, it, "free_shipping", &l->free_shipping, NULL) ||
            !body_int(r, it, "after_sales_priority", &l->after_sales_priority, NULL) ||
            !body_int(r, it, "birthday_coupon_id", &l->birthday_coupon_id, NULL))
            return;
        if (!has_growth) {
            api_problem(r, 400, field, "each level needs growth_min");
            return;
        }
        l->level = ++in.n;
    }
    if (member_levels_put(&r->x, &in)) {
        api_fail(r);
        return;
    }
    member_levels now;
    if (member_levels_get(&r->x, &now)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    member_levels_write_json(&w, &now);
}

/* ---- the points mall ---- */

/* Staff see every item; a member sees those on sale. */
void h_points_mall_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (points_mall_list_json(&r->x, &w, r->who.member_id != 0, limit, cursor)) api_fail(r);
}

void h_points_mall_create(yt_req *r) {
    static const char *const allowed[] = {"name", "kind", "sku_id", "coupon_id", "points", "cash", "stock", "per_customer", NULL};
    points_mall_input in = {.per_customer = 1};
    bool has_points, has_stock;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &in.name, true) ||
        !body_str(r, r->json, "kind", &in.kind, true) || !body_int(r, r->json, "sku_id", &in.sku_id, NULL) ||
        !body_int(r, r->json, "coupon_id", &in.coupon_id, NULL) || !body_int(r, r->json, "points", &in.points, &has_points) ||
        !body_int(r, r->json, "cash", &in.cash, NULL) || !body_int(r, r->json, "stock", &in.stock, &has_stock) ||
        !body_int(r, r->json, "per_customer", &in.per_customer, NULL))
        return;
    if (!has_points || !has_stock) {
        api_problem(r, 400, !has_points ? "points" : "stock", "points and stock are required");
        return;
    }
    int64_t id;
    if (points_mall_create(&r->x, &in, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (points_mall_item_json(&r->x, &w, id)) api_fail(r);
}

/* {name, status: on | off, points, cash, stock, per_customer}: the ones given change. */
void h_points_mall_update(yt_req *r) {
    static const char *const allowed[] = {"name", "status", "points", "cash", "stock", "per_customer", NULL};
    int64_t id = api_param_id(r, 0);
    points_mall_patch in = {.points = -1, .cash = -1, .stock = -1, .per_customer = -1};
    bool has[4];
    if (!id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &in.name, false) ||
        !body_str(r, r->json, "status", &in.status, false) || !body_int(r, r->json, "points", &in.points, &has[0]) ||
        !body_int(r, r->json, "cash", &in.cash, &has[1]) || !body_int(r, r->json, "stock", &in.stock, &has[2]) ||
        !body_int(r, r->json, "per_customer", &in.per_customer, &has[3]))
        return;
    /* a given -1 is out of range, not "unchanged" */
    static const char *const fields[] = {"points", "cash", "stock", "per_customer"};
    const int64_t given[] = {in.points, in.cash, in.stock, in.per_customer};
    for (int i = 0; i < 4; i++)
        if (has[i] && given[i] < 0) {
            api_problem(r, 400, fields[i], "points, cash, stock and per_customer are not negative");
            return;
        }
    if (points_mall_update(&r->x, id, &in)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (points_mall_item_json(&r->x, &w, id)) api_fail(r);
}

/* ?item_id=&customer_id=: redemptions newest first, of one item or one customer or all. */
void h_points_mall_redemptions(yt_req *r) {
    int limit;
    int64_t cursor, item = 0, customer = 0, live = 0;
    const char *i = api_query(r, "item_id"), *c = api_query(r, "customer_id");
    if (!api_paging(r, &limit, &cursor)) return;
    if ((i && (!parse_i64(i, &item) || item < 1)) || (c && (!parse_i64(c, &customer) || customer < 1))) {
        api_problem(r, 400, i && item < 1 ? "item_id" : "customer_id", "item_id and customer_id are ids");
        return;
    }
    if (customer && customer_resolve(&r->x, customer, &live)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (points_mall_redemptions_staff_json(&r->x, &w, item, live, limit, cursor)) api_fail(r);
}

/* {customer_id, quantity}; a member redeems for themselves. Refusals are 409s typed sold-out or
 * limit-reached, or on points when the balance is short. */
void h_points_mall_redeem(yt_req *r) {
    static const char *const allowed[] = {"customer_id", "quantity", NULL};
    int64_t item = api_param_id(r, 0), customer = 0, quantity = 1, live;
    bool has_customer;
    if (!item || !body_only(r, r->json, allowed) || !body_int(r, r->json, "customer_id", &customer, &has_customer) ||
        !body_int(r, r->json, "quantity", &quantity, NULL))
        return;
    if (!(live = api_acting_customer(r, customer, has_customer))) return;
    redemption_result res;
    if (points_mall_redeem(&r->x, item, live, quantity, r->server->mall_pay_window_ms, &res)) {
        if (strcmp(r->x.err.field, "points") == 0) api_fail(r); /* not enough points: a 409 naming them */
        else api_fail_refusal(r, "quantity");
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    jw_obj(&w);
    jw_kint(&w, "id", res.redemption_id);
    jw_kint(&w, "item_id", item);
    jw_kint(&w, "customer_id", live);
    jw_kint(&w, "points", res.points);
    jw_kint(&w, "cash", res.cash);
    if (res.order_id) jw_kint(&w, "order_id", res.order_id);
    else jw_knull(&w, "order_id");
    if (res.customer_coupon_id) jw_kint(&w, "customer_coupon_id", res.customer_coupon_id);
    else jw_knull(&w, "customer_coupon_id");
    jw_kstr(&w, "status", res.status);
    jw_obj_end(&w);
}

void h_member_redemptions(yt_req *r) {
    int limit;
    int64_t cursor, me = api_member(r);
    if (!me || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (points_mall_redemptions_json(&r->x, &w, me, limit, cursor)) api_fail(r);
}

/* ---- points tasks ---- */

/* ends_at: absent (*ms unchanged), null (none: 0) or a time. */
static bool task_end(yt_req *r, int64_t *ms) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, "ends_at");
    if (v && cJSON_IsNull(v)) *ms = 0;
    return !v || cJSON_IsNull(v) || body_time(r, "ends_at", ms, false);
}

/* The body's fields into in: those absent keep what in holds (defaults, or TASK_UNCHANGED). */
static bool task_body(yt_req *r, task_input *in, bool create) {
    static const char *const create_fields[] = {"name", "description", "event_type", "points", "per_day", "per_customer",
                                                "status", "starts_at", "ends_at", NULL};
    static const char *const update_fields[] = {"name", "description", "points", "per_day", "per_customer", "status", "ends_at", NULL};
    return body_only(r, r->json, create ? create_fields : update_fields) && body_str(r, r->json, "name", &in->name, create) &&
           body_str(r, r->json, "description", &in->description, false) &&
           (!create || body_str(r, r->json, "event_type", &in->event_type, true)) &&
           body_str(r, r->json, "status", &in->status, false) && body_int(r, r->json, "points", &in->points, NULL) &&
           body_int(r, r->json, "per_day", &in->per_day, NULL) && body_int(r, r->json, "per_customer", &in->per_customer, NULL) &&
           (!create || body_time(r, "starts_at", &in->starts_at, false)) && task_end(r, &in->ends_at);
}

void h_task_create(yt_req *r) {
    task_input in = {.points = TASK_UNCHANGED, .per_day = 1, .per_customer = 0};
    if (!task_body(r, &in, true)) return;
    if (in.points == TASK_UNCHANGED) {
        api_problem(r, 400, "points", "points (earned each time) is required");
        return;
    }
    int64_t id;
    if (task_create(&r->x, &in, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (task_json(&r->x, &w, id)) api_fail(r);
}

void h_task_update(yt_req *r) {
    task_input in = {.points = TASK_UNCHANGED, .per_day = TASK_UNCHANGED, .per_customer = TASK_UNCHANGED, .ends_at = TASK_UNCHANGED};
    int64_t id = api_param_id(r, 0);
    if (!id || !task_body(r, &in, false)) return;
    if (task_update(&r->x, id, &in)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (task_json(&r->x, &w, id)) api_fail(r);
}

void h_task_get(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (task_json(&r->x, &w, id)) api_fail(r);
}

void h_task_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (task_list_json(&r->x, &w, limit, cursor)) api_fail(r);
}

void h_member_tasks(yt_req *r) {
    int64_t me = api_member(r);
    if (!me) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (task_member_json(&r->x, &w, me)) api_fail(r);
}
