/* Handlers: health, readiness, metrics, the overview, the audit log. */
#include "handlers.h"
#include "../analytics/overview.h"
#include "../base/metrics.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include <stdio.h>

void h_healthz(yt_req *r) {
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kstr(&w, "status", "ok");
    jw_obj_end(&w);
}

void h_readyz(yt_req *r) {
    bool ok = db_query_int(r->x.db, "SELECT 1", 0, NULL, 0) == 1;
    yt_jw w;
    api_json(r, ok ? 200 : 503, &w);
    jw_obj(&w);
    jw_kstr(&w, "status", ok ? "ready" : "store unavailable");
    jw_obj_end(&w);
}

void h_metrics(yt_req *r) {
    buf_reset(&r->out);
    r->status = 200;
    r->out_type = "text/plain; version=0.0.4; charset=utf-8";
    metrics_render(&r->out);
}

void h_stats_overview(yt_req *r) {
    yt_jw w;
    api_json(r, 200, &w);
    if (overview_json(&r->x, &w, now_ms())) api_fail(r);
}

void h_audit_list(yt_req *r) {
    int limit;
    int64_t cursor, actor_id = 0;
    if (!api_paging(r, &limit, &cursor)) return;
    const char *actor = api_query(r, "actor_id");
    if (actor && (!parse_i64(actor, &actor_id) || actor_id <= 0)) {
        api_problem(r, 400, "actor_id", "actor_id must be a staff id");
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (audit_list_json(&r->x, &w, api_query(r, "entity"), api_query(r, "entity_id"), actor_id, limit, cursor)) api_fail(r);
}
