/* Tags (标签) in tag groups (标签组): create, rename, delete, attach to and detach from customers. */
#include "tag.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int tag_name_check(yt_ctx *x, const char *field, const char *name) {
    if (!name) return yt_fail(x, YT_EINVAL, field, "is required");
    size_t n = utf8_chars(name);
    if (n < 1 || n > 32) return yt_fail(x, YT_EINVAL, field, "must be 1 to 32 characters");
    const char *why = text_unreadable(name);
    if (why) return yt_fail(x, YT_EINVAL, field, "%s", why);
    if (name[0] == ' ' || name[strlen(name) - 1] == ' ')
        return yt_fail(x, YT_EINVAL, field, "must not start or end with a space");
    return YT_OK;
}

int tag_ensure(yt_ctx *x, const char *name, int64_t *id) {
    yt_param p[] = {PT(name)};
    *id = db_query_int(x->db, "SELECT id FROM tags WHERE name = ?", 1, p, 0);
    if (*id) return YT_OK;
    yt_param q[] = {PT(name), PI(now_ms())};
    *id = db_query_int(x->db,
                       "INSERT INTO tags(name, created_at) VALUES(?, ?) ON CONFLICT(name) DO NOTHING RETURNING id", 2, q, 0);
    if (!*id) *id = db_query_int(x->db, "SELECT id FROM tags WHERE name = ?", 1, p, 0);
    return *id ? YT_OK : yt_fail_db(x, "creating a tag");
}

int tag_attach(yt_ctx *x, int64_t customer_id, const char *const *names, int n) {
    int64_t now = now_ms();
    for (int i = 0; i < n; i++) {
        int64_t tid;
        if (tag_ensure(x, names[i], &tid)) return x->err.code;
        yt_param p[] = {PI(customer_id), PI(tid), PI(now)};
        if (db_exec(x->db,
                    "INSERT INTO customer_tags(customer_id, tag_id, created_at) VALUES(?,?,?)"
                    " ON CONFLICT(customer_id, tag_id) DO NOTHING",
                    3, p) < 0)
            return yt_fail_db(x, "tagging a customer");
    }
    return YT_OK;
}

int tag_detach(yt_ctx *x, int64_t customer_id, const char *name) {
    yt_param p[] = {PI(customer_id), PT(name)};
    if (db_exec(x->db, "DELETE FROM customer_tags WHERE customer_id = ? AND tag_id IN (SELECT id FROM tags WHERE name = ?)",
                2, p) < 0)
        return yt_fail_db(x, "untagging a customer");
    return YT_OK;
}

int tag_names_json(yt_ctx *x, yt_jw *w, int64_t customer_id) {
    yt_param p[] = {PI(customer_id)};
    yt_rows *r = db_query(x->db,
                          "SELECT t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id"
                          " WHERE ct.customer_id = ? ORDER BY ct.created_at, t.id",
                          1, p);
    if (!r) return yt_fail_db(x, "reading tags");
    jw_arr(w);
    while (rows_next(r)) jw_str(w, rows_text(r, 0));
    jw_arr_end(w);
    rows_free(r);
    return YT_OK;
}

static int check_group(yt_ctx *x, int64_t group_id) {
    if (!group_id) return YT_OK;
    yt_param p[] = {PI(group_id)};
    if (db_query_int(x->db, "SELECT 1 FROM tag_groups WHERE id = ?", 1, p, 0) != 1)
        return yt_fail(x, YT_EINVAL, "group_id", "no tag group with id %lld", (long long)group_id);
    return YT_OK;
}


int tag_create(yt_ctx *x, const char *name, int64_t group_id, int64_t *id) {
    if (tag_name_check(x, "name", name) || check_group(x, group_id)) return x->err.code;
    yt_param p[] = {PT(name), group_id ? PI(group_id) : PNULL, PI(now_ms())};
    return audited_write(x, "INSERT INTO tags(name, group_id, created_at) VALUES(?,?,?) RETURNING id", 3, p, id,
                            "tag.create", "tag", 0, "name", NULL);
}

int tag_update(yt_ctx *x, int64_t id, const char *name, bool set_group, int64_t group_id) {
    if ((name && tag_name_check(x, "name", name)) || (set_group && check_group(x, group_id))) return x->err.code;
    yt_param p[] = {PT(name), PI(set_group), group_id ? PI(group_id) : PNULL, PI(id)};
    return audited_write(x,
                            "UPDATE tags SET name = COALESCE(?, name),"
                            " group_id = CASE WHEN ? = 1 THEN ? ELSE group_id END WHERE id = ?",
                            4, p, NULL, "tag.update", "tag", id, "name", name ? CHANGE_TAG_RENAMED : NULL);
}

int tag_delete(yt_ctx *x, int64_t id) { /* customer_tags rows go by ON DELETE CASCADE */
    yt_param p[] = {PI(id)};
    return audited_write(x, "DELETE FROM tags WHERE id = ?", 1, p, NULL, "tag.delete", "tag", id, "id", CHANGE_TAG_DELETED);
}

static void write_tag_row(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "name", rows_text(r, 1));
    if (rows_null(r, 2)) jw_knull(w, "group_id");
    else jw_kint(w, "group_id", rows_int(r, 2));
    jw_kint(w, "customer_count", rows_int(r, 3));
    jw_obj_end(w);
}

#define TAG_SELECT \
    "SELECT t.id, t.name, t.group_id, (SELECT count(*) FROM customer_tags ct WHERE ct.tag_id = t.id) FROM tags t"

