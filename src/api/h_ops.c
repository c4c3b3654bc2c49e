/* Handlers: health, readiness, metrics, the overview, the audit log. */
#include "handlers.h"
#include "../analytics/overview.h"
#include "../base/metrics.h"
#include "server.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#define LOG_LOST "the store's log could not be synced: restart the server"

/* Alive unless the store can no longer make changes durable, which only a restart mends. */
void h_healthz(yt_req *r) {
    bool lost = r->store && store_log_lost(r->store);
    yt_jw w;
    api_json(r, lost ? 503 : 200, &w);
    jw_obj(&w);
    jw_kstr(&w, "status", lost ? LOG_LOST : "ok");
    jw_obj_end(&w);
}

void h_readyz(yt_req *r) {
    bool lost = r->store && store_log_lost(r->store), ok = !lost && db_query_int(r->x.db, "SELECT 1", 0, NULL, 0) == 1;
    yt_jw w;
    api_json(r, ok ? 200 : 503, &w);
    jw_obj(&w);
    jw_kstr(&w, "status", ok ? "ready" : lost ? LOG_LOST : "store unavailable");
    jw_obj_end(&w);
}

/* /metrics: with a metrics token configured, only for its bearer; without one, only for callers on
 * this machine with no proxy between (a Prometheus beside the server). */
void h_metrics(yt_req *r) {
    const char *want = r->server->metrics_token;
    if (want) {
        const char *h = r->authorization;
        const char *got = h && strncasecmp(h, "Bearer ", 7) == 0 ? h + 7 : "";
        if (strlen(got) != strlen(want) || sodium_memcmp(got, want, strlen(want)) != 0) {
            api_problem(r, 401, NULL, "send the metrics token: Authorization: Bearer <YUTANG_METRICS_TOKEN>");
            return;
        }
    } else if (!r->direct_loopback) {
        api_problem(r, 403, NULL, "metrics are served to this machine only; set YUTANG_METRICS_TOKEN to scrape from elsewhere");
        return;
    }
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
