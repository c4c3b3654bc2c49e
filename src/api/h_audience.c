/* Handlers: audience reports — the RFM grid, the lifetime-value model and distribution, one customer's
 * scores and predictions — and refitting the model. */
#include "handlers.h"
#include "segment_json.h"
#include "server.h"
#include "../audience/clv_model.h"
#include "../audience/report.h"
#include "../customer/customer.h"
#include "../base/timeutil.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

void h_audience_rfm(yt_req *r) {
    if (!api_audience_synced(r)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (audience_rfm_json(r->server->audience, &r->x, &w)) api_fail(r);
}

void h_audience_clv(yt_req *r) {
    if (!api_audience_synced(r)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (audience_clv_json(r->server->audience, &r->x, &w)) api_fail(r);
}

void h_customer_audience(yt_req *r) {
    int64_t id = api_param_id(r, 0), live;
    if (!id || !api_audience_synced(r)) return;
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

/* POST /audience/payback {margin_rate, channels: [{name, cost, query}]}: months to pay back per channel. */
void h_audience_payback(yt_req *r) {
    static const char *const allowed[] = {"margin_rate", "channels", NULL};
    static const char *const ch_allowed[] = {"name", "cost", "query", NULL};
    if (!body_only(r, r->json, allowed)) return;
    const cJSON *rate = cJSON_GetObjectItemCaseSensitive(r->json, "margin_rate");
    double margin = rate ? rate->valuedouble : 1.0;
    if (rate && (!cJSON_IsNumber(rate) || !(margin > 0 && margin <= 1))) {
        api_problem(r, 400, "margin_rate", "margin_rate is the share of revenue kept as margin, above 0 and at most 1");
        return;
    }
    const cJSON *chs = cJSON_GetObjectItemCaseSensitive(r->json, "channels");
    int n = cJSON_IsArray(chs) ? cJSON_GetArraySize(chs) : -1;
    if (n < 1 || n > 50) {
        api_problem(r, 400, "channels", "channels must be an array of 1 to 50 {name, cost, query}");
        return;
    }
    if (!api_audience_synced(r)) return;
    yt_jw w;
    yt_buf out = YT_BUF_INIT;
    jw_init(&w, &out);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    int i = 0;
    const cJSON *ch;
    cJSON_ArrayForEach(ch, chs) {
        const char *name = NULL, *text = NULL;
        int64_t cost = -1;
        char field[48];
        snprintf(field, sizeof field, "channels[%d]", i++);
        if (!cJSON_IsObject(ch) || !body_only(r, ch, ch_allowed) || !body_str(r, ch, "name", &name, true) ||
            !body_int(r, ch, "cost", &cost, NULL) || !body_str(r, ch, "query", &text, true)) {
            if (!r->status) api_problem(r, 400, field, "each channel is {name, cost (fen), query (segment text)}");
            buf_free(&out);
            return;
        }
        if (cost < 0) {
            api_problem(r, 400, field, "cost is the fen spent on the channel, 0 or more");
            buf_free(&out);
            return;
        }
        seg_error err;
        seg_node *node = seg_parse_text(text, &r->arena, &err);
        audience_result res;
        int rc = node ? audience_eval(r->server->audience, &r->x, node, &res, &err) : YT_EINVAL;
        if (rc) {
            if (rc == YT_EINVAL) api_problem_at(r, 422, field, err.msg, err.pos, NULL);
            else api_fail(r);
            buf_free(&out);
            return;
        }
        payback_channel c = {.name = name, .cost_fen = cost, .members = res.members};
        payback_result p;
        audience_payback(r->server->audience, &c, margin, &p);
        audience_result_free(&res);
        jw_obj(&w);
        jw_kstr(&w, "name", name);
        jw_kint(&w, "customers", p.customers);
        jw_kint(&w, "cost", cost);
        jw_kint(&w, "cac", p.cac_fen);
        jw_key(&w, "monthly_margin");
        jw_dbl(&w, round(p.monthly_margin_fen * 100) / 100);
        jw_key(&w, "months");
        jw_dbl(&w, round(p.months * 10) / 10); /* null when nothing is expected */
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    yt_jw answer;
    api_json(r, 200, &answer);
    buf_append(&r->out, out.p, out.len);
    buf_free(&out);
}