int tag_list_json(yt_ctx *x, yt_jw *w) {
    yt_rows *r = db_query(x->db, TAG_SELECT " ORDER BY t.id", 0, NULL);
    if (!r) return yt_fail_db(x, "listing tags");
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    while (rows_next(r)) write_tag_row(w, r);
    jw_arr_end(w);
    jw_knull(w, "next_cursor");
    jw_obj_end(w);
    rows_free(r);
    return YT_OK;
}

int tag_write_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, TAG_SELECT " WHERE t.id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a tag");
    int rc = YT_OK;
    if (rows_next(r)) write_tag_row(w, r);
    else rc = yt_fail(x, YT_ENOTFOUND, NULL, "no tag with id %lld", (long long)id);
    rows_free(r);
    return rc;
}

int tag_group_create(yt_ctx *x, const char *name, int64_t *id) {
    if (tag_name_check(x, "name", name)) return x->err.code;
    yt_param p[] = {PT(name), PI(now_ms())};
    return audited_write(x, "INSERT INTO tag_groups(name, created_at) VALUES(?,?) RETURNING id", 2, p, id,
                            "tag_group.create", "tag_group", 0, "name", NULL);
}

int tag_group_rename(yt_ctx *x, int64_t id, const char *name) {
    if (tag_name_check(x, "name", name)) return x->err.code;
    yt_param p[] = {PT(name), PI(id)};
    return audited_write(x, "UPDATE tag_groups SET name = ? WHERE id = ?", 2, p, NULL, "tag_group.rename",
                            "tag_group", id, "name", NULL);
}

int tag_group_delete(yt_ctx *x, int64_t id) { /* its tags stay, ungrouped, by ON DELETE SET NULL */
    yt_param p[] = {PI(id)};
    return audited_write(x, "DELETE FROM tag_groups WHERE id = ?", 1, p, NULL, "tag_group.delete", "tag_group", id, "id", NULL);
}

static int write_group(yt_ctx *x, yt_jw *w, int64_t id, const char *name) {
    jw_obj(w);
    jw_kint(w, "id", id);
    jw_kstr(w, "name", name);
    jw_key(w, "tags");
    jw_arr(w);
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, TAG_SELECT " WHERE t.group_id = ? ORDER BY t.id", 1, p);
    if (!r) return yt_fail_db(x, "listing tags");
    while (rows_next(r)) write_tag_row(w, r);
    rows_free(r);
    jw_arr_end(w);
    jw_obj_end(w);
    return YT_OK;
}

int tag_group_list_json(yt_ctx *x, yt_jw *w) {
    yt_rows *g = db_query(x->db, "SELECT id, name FROM tag_groups ORDER BY id", 0, NULL);
    if (!g) return yt_fail_db(x, "listing tag groups");
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    int rc = YT_OK;
    while (rc == YT_OK && rows_next(g)) rc = write_group(x, w, rows_int(g, 0), arena_strdup(x->arena, rows_text(g, 1)));
    jw_arr_end(w);
    jw_knull(w, "next_cursor");
    jw_obj_end(w);
    rows_free(g);
    return rc;
}

int tag_group_write_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *g = db_query(x->db, "SELECT id, name FROM tag_groups WHERE id = ?", 1, p);
    if (!g) return yt_fail_db(x, "reading a tag group");
    int rc;
    if (rows_next(g)) rc = write_group(x, w, id, arena_strdup(x->arena, rows_text(g, 1)));
    else rc = yt_fail(x, YT_ENOTFOUND, NULL, "no tag group with id %lld", (long long)id);
    rows_free(g);
    return rc;
}

int tag_set_many(yt_ctx *x, int64_t tag_id, bool add, const int64_t *ids, size_t n, int64_t **changed, size_t *nchanged) {
    *nchanged = 0;
    if (changed) *changed = NULL;
    if (n == 0) return YT_OK;
    yt_dialect d = db_dialect(x->db);
    char *list = db_id_list(d, ids, n);
    yt_param p[] = {PI(tag_id), PI(now_ms()), PT(list)};
    yt_param q[] = {PI(tag_id), PT(list)};
    yt_buf sql = YT_BUF_INIT;
    if (add)
        buf_puts(&sql, d == YT_PG ? "INSERT INTO customer_tags(customer_id, tag_id, created_at) SELECT u, CAST(? AS BIGINT), CAST(? AS BIGINT)"
                                    " FROM unnest(CAST(? AS BIGINT[])) AS u ON CONFLICT DO NOTHING RETURNING customer_id"
                                  : "INSERT INTO customer_tags(customer_id, tag_id, created_at) SELECT value, ?, ? FROM json_each(?)"
                                    " WHERE true ON CONFLICT DO NOTHING RETURNING customer_id");
    else
        buf_printf(&sql, "DELETE FROM customer_tags WHERE tag_id = ? AND customer_id%s RETURNING customer_id", db_in_ids(d));
    yt_rows *r = add ? db_query(x->db, sql.p, 3, p) : db_query(x->db, sql.p, 2, q);
    buf_free(&sql);
    free(list);
    if (!r) return yt_fail_db(x, "tagging customers");
    int64_t *out = arena_alloc(x->arena, sizeof *out * n);
    size_t k = 0;
    while (rows_next(r) && k < n) out[k++] = rows_int(r, 0);
    rows_free(r);
    *nchanged = k;
    if (changed) *changed = out;
    int64_t *sorted = arena_alloc(x->arena, sizeof *sorted * (k ? k : 1));
    memcpy(sorted, out, sizeof *out * k);
    return change_record_customers(x, CHANGE_CUSTOMER_TAGGED, sorted, &k);
}
