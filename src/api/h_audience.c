/* Handlers: audience reports — the RFM grid, the lifetime-value model and distribution, one customer's
 * scores and predictions — and refitting the model. */
#include "handlers.h"
#include "server.h"
#include "../audience/clv_model.h"
#include "../audience/report.h"
#include "../customer/customer.h"
#include "../base/timeutil.h"
#include <string.h>

static bool synced(yt_req *r) {
    if (audience_sync(r->server->audience, r->x.db) == 0) return true;
    api_problem(r, 503, NULL, "the audience index cannot read the store");
    return false;
}

void h_audience_rfm(yt_req *r) {
    if (!synced(r)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (audience_rfm_json(r->server->audience, &r->x, &w)) api_fail(r);
}

void h_audience_clv(yt_req *r) {
    if (!synced(r)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (audience_clv_json(r->server->audience, &r->x, &w)) api_fail(r);
}

void h_customer_audience(yt_req *r) {
    int64_t id = api_param_id(r, 0), live;
    if (!id || !synced(r)) return;
    if (customer_resolve(&r->x, id, &live)) { /* a merged record answers for its survivor */
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (audience_customer_json(r->server->audience, &r->x, &w, live)) api_fail(r);
}

void h_audience_clv_fit(yt_req *r) {
    static const char *const allowed[] = {"until", "unit", NULL};
    const char *until = NULL, *unit = NULL;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "until", &until, false) ||
        !body_str(r, r->json, "unit", &unit, false))
        return;
    int32_t day = audience_today(r->server->audience);
    int y, m, d;
    if (until) {
        if (!date_parse(until, &y, &m, &d)) {
            api_problem(r, 400, "until", "until must be a date, YYYY-MM-DD");
            return;
        }
        day = (int32_t)days_from_civil(y, m, d);
    }
    if (unit && strcmp(unit, "day") != 0 && strcmp(unit, "week") != 0) {
        api_problem(r, 400, "unit", "unit is day or week");
        return;
    }
    clv_model model;
    char err[200];
    if (!clv_model_fit(r->x.db, day, unit && strcmp(unit, "day") == 0 ? CLV_DAY : CLV_WEEK, &model, err, sizeof err)) {
        api_problem(r, 422, NULL, err);
        return;
    }
    if (clv_model_save(&r->x, &model) || audience_use_model(r->server->audience, r->x.db, &model)) {
        if (!r->x.err.code) yt_fail_db(&r->x, "using the model");
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    clv_model_write_json(&w, &model);
}
