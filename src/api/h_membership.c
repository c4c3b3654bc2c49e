/* Handlers: paid membership (付费会员): the plans, a plan's order, and a customer's paid periods. */
#include "handlers.h"
#include "../loyalty/membership.h"
#include "server.h"

void h_member_plan_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (member_plan_list_json(&r->x, &w, r->who.member_id != 0, limit, cursor)) api_fail(r); /* members: those on sale */
}

void h_member_plan_create(yt_req *r) {
    static const char *const allowed[] = {"name", "price", "days", "level", NULL};
    member_plan_input in = {0};
    bool has[3];
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &in.name, true) ||
        !body_int(r, r->json, "price", &in.price, &has[0]) || !body_int(r, r->json, "days", &in.days, &has[1]) ||
        !body_int(r, r->json, "level", &in.level, &has[2]))
        return;
    static const char *const fields[] = {"price", "days", "level"};
    for (int i = 0; i < 3; i++)
        if (!has[i]) {
            api_problem(r, 400, fields[i], "price, days and level are required");
            return;
        }
    int64_t id;
    if (member_plan_create(&r->x, &in, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (member_plan_json(&r->x, &w, id)) api_fail(r);
}

void h_member_plan_get(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (member_plan_json(&r->x, &w, id)) api_fail(r);
}

/* {name, status: on | off, price, days, level}: the ones given change. */
void h_member_plan_update(yt_req *r) {
    static const char *const allowed[] = {"name", "status", "price", "days", "level", NULL};
    int64_t id = api_param_id(r, 0);
    member_plan_patch in = {.price = -1, .days = -1, .level = -1};
    bool has[3];
    if (!id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &in.name, false) ||
        !body_str(r, r->json, "status", &in.status, false) || !body_int(r, r->json, "price", &in.price, &has[0]) ||
        !body_int(r, r->json, "days", &in.days, &has[1]) || !body_int(r, r->json, "level", &in.level, &has[2]))
        return;
    static const char *const fields[] = {"price", "days", "level"};
    const int64_t given[] = {in.price, in.days, in.level};
    for (int i = 0; i < 3; i++)
        if (has[i] && given[i] == -1) { /* a given -1 is out of range, not "unchanged" */
            api_problem(r, 400, fields[i], "price, days and level are positive");
            return;
        }
    if (member_plan_update(&r->x, id, &in)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (member_plan_json(&r->x, &w, id)) api_fail(r);
}

/* {customer_id}; a member buys for themselves. The order waits for payment like any mall order. */
void h_member_plan_order(yt_req *r) {
    static const char *const allowed[] = {"customer_id", NULL};
    int64_t plan = api_param_id(r, 0), customer = 0, live;
    bool has_customer;
    if (!plan || !body_only(r, r->json, allowed) || !body_int(r, r->json, "customer_id", &customer, &has_customer)) return;
    if (!(live = api_acting_customer(r, customer, has_customer))) return;
    membership_order_result res;
    if (member_plan_order(&r->x, plan, live, r->server->mall_pay_window_ms, &res)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    jw_obj(&w);
    jw_kint(&w, "order_id", res.order_id);
    jw_kint(&w, "plan_id", plan);
    jw_kint(&w, "customer_id", live);
    jw_kint(&w, "total", res.total);
    jw_kstr(&w, "status", "pending");
    jw_ktime(&w, "pay_by", res.pay_by);
    jw_obj_end(&w);
}

void h_customer_memberships(yt_req *r) {
    int limit;
    int64_t cursor, id = api_path_customer(r);
    if (!id || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (membership_periods_json(&r->x, &w, id, limit, cursor)) api_fail(r);
}
