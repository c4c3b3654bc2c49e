/* Handlers: segments — preview, saved segments with live counts, members, CSV export, bulk actions. */
#include "handlers.h"
#include "../commerce/coupon.h"
#include "segment_json.h"
#include "server.h"
#include "../audience/actions.h"
#include "../audience/segments.h"
#include "../audience/tracking.h"
#include "../base/alloc.h"
#include "../customer/customer.h"
#include "../importer/importer.h"
#include <stdlib.h>
#include <string.h>

#define SAMPLE_DEFAULT 10
#define SAMPLE_MAX 50

/* Brings the index up to date and evaluates; false with the answer set (422 naming the position). */
static bool evaluate(yt_req *r, const seg_node *node, audience_result *res) {
    audience *a = r->server->audience;
    if (!api_audience_synced(r)) return false;
    seg_error err;
    int rc = audience_eval(a, &r->x, node, res, &err);
    if (rc == YT_EINVAL) {
        api_problem_at(r, 422, "query", err.msg, err.pos, NULL);
        return false;
    }
    if (rc) {
        api_fail(r);
        return false;
    }
    return true;
}

static void write_unknown(yt_jw *w, const audience_result *res) {
    jw_key(w, "unknown");
    jw_arr(w);
    for (int i = 0; i < res->nunknown; i++) jw_str(w, res->unknown[i]);
    jw_arr_end(w);
}

/* Up to max members below cursor (0: from the top), newest first, into ids; returns how many. */
static int members_below(const roaring_bitmap_t *m, int64_t cursor, int64_t *ids, int max) {
    uint64_t k = cursor > 0 ? (cursor > UINT32_MAX ? roaring_bitmap_get_cardinality(m) : roaring_bitmap_rank(m, (uint32_t)(cursor - 1)))
                            : roaring_bitmap_get_cardinality(m);
    int n = 0;
    uint32_t v;
    while (n < max && k > 0 && roaring_bitmap_select(m, (uint32_t)--k, &v)) ids[n++] = v;
    return n;
}

void h_segment_preview(yt_req *r) {
    static const char *const allowed[] = {"query", "sample", NULL};
    int64_t sample = SAMPLE_DEFAULT;
    seg_node *node;
    const char *text;
    if (!body_only(r, r->json, allowed) || !body_int(r, r->json, "sample", &sample, NULL) ||
        !api_segment_query(r, true, &node, &text))
        return;
    if (sample < 0 || sample > SAMPLE_MAX) {
        api_problem(r, 400, "sample", "sample must be 0 to 50");
        return;
    }
    audience_result res;
    if (!evaluate(r, node, &res)) return;
    int64_t *ids = arena_alloc(&r->arena, sizeof *ids * (size_t)(sample + 1));
    int n = members_below(res.members, 0, ids, (int)sample);
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kint(&w, "count", (int64_t)roaring_bitmap_get_cardinality(res.members));
    jw_kstr(&w, "query", text);
    write_unknown(&w, &res);
    jw_key(&w, "sample");
    int rc = customer_ids_json(&r->x, &w, ids, n, (int)sample, false);
    jw_obj_end(&w);
    audience_result_free(&res);
    if (rc) api_fail(r);
}

/* A saved segment with its live count. */
static int write_segment(yt_req *r, yt_jw *w, const segment_row *s) {
    seg_error err;
    seg_node *node = seg_parse_text(s->query, &r->arena, &err);
    audience_result res = {0};
    bool counted = node && audience_eval(r->server->audience, &r->x, node, &res, &err) == YT_OK;
    jw_obj(w);
    jw_kint(w, "id", s->id);
    jw_kstr(w, "name", s->name);
    jw_kstr(w, "query", s->query);
    if (counted) {
        jw_kint(w, "count", (int64_t)roaring_bitmap_get_cardinality(res.members));
        write_unknown(w, &res);
    } else { /* a query an older or newer version wrote, or an attribute gone: shown, not counted */
        jw_knull(w, "count");
        jw_kstr(w, "error", err.msg);
    }
    if (s->created_by) jw_kint(w, "created_by", s->created_by);
    else jw_knull(w, "created_by");
    jw_ktime(w, "created_at", s->created_at);
    jw_ktime(w, "updated_at", s->updated_at);
    jw_obj_end(w);
    audience_result_free(&res);
    return r->x.err.code == YT_EINTERNAL ? YT_EINTERNAL : YT_OK;
}

