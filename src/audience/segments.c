/* Saved segments in the store: create, rename or requery, delete, read, list; every write audited. */
#include "segments.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include <string.h>

int segment_name_check(yt_ctx *x, const char *name) {
    size_t chars = utf8_chars(name);
    if (!*name || chars > SEGMENT_NAME_MAX)
        return yt_fail(x, YT_EINVAL, "name", "must be 1 to %d characters", SEGMENT_NAME_MAX);
    const char *bad = text_unreadable(name);
    if (bad) return yt_fail(x, YT_EINVAL, "name", "%s", bad);
    return YT_OK;
}

int segment_create(yt_ctx *x, const char *name, const char *query, int64_t *id) {
    if (segment_name_check(x, name)) return x->err.code;
    int64_t now = now_ms();
    yt_param p[] = {PT(name), PT(query), PI(x->who->staff_id), PI(now), PI(now)};
    return audited_write(x,
                         "INSERT INTO segments(name, query, created_by, created_at, updated_at) VALUES(?,?,?,?,?) RETURNING id",
                         5, p, id, "segment.create", "segment", 0, "name", NULL);
}

int segment_update(yt_ctx *x, int64_t id, const char *name, const char *query, const char *members) {
    if (name && segment_name_check(x, name)) return x->err.code;
    if (!query) {
        yt_param p[] = {PT(name), PI(now_ms()), PI(id)};
        return audited_write(x, "UPDATE segments SET name = COALESCE(?, name), updated_at = ? WHERE id = ?", 3, p, NULL,
                             "segment.update", "segment", id, "name", NULL);
    }
    yt_param p[] = {PT(name), PT(query), PT(members), PI(now_ms()), PI(id)};
    return audited_write(x,
                         "UPDATE segments SET name = COALESCE(?, name), query = ?, members = ?, members_version = members_version + 1,"
                         " updated_at = ? WHERE id = ?",
                         5, p, NULL, "segment.update", "segment", id, "name", NULL);
}

int segment_delete(yt_ctx *x, int64_t id) {
    yt_param p[] = {PI(id)};
    return audited_write(x, "DELETE FROM segments WHERE id = ?", 1, p, NULL, "segment.delete", "segment", id, "id", NULL);
}

#define SEGMENT_COLS "id, name, query, created_by, created_at, updated_at"

static void read_row(yt_ctx *x, yt_rows *r, segment_row *s) {
    s->id = rows_int(r, 0);
    s->name = arena_strdup(x->arena, rows_text(r, 1));
    s->query = arena_strdup(x->arena, rows_text(r, 2));
    s->created_by = rows_null(r, 3) ? 0 : rows_int(r, 3);
    s->created_at = rows_int(r, 4);
    s->updated_at = rows_int(r, 5);
}

int segment_get(yt_ctx *x, int64_t id, segment_row *out) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " SEGMENT_COLS " FROM segments WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a segment");
    bool found = rows_next(r);
    if (found) read_row(x, r, out);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no segment with id %lld", (long long)id);
}

int segment_list(yt_ctx *x, int limit, int64_t cursor, segment_row **rows, int *n, bool *more) {
    yt_param p[] = {PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT " SEGMENT_COLS " FROM segments WHERE id < ? ORDER BY id DESC LIMIT ?", 2, p);
    if (!r) return yt_fail_db(x, "listing segments");
    *rows = arena_alloc(x->arena, sizeof **rows * (size_t)(limit + 1));
    *n = 0;
    *more = false;
    while (rows_next(r)) {
        if (*n == limit) {
            *more = true;
            break;
        }
        read_row(x, r, &(*rows)[(*n)++]);
    }
    rows_free(r);
    return YT_OK;
}
