/* Remarks and follow-ups (备注, 跟进) that staff write on a customer. */
#include "remark.h"
#include "customer.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include <stdint.h>
#include <string.h>

static void write_remark_row(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "kind", rows_text(r, 1));
    jw_kstr(w, "body", rows_text(r, 2));
    if (rows_null(r, 3)) jw_knull(w, "author_id");
    else jw_kint(w, "author_id", rows_int(r, 3));
    jw_kstr(w, "author", rows_null(r, 4) ? NULL : rows_text(r, 4));
    jw_ktime(w, "created_at", rows_int(r, 5));
    jw_obj_end(w);
}

#define REMARK_SELECT \
    "SELECT r.id, r.kind, r.body, r.author_id, s.display_name, r.created_at FROM remarks r" \
    " LEFT JOIN staff s ON s.id = r.author_id WHERE r.customer_id = ?"

int remark_add(yt_ctx *x, int64_t customer_id, const char *kind, const char *body, int64_t *remark_id) {
    if (!kind) kind = "remark";
    if (strcmp(kind, "remark") != 0 && strcmp(kind, "follow_up") != 0)
        return yt_fail(x, YT_EINVAL, "kind", "must be remark or follow_up");
    if (!body || utf8_chars(body) < 1 || utf8_chars(body) > 2000)
        return yt_fail(x, YT_EINVAL, "body", "must be 1 to 2000 characters");
    yt_param p[] = {PI(customer_id), PT(kind), PT(body), x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now_ms())};
    if (db_begin(x->db) != 0) return yt_fail_db(x, "adding a remark");
    *remark_id = db_query_int(x->db,
                              "INSERT INTO remarks(customer_id, kind, body, author_id, created_at) VALUES(?,?,?,?,?) RETURNING id",
                              NPARAMS(p), p, 0);
    int rc = *remark_id ? YT_OK : yt_fail_db(x, "adding a remark");
    if (rc == YT_OK) rc = customer_index(x, customer_id);
    if (rc == YT_OK) rc = audit_record(x, "remark.create", "customer", customer_id, NULL);
    return yt_finish(x, rc, "adding a remark");
}

int remark_write_json(yt_ctx *x, yt_jw *w, int64_t remark_id) {
    yt_param p[] = {PI(remark_id)};
    yt_rows *r = db_query(x->db,
                          "SELECT r.id, r.kind, r.body, r.author_id, s.display_name, r.created_at FROM remarks r"
                          " LEFT JOIN staff s ON s.id = r.author_id WHERE r.id = ?",
                          1, p);
    if (!r) return yt_fail_db(x, "reading a remark");
    if (rows_next(r)) write_remark_row(w, r);
    rows_free(r);
    return YT_OK;
}

int remark_list_json(yt_ctx *x, yt_jw *w, int64_t customer_id, int limit, int64_t cursor) {
    yt_param p[] = {PI(customer_id), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, REMARK_SELECT " AND r.id < ? ORDER BY r.id DESC LIMIT ?", 3, p);
    if (!r) return yt_fail_db(x, "listing remarks");
    page_write(w, r, limit, write_remark_row);
    rows_free(r);
    return YT_OK;
}

int remark_all_json(yt_ctx *x, yt_jw *w, int64_t customer_id) {
    yt_param p[] = {PI(customer_id)};
    yt_rows *r = db_query(x->db, REMARK_SELECT " ORDER BY r.id", 1, p);
    if (!r) return yt_fail_db(x, "reading remarks");
    rows_write_array(w, r, write_remark_row);
    rows_free(r);
    return YT_OK;
}
