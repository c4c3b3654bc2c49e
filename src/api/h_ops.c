/* Handlers: health, readiness, metrics, the overview, the audit log. */
#include "handlers.h"
#include "../analytics/overview.h"
#include "../base/metrics.h"
#include "../base/text.h"
#include "../base/timeutil.h"
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
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_param p[8];
    int n = 0;
    yt_buf sql = YT_BUF_INIT;
    buf_puts(&sql, "SELECT id, at, actor_id, actor, action, entity, entity_id, summary FROM audit_log WHERE id < ?");
    p[n++] = PI(cursor ? cursor : INT64_MAX);
    const char *entity = api_query(r, "entity"), *entity_id = api_query(r, "entity_id"), *actor = api_query(r, "actor_id");
    if (entity) {
        buf_puts(&sql, " AND entity = ?");
        p[n++] = PT(entity);
    }
    if (entity_id) {
        buf_puts(&sql, " AND entity_id = ?");
        p[n++] = PT(entity_id);
    }
    int64_t actor_id;
    if (actor && !parse_i64(actor, &actor_id)) {
        buf_free(&sql);
        api_problem(r, 400, "actor_id", "actor_id must be a staff id");
        return;
    }
    if (actor) {
        buf_puts(&sql, " AND actor_id = CAST(? AS BIGINT)");
        p[n++] = PT(actor);
    }
    buf_puts(&sql, " ORDER BY id DESC LIMIT ?");
    p[n++] = PI(limit + 1);
    yt_rows *rows = db_query(r->x.db, sql.p, n, p);
    buf_free(&sql);
    if (!rows) {
        yt_fail_db(&r->x, "reading the audit log");
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    int count = 0;
    int64_t last = 0;
    bool more = false;
    char ts[40];
    while (rows_next(rows)) {
        if (count == limit) {
            more = true;
            break;
        }
        last = rows_int(rows, 0);
        jw_obj(&w);
        jw_kint(&w, "id", last);
        time_fmt(rows_int(rows, 1), ts, sizeof ts);
        jw_kstr(&w, "at", ts);
        if (rows_null(rows, 2)) jw_knull(&w, "actor_id");
        else jw_kint(&w, "actor_id", rows_int(rows, 2));
        jw_kstr(&w, "actor", rows_text(rows, 3));
        jw_kstr(&w, "action", rows_text(rows, 4));
        jw_kstr(&w, "entity", rows_text(rows, 5));
        int64_t eid;
        if (parse_i64(rows_text(rows, 6), &eid)) jw_kint(&w, "entity_id", eid);
        else jw_knull(&w, "entity_id");
        jw_kraw(&w, "summary", rows_text(rows, 7));
        jw_obj_end(&w);
        count++;
    }
    rows_free(rows);
    jw_arr_end(&w);
    jw_next_cursor(&w, more, last);
    jw_obj_end(&w);
}
