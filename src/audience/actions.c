/* Segment bulk actions: set-based statements per chunk of members, one audit entry per action. */
#include "actions.h"
#include "../base/buf.h"
#include "../base/json.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include "index.h"
#include "../staff/staff.h"
#include "../tag/tag.h"
#include <stdio.h>
#include <stdlib.h>

static int audit_action(yt_ctx *x, const char *action, int64_t segment_id, const char *const *tags, int ntags, int64_t owner,
                        int64_t affected) {
    yt_buf s = YT_BUF_INIT;
    yt_jw w;
    jw_init(&w, &s);
    jw_obj(&w);
    if (ntags) {
        jw_key(&w, "tags");
        jw_arr(&w);
        for (int i = 0; i < ntags; i++) jw_str(&w, tags[i]);
        jw_arr_end(&w);
    }
    if (owner) jw_kint(&w, "owner_id", owner);
    jw_kint(&w, "affected", affected);
    jw_obj_end(&w);
    if (db_begin(x->db) != 0) {
        buf_free(&s);
        return yt_fail_db(x, action);
    }
    int rc = audit_record(x, action, "segment", segment_id, s.p);
    buf_free(&s);
    return yt_finish(x, rc, action);
}

int segment_tag_members(yt_ctx *x, int64_t segment_id, const int64_t *ids, size_t n, const char *const *tags, int ntags,
                        bool add, int64_t *affected) {
    *affected = 0;
    int64_t *tag_ids = arena_alloc(x->arena, sizeof *tag_ids * (size_t)(ntags ? ntags : 1));
    for (int i = 0; i < ntags; i++) {
        char field[16];
        snprintf(field, sizeof field, "tags[%d]", i);
        if (tag_name_check(x, field, tags[i])) return x->err.code;
        if (add) {
            if (db_begin(x->db) != 0) return yt_fail_db(x, "tagging a segment");
            int rc = yt_finish(x, tag_ensure(x, tags[i], &tag_ids[i]), "tagging a segment");
            if (rc) return rc;
        } else {
            yt_param p[] = {PT(tags[i])};
            tag_ids[i] = db_query_int(x->db, "SELECT id FROM tags WHERE name = ?", 1, p, 0);
        }
    }
    for (size_t at = 0; at < n; at += SEGMENT_ACTION_CHUNK) {
        size_t len = n - at < SEGMENT_ACTION_CHUNK ? n - at : SEGMENT_ACTION_CHUNK;
        if (db_begin(x->db) != 0) return yt_fail_db(x, "tagging a segment");
        int rc = db_xact_lock(x->db, AUDIENCE_WRITE_LOCK) == 0 ? YT_OK : yt_fail_db(x, "tagging a segment");
        for (int i = 0; rc == YT_OK && i < ntags; i++) {
            if (!tag_ids[i]) continue; /* untagging a tag that does not exist changes nothing */
            size_t changed;
            rc = tag_set_many(x, tag_ids[i], add, ids + at, len, NULL, &changed);
            *affected += (int64_t)changed;
        }
        if ((rc = yt_finish(x, rc, "tagging a segment"))) return rc;
    }
    return audit_action(x, add ? "segment.tag" : "segment.untag", segment_id, tags, ntags, 0, *affected);
}

int segment_assign_members(yt_ctx *x, int64_t segment_id, const int64_t *ids, size_t n, int64_t owner_id, int64_t *affected) {
    *affected = 0;
    if (x->who->own_customers_only && owner_id != x->who->staff_id)
        return yt_fail(x, YT_EFORBIDDEN, "owner_id", "a guide cannot hand customers to someone else");
    if (!staff_exists(x->db, owner_id)) return yt_fail(x, YT_EINVAL, "owner_id", "no staff with id %lld", (long long)owner_id);
    yt_dialect d = db_dialect(x->db);
    yt_buf sql = YT_BUF_INIT;
    buf_printf(&sql, "UPDATE customers SET owner_id = ?, updated_at = ? WHERE owner_id IS DISTINCT FROM ? AND id%s RETURNING id",
               db_in_ids(d));
    int rc = YT_OK;
    for (size_t at = 0; rc == YT_OK && at < n; at += SEGMENT_ACTION_CHUNK) {
        size_t len = n - at < SEGMENT_ACTION_CHUNK ? n - at : SEGMENT_ACTION_CHUNK;
        char *list = db_id_list(d, ids + at, len);
        yt_param p[] = {PI(owner_id), PI(now_ms()), PI(owner_id), PT(list)};
        if (db_begin(x->db) != 0) {
            free(list);
            rc = yt_fail_db(x, "assigning a segment");
            break;
        }
        yt_rows *r = db_xact_lock(x->db, AUDIENCE_WRITE_LOCK) == 0 &&
                             customers_lock_ascending(x, ids + at, len, "assigning a segment") == YT_OK
                         ? db_query(x->db, sql.p, 4, p)
                         : NULL;
        free(list);
        int64_t *changed = arena_alloc(x->arena, sizeof *changed * len);
        size_t k = 0;
        if (!r) rc = yt_fail_db(x, "assigning a segment");
        while (r && rows_next(r) && k < len) changed[k++] = rows_int(r, 0);
        if (r) rows_free(r);
        *affected += (int64_t)k;
        if (rc == YT_OK) rc = change_record_customers(x, CHANGE_CUSTOMER_UPDATED, changed, &k);
        rc = yt_finish(x, rc, "assigning a segment");
    }
    buf_free(&sql);
    return rc ? rc : audit_action(x, "segment.assign", segment_id, NULL, 0, owner_id, *affected);
}