static void answer_segment(yt_req *r, int status, int64_t id) {
    segment_row s;
    if (segment_get(&r->x, id, &s)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, status, &w);
    if (write_segment(r, &w, &s)) api_fail(r);
}

void h_segment_create(yt_req *r) {
    static const char *const allowed[] = {"name", "query", NULL};
    const char *name = NULL, *text;
    seg_node *node;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &name, true) || !api_segment_query(r, true, &node, &text))
        return;
    audience_result res;
    if (!evaluate(r, node, &res)) return; /* a segment that does not evaluate is not saved */
    int64_t id;
    int rc = segment_create(&r->x, name, text, &id);
    if (rc == YT_OK) rc = segment_baseline(&r->x, id, res.members); /* entries and exits count from now */
    audience_result_free(&res);
    if (rc) {
        api_fail(r);
        return;
    }
    answer_segment(r, 201, id);
}

void h_segment_get(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id || !api_audience_synced(r)) return;
    answer_segment(r, 200, id);
}

void h_segment_update(yt_req *r) {
    static const char *const allowed[] = {"name", "query", NULL};
    int64_t id = api_param_id(r, 0);
    const char *name = NULL, *text;
    seg_node *node;
    if (!id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &name, false) || !api_segment_query(r, false, &node, &text))
        return;
    audience_result res = {0};
    if (node && !evaluate(r, node, &res)) return;
    char *members = node ? segment_members_text(res.members) : NULL; /* a new definition, not movement */
    int rc = segment_update(&r->x, id, name, text, members);
    free(members);
    audience_result_free(&res);
    if (rc) {
        api_fail(r);
        return;
    }
    answer_segment(r, 200, id);
}

void h_segment_delete(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    if (segment_delete(&r->x, id)) api_fail(r);
    else r->status = 204;
}

void h_segment_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor) || !api_audience_synced(r)) return;
    segment_row *rows;
    int n;
    bool more;
    if (segment_list(&r->x, limit, cursor, &rows, &n, &more)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    for (int i = 0; i < n; i++)
        if (write_segment(r, &w, &rows[i])) {
            api_fail(r);
            return;
        }
    jw_arr_end(&w);
    jw_next_cursor(&w, more, n ? rows[n - 1].id : 0);
    jw_obj_end(&w);
}

/* The saved segment's members, evaluated now; false with the answer set. */
static bool saved_members(yt_req *r, int64_t id, segment_row *s, audience_result *res) {
    if (segment_get(&r->x, id, s)) {
        api_fail(r);
        return false;
    }
    seg_error err;
    seg_node *node = seg_parse_text(s->query, &r->arena, &err);
    if (!node) {
        api_problem_at(r, 422, "query", err.msg, err.pos, NULL);
        return false;
    }
    return evaluate(r, node, res);
}

void h_segment_members(yt_req *r) {
    int64_t id = api_param_id(r, 0), cursor;
    int limit;
    if (!id || !api_paging(r, &limit, &cursor)) return;
    segment_row s;
    audience_result res;
    if (!saved_members(r, id, &s, &res)) return;
    int64_t *ids = arena_alloc(&r->arena, sizeof *ids * (size_t)(limit + 1));
    int n = members_below(res.members, cursor, ids, limit + 1);
    audience_result_free(&res);
    yt_jw w;
    api_json(r, 200, &w);
    if (customer_ids_json(&r->x, &w, ids, n, limit, true)) api_fail(r);
}

static bool in_members(void *arg, int64_t id) {
    return id > 0 && id <= UINT32_MAX && roaring_bitmap_contains(arg, (uint32_t)id);
}

