/* Audit log: every write records who, what, when and a before/after summary; read back a page at a time. */
#include "audit.h"
#include "changes.h"
#include "page.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include <stdio.h>

static void write_audit_row(yt_jw *w, yt_rows *rows) {
    char ts[40];
    jw_obj(w);
    jw_kint(w, "id", rows_int(rows, 0));
    time_fmt(rows_int(rows, 1), ts, sizeof ts);
    jw_kstr(w, "at", ts);
    if (rows_null(rows, 2)) jw_knull(w, "actor_id");
    else jw_kint(w, "actor_id", rows_int(rows, 2));
    jw_kstr(w, "actor", rows_text(rows, 3));
    jw_kstr(w, "action", rows_text(rows, 4));
    jw_kstr(w, "entity", rows_text(rows, 5));
    int64_t eid;
    if (parse_i64(rows_text(rows, 6), &eid)) jw_kint(w, "entity_id", eid);
    else jw_knull(w, "entity_id");
    jw_kraw(w, "summary", rows_text(rows, 7)); /* summaries are written by audit_record's callers as JSON */
    jw_obj_end(w);
}

int audit_list_json(yt_ctx *x, yt_jw *w, const char *entity, const char *entity_id, int64_t actor_id, int limit,
                    int64_t cursor) {
    yt_param p[5];
    int n = 0;
    yt_buf sql = YT_BUF_INIT;
    buf_puts(&sql, "SELECT id, at, actor_id, actor, action, entity, entity_id, summary FROM audit_log WHERE id < ?");
    p[n++] = PI(cursor ? cursor : INT64_MAX);
    if (entity) {
        buf_puts(&sql, " AND entity = ?");
        p[n++] = PT(entity);
    }
    if (entity_id) {
        buf_puts(&sql, " AND entity_id = ?");
        p[n++] = PT(entity_id);
    }
    if (actor_id) {
        buf_puts(&sql, " AND actor_id = ?");
        p[n++] = PI(actor_id);
    }
    buf_puts(&sql, " ORDER BY id DESC LIMIT ?");
    p[n++] = PI(limit + 1);
    yt_rows *rows = db_query(x->db, sql.p, n, p);
    buf_free(&sql);
    if (!rows) return yt_fail_db(x, "reading the audit log");
    page_write(w, rows, limit, write_audit_row);
    rows_free(rows);
    return YT_OK;
}

int audit_record(yt_ctx *x, const char *action, const char *entity, int64_t entity_id, const char *summary_json) {
    char idbuf[24] = "";
    if (entity_id) snprintf(idbuf, sizeof idbuf, "%lld", (long long)entity_id);
    yt_param p[] = {PI(now_ms()), x->who->staff_id ? PI(x->who->staff_id) : PNULL, PT(x->who->username),
                    PT(action), PT(entity), PT(idbuf), PT(summary_json ? summary_json : "{}")};
    if (db_exec(x->db,
                "INSERT INTO audit_log(at, actor_id, actor, action, entity, entity_id, summary) VALUES(?,?,?,?,?,?,?)",
                NPARAMS(p), p) < 0)
        return yt_fail_db(x, "writing the audit log");
    return YT_OK;
}

/* Runs one write with its audit entry, and its change for the feed (change NULL: none). */
int audited_write(yt_ctx *x, const char *sql, int n, const yt_param *p, int64_t *returned_id,
                            const char *action, const char *entity, int64_t entity_id, const char *field,
                            const char *change) {
    if (db_begin(x->db) != 0) return yt_fail_db(x, action);
    int64_t affected;
    if (returned_id) { /* INSERT ... RETURNING yields a row on success, -1 (the default) on an error */
        affected = *returned_id = db_query_int(x->db, sql, n, p, -1);
        if (*returned_id < 0) *returned_id = 0;
    } else {
        affected = db_exec(x->db, sql, n, p);
    }
    if (affected <= 0) {
        int rc = affected < 0 && db_unique_violation(x->db) ? yt_fail(x, YT_ECONFLICT, field, "the name is already used")
                 : affected == 0       ? yt_fail(x, YT_ENOTFOUND, NULL, "no %s with id %lld", entity, (long long)entity_id)
                                       : yt_fail_db(x, action);
        db_rollback(x->db);
        return rc;
    }
    int rc = audit_record(x, action, entity, returned_id ? *returned_id : entity_id, NULL);
    if (rc == YT_OK && change) rc = change_record(x, change, 0, entity_id);
    return yt_finish(x, rc, action);
}
