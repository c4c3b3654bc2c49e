/* Handlers: the lifecycle ladder — counts and weekly flows, and the stage rules. */
#include "handlers.h"
#include "segment_json.h"
#include "server.h"
#include "../audience/lifecycle.h"
#include "../audience/rules.h"
#include <stdlib.h>

void h_lifecycle_report(yt_req *r) {
    const char *q = api_query(r, "weeks");
    char *end = NULL;
    long weeks = q ? strtol(q, &end, 10) : 12;
    if (q && (*end || weeks < 1 || weeks > 104)) {
        api_problem(r, 400, "weeks", "weeks must be 1 to 104");
        return;
    }
    if (!api_audience_synced(r)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (lifecycle_report_json(r->server->audience, &r->x, &w, (int)weeks)) api_fail(r);
}

static void write_rules(yt_req *r, int status, int64_t moved) {
    lifecycle_rule rules[LIFECYCLE_MAX_RULES];
    int n;
    bool is_default;
    if (lifecycle_rules(&r->x, rules, &n, &is_default)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, status, &w);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    for (int i = 0; i < n; i++) {
        jw_obj(&w);
        jw_kstr(&w, "stage", rules[i].stage);
        jw_kstr(&w, "query", rules[i].query);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_kbool(&w, "default", is_default);
    if (moved >= 0) jw_kint(&w, "moved", moved);
    jw_obj_end(&w);
}

void h_lifecycle_rules(yt_req *r) {
    write_rules(r, 200, -1);
}

void h_lifecycle_rules_put(yt_req *r) {
    static const char *const allowed[] = {"items", NULL};
    static const char *const item_allowed[] = {"stage", "query", NULL};
    if (!body_only(r, r->json, allowed)) return;
    const cJSON *items = cJSON_GetObjectItemCaseSensitive(r->json, "items");
    int n = cJSON_IsArray(items) ? cJSON_GetArraySize(items) : -1;
    if (n < 1 || n > LIFECYCLE_MAX_RULES) {
        api_problem(r, 400, "items", "items must be an array of 1 to 16 {stage, query}");
        return;
    }
    lifecycle_rule rules[LIFECYCLE_MAX_RULES];
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, items) {
        if (!cJSON_IsObject(it) || !body_only(r, it, item_allowed) || !body_str(r, it, "stage", &rules[i].stage, true) ||
            !body_str(r, it, "query", &rules[i].query, true)) {
            if (!r->status) api_problem(r, 400, "items", "each item is {stage, query}");
            return;
        }
        i++;
    }
    audience *a = r->server->audience;
    if (!api_audience_synced(r)) return;
    int pos, ncycle;
    const char **cycle;
    int rc = audience_rules_begin(&r->x);
    if (rc) {
        api_fail(r);
        return;
    }
    rc = audience_rules_end(&r->x, lifecycle_rules_save(a, &r->x, rules, n, &pos, &cycle, &ncycle));
    if (rc == YT_EINVAL) {
        api_problem_with(r, 422, r->x.err.field, r->x.err.msg,
                         &(problem_extra){.position = pos, .list_key = ncycle ? "cycle" : NULL, .list = cycle, .nlist = ncycle});
        return;
    }
    int64_t moved = 0;
    if (rc || lifecycle_apply(a, &r->x, &moved)) {
        api_fail(r);
        return;
    }
    write_rules(r, 200, moved);
}
