/* Segment membership tracking: baselines as serialized roaring bitmaps (base64) with a version, differences
 * as events, written in one transaction that only the instance holding the current version can commit. */
#include "tracking.h"
#include "../base/alloc.h"
#include "../base/timeutil.h"
#include "../domain/changes.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENT_CHUNK 5000

char *segment_members_text(const roaring_bitmap_t *b) {
    roaring_bitmap_t *c = roaring_bitmap_copy(b);
    roaring_bitmap_run_optimize(c);
    size_t n = roaring_bitmap_portable_size_in_bytes(c);
    char *bytes = yt_malloc(n ? n : 1);
    roaring_bitmap_portable_serialize(c, bytes);
    roaring_bitmap_free(c);
    size_t len = sodium_base64_encoded_len(n, sodium_base64_VARIANT_ORIGINAL);
    char *out = yt_malloc(len);
    sodium_bin2base64(out, len, (const unsigned char *)bytes, n, sodium_base64_VARIANT_ORIGINAL);
    free(bytes);
    return out;
}

static roaring_bitmap_t *decode(const char *text) {
    size_t cap = strlen(text), n;
    unsigned char *bytes = yt_malloc(cap ? cap : 1);
    roaring_bitmap_t *b = NULL;
    if (sodium_base642bin(bytes, cap, text, strlen(text), NULL, &n, NULL, sodium_base64_VARIANT_ORIGINAL) == 0)
        b = roaring_bitmap_portable_deserialize_safe((const char *)bytes, n);
    free(bytes);
    return b;
}

/* Events of one kind for the customers in set, a chunk per statement (the caller holds the transaction). */
static int record(yt_ctx *x, const roaring_bitmap_t *set, const char *type, int64_t segment_id, const char *name, int64_t *events) {
    uint64_t n = roaring_bitmap_get_cardinality(set);
    if (!n) return YT_OK;
    yt_buf props = YT_BUF_INIT;
    yt_jw w;
    jw_init(&w, &props);
    jw_obj(&w);
    jw_kint(&w, "segment_id", segment_id);
    jw_kstr(&w, "segment", name);
    jw_obj_end(&w);
    size_t nids;
    int64_t *ids = audience_ids(set, &nids);
    yt_dialect d = db_dialect(x->db);
    int64_t now = now_ms();
    int rc = YT_OK;
    for (uint64_t at = 0; rc == YT_OK && at < n; at += EVENT_CHUNK) {
        size_t len = n - at < EVENT_CHUNK ? (size_t)(n - at) : EVENT_CHUNK;
        char *list = db_id_list(d, ids + at, len);
        yt_param p[] = {PT(type), PI(now), PT(props.p), PI(now), PT(list)};
        int64_t rows = db_exec(x->db,
                               d == YT_PG ? "INSERT INTO events(type, at, properties, created_at, customer_id)"
                                            " SELECT CAST(? AS TEXT), CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS BIGINT), u"
                                            " FROM unnest(CAST(? AS BIGINT[])) AS u"
                                          : "INSERT INTO events(type, at, properties, created_at, customer_id)"
                                            " SELECT ?, ?, ?, ?, value FROM json_each(?)",
                               5, p);
        free(list);
        if (rows != (int64_t)len) rc = yt_fail_db(x, "recording segment events");
        size_t k = len;
        if (rc == YT_OK) rc = change_record_customers(x, CHANGE_CUSTOMER_EVENTS, ids + at, &k);
    }
    free(ids);
    buf_free(&props);
    if (rc == YT_OK && events) *events += (int64_t)n;
    return rc;
}

static int track_one(audience *a, yt_ctx *x, int64_t id, const char *name, const char *query, const char *baseline,
                     int64_t version, int64_t *events) {
    seg_error err;
    seg_node *node = seg_parse_text(query, x->arena, &err);
    audience_result res;
    if (!node || audience_eval(a, x, node, &res, &err) != YT_OK) return YT_OK; /* a query that no longer evaluates */
    roaring_bitmap_t *before = baseline ? decode(baseline) : NULL;
    roaring_bitmap_t *entered = before ? roaring_bitmap_andnot(res.members, before) : NULL;
    roaring_bitmap_t *exited = before ? roaring_bitmap_andnot(before, res.members) : NULL;
    if (exited) { /* only the living leave: records merged away or erased get no new events */
        roaring_bitmap_t *live = audience_live_members(a);
        roaring_bitmap_and_inplace(exited, live);
        roaring_bitmap_free(live);
    }
    int rc = YT_OK;
    if (!before || !roaring_bitmap_is_empty(entered) || !roaring_bitmap_is_empty(exited)) {
        char *members = segment_members_text(res.members);
        yt_param p[] = {PT(members), PI(id), PI(version)};
        if (db_begin(x->db) != 0) {
            rc = yt_fail_db(x, "tracking a segment");
        } else {
            int64_t won = db_xact_lock(x->db, AUDIENCE_WRITE_LOCK) != 0
                              ? -1
                              : db_exec(x->db, "UPDATE segments SET members = ?, members_version = members_version + 1"
                                               " WHERE id = ? AND members_version = ?", 3, p);
            if (won < 0) rc = yt_fail_db(x, "tracking a segment");
            if (won == 1 && before) {
                rc = record(x, entered, "segment_entered", id, name, events);
                if (rc == YT_OK) rc = record(x, exited, "segment_exited", id, name, events);
            }
            rc = yt_finish(x, rc, "tracking a segment");
        }
        free(members);
    }
    if (before) roaring_bitmap_free(before);
    if (entered) roaring_bitmap_free(entered);
    if (exited) roaring_bitmap_free(exited);
    audience_result_free(&res);
    return rc;
}

int segments_track(audience *a, yt_ctx *x, int64_t *events) {
    if (events) *events = 0;
    yt_rows *r = db_query(x->db, "SELECT id, name, query, members, members_version FROM segments ORDER BY id", 0, NULL);
    if (!r) return yt_fail_db(x, "tracking segments");
    typedef struct {
        int64_t id, version;
        const char *name, *query, *members;
    } seg;
    int n = 0, cap = 16;
    seg *all = arena_alloc(x->arena, sizeof *all * (size_t)cap);
    while (rows_next(r)) {
        if (n == cap) {
            seg *more = arena_alloc(x->arena, sizeof *more * (size_t)cap * 2);
            memcpy(more, all, sizeof *all * (size_t)cap);
            all = more;
            cap *= 2;
        }
        all[n++] = (seg){rows_int(r, 0), rows_int(r, 4), arena_strdup(x->arena, rows_text(r, 1)),
                         arena_strdup(x->arena, rows_text(r, 2)), rows_null(r, 3) ? NULL : arena_strdup(x->arena, rows_text(r, 3))};
    }
    rows_free(r);
    int rc = YT_OK;
    for (int i = 0; rc == YT_OK && i < n; i++)
        rc = track_one(a, x, all[i].id, all[i].name, all[i].query, all[i].members, all[i].version, events);
    return rc;
}

int segment_baseline(yt_ctx *x, int64_t id, const roaring_bitmap_t *members) {
    char *text = segment_members_text(members);
    yt_param p[] = {PT(text), PI(id)};
    int rc = db_exec(x->db, "UPDATE segments SET members = ?, members_version = members_version + 1 WHERE id = ?", 2, p) < 0
                 ? yt_fail_db(x, "recording a segment's members")
                 : YT_OK;
    free(text);
    return rc;
}