void h_segment_export(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    segment_row s;
    audience_result res;
    if (!saved_members(r, id, &s, &res)) return;
    const char *bom = api_query(r, "bom");
    export_filter f = {.keep = in_members, .arg = res.members, .audit_action = "segment.export", .audit_entity_id = id};
    buf_reset(&r->out);
    int rc = export_customers(&r->x, &r->out, bom && (strcmp(bom, "1") == 0 || strcmp(bom, "true") == 0), &f);
    audience_result_free(&res);
    if (rc) {
        api_fail(r);
        return;
    }
    r->status = 200;
    r->out_type = "text/csv; charset=utf-8";
    snprintf(r->content_disposition, sizeof r->content_disposition, "attachment; filename=\"segment-%lld.csv\"", (long long)id);
}

void h_segment_attributes(yt_req *r) {
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_key(&w, "items");
    jw_arr(&w);
    for (const char *const *a = audience_attribute_names(); *a; a++) jw_str(&w, *a);
    jw_arr_end(&w);
    jw_obj_end(&w);
}

/* POST /segments/{id}/actions {action: tag | untag | assign, tags, owner_id}: on the members as they are now. */
void h_segment_actions(yt_req *r) {
    static const char *const allowed[] = {"action", "tags", "owner_id", "coupon_id", NULL};
    int64_t id = api_param_id(r, 0), owner = 0, coupon = 0;
    const char *action = NULL;
    const char **tags = NULL;
    int ntags = 0;
    bool has_owner = false, has_coupon = false;
    if (!id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "action", &action, true) ||
        !body_str_array(r, r->json, "tags", &tags, &ntags, 20) || !body_int(r, r->json, "owner_id", &owner, &has_owner) ||
        !body_int(r, r->json, "coupon_id", &coupon, &has_coupon))
        return;
    bool tagging = strcmp(action, "tag") == 0 || strcmp(action, "untag") == 0, assign = strcmp(action, "assign") == 0;
    bool grant = strcmp(action, "grant_coupon") == 0;
    if (!tagging && !assign && !grant) {
        api_problem(r, 400, "action", "action is tag, untag, assign or grant_coupon");
        return;
    }
    if (grant && (!has_coupon || coupon < 1)) {
        api_problem(r, 400, "coupon_id", "coupon_id is required to grant a coupon");
        return;
    }
    if (tagging && ntags == 0) {
        api_problem(r, 400, "tags", "tags must name 1 to 20 tags");
        return;
    }
    if (assign && !has_owner) {
        api_problem(r, 400, "owner_id", "owner_id is required to assign");
        return;
    }
    uint32_t need = tagging ? PERM_TAGS_WRITE : grant ? PERM_COMMERCE_WRITE : PERM_CUSTOMERS_WRITE;
    if ((r->who.perms & need) != need) {
        api_problem(r, 403, NULL, tagging ? "tagging needs tags.write" : grant ? "granting coupons needs commerce.write"
                                                                                : "assigning needs customers.write");
        return;
    }
    segment_row s;
    audience_result res;
    if (!saved_members(r, id, &s, &res)) return;
    uint64_t n = roaring_bitmap_get_cardinality(res.members);
    if (n > SEGMENT_ACTION_MAX) {
        audience_result_free(&res);
        api_problem(r, 422, NULL, "the segment has more than 1,000,000 members: narrow it first");
        return;
    }
    size_t nids;
    int64_t *ids = audience_ids(res.members, &nids);
    audience_result_free(&res);
    int64_t affected;
    int rc = tagging ? segment_tag_members(&r->x, id, ids, (size_t)n, tags, ntags, strcmp(action, "tag") == 0, &affected)
             : grant ? coupon_grant_many(&r->x, coupon, ids, (size_t)n, &affected)
                     : segment_assign_members(&r->x, id, ids, (size_t)n, owner, &affected);
    free(ids);
    if (rc) {
        if (grant) api_fail_refusal(r, "coupon_id");
        else api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kint(&w, "members", (int64_t)n);
    jw_kint(&w, "affected", affected);
    jw_obj_end(&w);
}
