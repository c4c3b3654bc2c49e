/* Handlers: member links (made by staff), and the member pages' API, where a member signed in with their
 * link acts only as themselves. */
#include "handlers.h"
#include "../base/timeutil.h"
#include "../commerce/mall_order.h"
#include "../loyalty/checkin.h"
#include "../loyalty/points.h"
#include "../member/link.h"
#include "../member/profile.h"
#include <stdio.h>
#include <string.h>

/* {ttl_hours} (168 by default, at most 720) -> 201 {customer_id, token, expires_at}. */
void h_member_link_create(yt_req *r) {
    static const char *const allowed[] = {"ttl_hours", NULL};
    int64_t hours = MEMBER_LINK_TTL_S / 3600, expires_s, id = api_path_customer(r);
    bool given;
    if (!id || !body_only(r, r->json, allowed) || !body_int(r, r->json, "ttl_hours", &hours, &given)) return;
    if (hours < 1 || hours > MEMBER_LINK_TTL_MAX_S / 3600) {
        api_problem(r, 400, "ttl_hours", "ttl_hours must be from 1 to 720");
        return;
    }
    char token[YT_MEMBER_TOKEN_LEN];
    if (member_link_create(&r->x, id, hours * 3600, token, &expires_s)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    jw_obj(&w);
    jw_kint(&w, "customer_id", id);
    jw_kstr(&w, "token", token);
    jw_ktime(&w, "expires_at", expires_s * 1000);
    jw_obj_end(&w);
}

void h_member_get(yt_req *r) {
    int64_t me = api_member(r);
    if (!me) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (member_profile_json(&r->x, &w, me)) api_fail(r);
}

void h_member_points(yt_req *r) {
    int64_t me = api_member(r);
    if (!me) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (points_balance_json(&r->x, &w, me)) api_fail(r);
}

void h_member_points_ledger(yt_req *r) {
    int limit;
    int64_t cursor, me = api_member(r);
    if (!me || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (points_ledger_json(&r->x, &w, me, limit, cursor)) api_fail(r);
}

void h_member_checkin_month(yt_req *r) {
    int y, m;
    int64_t me = api_member(r);
    if (!me || !api_month(r, &y, &m)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (checkin_month_json(&r->x, &w, me, y, m)) api_fail(r);
}

/* {} checks in today; {day: "YYYY-MM-DD"} makes up a missed day. */
void h_member_checkin(yt_req *r) {
    static const char *const allowed[] = {"day", NULL};
    int64_t me = api_member(r);
    const char *day_text = NULL;
    if (!me || !body_only(r, r->json, allowed) || !body_str(r, r->json, "day", &day_text, false)) return;
    int32_t day = brand_day(now_ms());
    int y, m, d;
    if (day_text) {
        if (!date_parse(day_text, &y, &m, &d) || y < 2000 || y > 2999) {
            api_problem(r, 400, "day", "day must be a date, YYYY-MM-DD");
            return;
        }
        day = (int32_t)days_from_civil(y, m, d);
    }
    checkin_result res;
    if (checkin(&r->x, me, day, &res)) {
        api_fail(r);
        return;
    }
    char text[16];
    day_fmt(res.day, text, sizeof text);
    yt_jw w;
    api_json(r, 201, &w);
    jw_obj(&w);
    jw_kstr(&w, "day", text);
    jw_kbool(&w, "makeup", res.makeup);
    jw_kint(&w, "points", res.points);
    jw_kint(&w, "cost", res.cost);
    jw_kint(&w, "streak", res.streak);
    jw_kint(&w, "streak_points", res.streak_points);
    jw_kint(&w, "balance", res.balance);
    jw_obj_end(&w);
}

void h_member_orders(yt_req *r) {
    int limit;
    int64_t cursor, me = api_member(r);
    if (!me || !api_paging(r, &limit, &cursor)) return;
    mall_order_filter f = {me, api_query(r, "status"), api_query(r, "kind")};
    yt_jw w;
    api_json(r, 200, &w);
    if (mall_order_list_json(&r->x, &w, &f, limit, cursor)) api_fail(r);
}
