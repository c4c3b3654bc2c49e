/* Handlers: group buys, made, stopped and watched by staff; teams opened, joined and followed by members. */
#include "handlers.h"
#include "server.h"
#include "../groupbuy/groupbuy.h"
#include <stddef.h>
#include <stdio.h>
#include <string.h>

/* A 409's field says which refusal it is; each has its own problem type. */
static const struct {
    const char *field, *slug;
} refusals[] = {
    {GROUPBUY_TEAM_FULL, "team-full"},
    {GROUPBUY_TEAM_EXPIRED, "team-expired"},
    {GROUPBUY_ALREADY_JOINED, "already-joined"},
    {GROUPBUY_ONE_TEAM, "one-team-only"},
    {GROUPBUY_NEW_ONLY, "new-customers-only"},
    {GROUPBUY_LIMIT, "limit-reached"},
    {GROUPBUY_SOLD_OUT, "sold-out"},
};

/* Reports the domain error, with the problem type its refusal has. */
static void groupbuy_fail(yt_req *r) {
    const yt_err *e = &r->x.err;
    for (size_t i = 0; e->code == YT_ECONFLICT && i < sizeof refusals / sizeof refusals[0]; i++)
        if (strcmp(e->field, refusals[i].field) == 0) {
            api_problem_with(r, 409, e->field, e->msg, &(problem_extra){.position = -1, .slug = refusals[i].slug});
            return;
        }
    api_fail(r);
}

/* ---- staff ---- */

/* The members of a group buy: integers, where each goes, and whether it must be given. */
static const struct {
    const char *key;
    size_t at;
    bool required;
} int_members[] = {
    {"sku_id", offsetof(groupbuy_input, sku_id), true},
    {"price", offsetof(groupbuy_input, price), true},
    {"stock", offsetof(groupbuy_input, stock), true},
    {"team_size", offsetof(groupbuy_input, team_size), true},
    {"team_minutes", offsetof(groupbuy_input, team_minutes), true},
    {"per_customer_limit", offsetof(groupbuy_input, per_customer_limit), false},
};

void h_group_buy_create(yt_req *r) {
    static const char *const allowed[] = {"name", "sku_id", "price", "stock", "team_size", "team_minutes", "per_customer_limit",
                                          "pay_window_seconds", "one_team_per_customer", "new_customers_only", "starts_at",
                                          "ends_at", NULL};
    groupbuy_input in = {.per_customer_limit = 1, .minute_ms = r->server->groupbuy_minute_ms};
    int64_t window = GROUPBUY_PAY_WINDOW_MS / 1000;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &in.name, true)) return;
    for (size_t i = 0; i < sizeof int_members / sizeof int_members[0]; i++) {
        bool given;
        if (!body_int(r, r->json, int_members[i].key, (int64_t *)((char *)&in + int_members[i].at), &given)) return;
        if (int_members[i].required && !given) {
            char detail[64];
            snprintf(detail, sizeof detail, "%s is required", int_members[i].key);
            api_problem(r, 400, int_members[i].key, detail);
            return;
        }
    }
    if (!body_int(r, r->json, "pay_window_seconds", &window, NULL) ||
        !body_bool(r, r->json, "one_team_per_customer", &in.one_team_per_customer, NULL) ||
        !body_bool(r, r->json, "new_customers_only", &in.new_customers_only, NULL) || !body_time(r, "starts_at", &in.starts_at, true) ||
        !body_time(r, "ends_at", &in.ends_at, true))
        return;
    in.pay_window_ms = window > 0 && window < 1000000000 ? window * 1000 : -1;
    int64_t id;
    if (groupbuy_create(&r->x, &in, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (groupbuy_write_json(&r->x, &w, id)) api_fail(r);
}

void h_group_buy_get(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (groupbuy_write_json(&r->x, &w, id)) api_fail(r);
}

void h_group_buy_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (groupbuy_list_json(&r->x, &w, limit, cursor)) api_fail(r);
}

void h_group_buy_stop(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    if (groupbuy_stop(&r->x, id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (groupbuy_write_json(&r->x, &w, id)) api_fail(r);
}

/* ?status=open|formed|failed */
void h_group_buy_teams(yt_req *r) {
    int limit;
    int64_t cursor, id = api_param_id(r, 0);
    if (!id || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (groupbuy_teams_json(&r->x, &w, id, api_query(r, "status"), limit, cursor)) api_fail(r);
}

/* ---- members ---- */

void h_member_group_buy(yt_req *r) {
    int64_t me = api_member(r), id = me ? api_param_id(r, 0) : 0;
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (groupbuy_member_json(&r->x, &w, id, me)) api_fail(r);
}

void h_member_group_team(yt_req *r) {
    int64_t me = api_member(r);
    if (!me) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (groupbuy_team_member_json(&r->x, &w, r->nparams ? r->params[0] : "", me)) api_fail(r);
}

/* {quantity} (1 unless given); answered 201 with the team as the member sees it, their pending order in mine. */
static bool read_quantity(yt_req *r, int64_t *quantity) {
    static const char *const allowed[] = {"quantity", NULL};
    *quantity = 1;
    return body_only(r, r->json, allowed) && body_int(r, r->json, "quantity", quantity, NULL);
}

void h_member_group_team_open(yt_req *r) {
    int64_t me = api_member(r), id = me ? api_param_id(r, 0) : 0, quantity;
    char code[GROUPBUY_CODE_LEN + 1];
    if (!id || !read_quantity(r, &quantity)) return;
    if (groupbuy_open(&r->x, id, me, quantity, code)) {
        groupbuy_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (groupbuy_team_member_json(&r->x, &w, code, me)) api_fail(r);
}

void h_member_group_team_join(yt_req *r) {
    int64_t me = api_member(r), quantity;
    if (!me || !read_quantity(r, &quantity)) return;
    const char *code = r->nparams ? r->params[0] : "";
    if (groupbuy_join(&r->x, code, me, quantity)) {
        groupbuy_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (groupbuy_team_member_json(&r->x, &w, code, me)) api_fail(r);
}
