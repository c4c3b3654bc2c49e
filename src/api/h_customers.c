/* Handlers: customers, identities, merge, tags on customers, remarks, orders, PIPL export and erase. */
#include "handlers.h"
#include "../base/text.h"
#include "../customer/customer.h"
#include "../customer/remark.h"
#include "../order/order.h"
#include "../customer/identity.h"
#include "../event/event.h"
#include <stdio.h>
#include <string.h>

#define BULK_MAX 1000

/* Reads the customer fields of a create or update body; false when it already answered 400. */
static bool read_input(yt_req *r, const cJSON *j, customer_input *in) {
    static const char *const allowed[] = {
        "name", "nickname", "avatar_url", "gender", "birthday", "city", "store_id", "owner_id", "lifecycle_stage",
        "member_level", "points", "consent", "buyer_ids", "tags", NULL};
    if (!body_only_or(r, j, allowed, identity_person_kind)) return false;
    for (int k = 0; k < ID_PERSON_KINDS; k++)
        if (!body_str(r, j, identity_kind_name(k), &in->ids.v[k], false)) return false;
    if (!body_str(r, j, "name", &in->name, false) || !body_str(r, j, "nickname", &in->nickname, false) ||
        !body_str(r, j, "avatar_url", &in->avatar_url, false) || !body_str(r, j, "gender", &in->gender, false) ||
        !body_str(r, j, "birthday", &in->birthday, false) || !body_str(r, j, "city", &in->city, false) ||
        !body_str(r, j, "lifecycle_stage", &in->lifecycle, false) ||
        !body_int(r, j, "store_id", &in->store_id, &in->has_store) ||
        !body_int(r, j, "owner_id", &in->owner_id, &in->has_owner) ||
        !body_int(r, j, "member_level", &in->member_level, &in->has_level) ||
        !body_int(r, j, "points", &in->points, &in->has_points))
        return false;
    const char **tags = NULL;
    if (!body_str_array(r, j, "tags", &tags, &in->ntags, 100)) return false;
    in->tags = tags;
    /* explicit nulls clear optional fields */
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "nickname"))) in->nickname = "";
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "city"))) in->city = "";
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "avatar_url"))) in->null_avatar = true;
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "birthday"))) in->null_birthday = true;
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "store_id"))) in->has_store = true, in->store_id = 0;
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(j, "owner_id"))) in->has_owner = true, in->owner_id = 0;
    const cJSON *consent = cJSON_GetObjectItemCaseSensitive(j, "consent");
    if (consent && !cJSON_IsNull(consent)) {
        static const char *const callowed[] = {"marketing", "source", "at", NULL};
        if (!cJSON_IsObject(consent)) {
            api_problem(r, 400, "consent", "consent must be an object {\"marketing\",\"source\"}");
            return false;
        }
        if (!body_only(r, consent, callowed) || !body_str(r, consent, "marketing", &in->consent, true) ||
            !body_str(r, consent, "source", &in->consent_source, false))
            return false;
    }
    const cJSON *buyers = cJSON_GetObjectItemCaseSensitive(j, "buyer_ids");
    if (buyers && !cJSON_IsNull(buyers)) {
        if (!cJSON_IsArray(buyers) || cJSON_GetArraySize(buyers) > 20) {
            api_problem(r, 400, "buyer_ids", "buyer_ids must be an array of at most 20 {\"platform\",\"id\"}");
            return false;
        }
        buyer_ref *b = arena_alloc(&r->arena, sizeof *b * (size_t)cJSON_GetArraySize(buyers) + 1);
        int n = 0;
        const cJSON *it;
        cJSON_ArrayForEach(it, buyers) {
            char f[40];
            snprintf(f, sizeof f, "buyer_ids[%d]", n);
            if (!cJSON_IsObject(it)) {
                api_problem(r, 400, f, "each buyer id must be an object {\"platform\",\"id\"}");
                return false;
            }
            const cJSON *pl = cJSON_GetObjectItemCaseSensitive(it, "platform"), *bid = cJSON_GetObjectItemCaseSensitive(it, "id");
            if (!cJSON_IsString(pl) || !cJSON_IsString(bid)) {
                char ff[64];
                snprintf(ff, sizeof ff, "buyer_ids[%d].%s", n, cJSON_IsString(pl) ? "id" : "platform");
                api_problem(r, 400, ff, "platform and id must be strings");
                return false;
            }
            b[n].platform = pl->valuestring;
            b[n].id = bid->valuestring;
            n++;
        }
        in->buyers = b;
        in->nbuyers = n;
    }
    return true;
}

static void answer_customer(yt_req *r, int status, int64_t id) {
    yt_jw w;
    api_json(r, status, &w);
    if (customer_write_json(&r->x, &w, id)) api_fail(r);
}

/* Resolves the {id} path parameter to a live customer the caller may see; 0 when it answered. */
static uint32_t pii_count(const customer_input *in) { return identity_values_personal(&in->ids); }

void h_customer_create(yt_req *r) {
    customer_input in = {0};
    if (!read_input(r, r->json, &in) || !api_charge_pii(r, in.ids.v[ID_PHONE] ? "phone" : "email", pii_count(&in))) return;
    int64_t id;
    if (customer_create(&r->x, &in, &id)) {
        api_fail(r);
        return;
    }
    r->about_customer = id;
    answer_customer(r, 201, id);
}

void h_customer_get(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (id) answer_customer(r, 200, id);
}

void h_customer_update(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (!id) return;
    customer_input in = {0};
    if (!read_input(r, r->json, &in) || !api_charge_pii(r, in.ids.v[ID_PHONE] ? "phone" : "email", pii_count(&in))) return;
    if (customer_update(&r->x, id, &in)) {
        api_fail(r);
        return;
    }
    answer_customer(r, 200, id);
}

static bool looks_like_mobile(const char *s) {
    size_t n = strlen(s);
    if (n != 11 || s[0] != '1') return false;
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return false;
    return true;
}

void h_customer_list(yt_req *r) {
    customer_query q = {0};
    if (!api_paging(r, &q.limit, &q.cursor)) return;
    q.q = api_query(r, "q");
    if (q.q && utf8_chars(q.q) > 64) {
        api_problem(r, 400, "q", "q must be at most 64 characters");
        return;
    }
    q.lifecycle = api_query(r, "lifecycle_stage");
    for (int k = 0; k < ID_PERSON_KINDS; k++) {
        const char *v = api_query(r, identity_kind_name(k));
        if (v) {
            q.id_kind = identity_kind_name(k);
            q.id_value = v;
        }
    }
    /* A mainland mobile number typed into the search box finds its customer, as staff expect. */
    if (q.q && !q.id_kind && looks_like_mobile(q.q)) {
        q.id_kind = "phone";
        q.id_value = q.q;
        q.q = NULL;
    }
    if (q.id_kind && (strcmp(q.id_kind, "phone") == 0 || strcmp(q.id_kind, "email") == 0) &&
        !api_charge_pii(r, q.id_kind, 1))
        return;
    const char *num;
    if ((num = api_query(r, "owner_id")) && (!parse_i64(num, &q.owner_id) || q.owner_id <= 0)) {
        api_problem(r, 400, "owner_id", "owner_id must be a staff id");
        return;
    }
    if ((num = api_query(r, "store_id")) && (!parse_i64(num, &q.store_id) || q.store_id <= 0)) {
        api_problem(r, 400, "store_id", "store_id must be a store id");
        return;
    }
    const char **tags = arena_alloc(&r->arena, sizeof(char *) * API_MAX_QUERY);
    for (int i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].key, "tag") == 0 && *r->query[i].value) tags[q.ntags++] = r->query[i].value;
    if (q.ntags > CUSTOMER_MAX_TAG_FILTERS) {
        api_problem(r, 400, "tag", "at most 20 tag filters at once");
        return;
    }
    q.tags = tags;
    yt_jw w;
    api_json(r, 200, &w);
    if (customer_list_json(&r->x, &w, &q)) api_fail(r);
}

void h_customer_identity_add(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (!id) return;
    static const char *const allowed[] = {"kind", "platform", "value", NULL};
    const char *kind = NULL, *platform = NULL, *value = NULL;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "kind", &kind, true) ||
        !body_str(r, r->json, "platform", &platform, false) || !body_str(r, r->json, "value", &value, true))
        return;
    if (!identity_kind_valid(kind)) {
        api_problem(r, 400, "kind", "kind must be phone, unionid, openid, external_userid, email or buyer");
        return;
    }
    if (platform && *platform && strcmp(kind, "buyer") != 0) {
        api_problem(r, 400, "platform", "platform is only for kind buyer (a platform's buyer id)");
        return;
    }
    if ((strcmp(kind, "phone") == 0 || strcmp(kind, "email") == 0) && !api_charge_pii(r, "value", 1)) return;
    if (customer_identity_add(&r->x, id, kind, platform, value)) {
        api_fail(r);
        return;
    }
    answer_customer(r, 201, id);
}

void h_customer_merge(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (!id) return;
    int64_t from = 0;
    static const char *const allowed[] = {"from", NULL};
    if (!body_only(r, r->json, allowed) || !body_int(r, r->json, "from", &from, NULL)) return;
    int64_t other;
    if (from <= 0) {
        api_problem(r, 400, "from", "from must be the id of another customer");
        return;
    }
    if (customer_resolve_for_write(&r->x, from, &other)) {
        if (r->x.err.code == YT_ENOTFOUND) api_problem(r, 404, "from", "no customer with that id");
        else api_fail(r);
        return;
    }
    if (other == id) {
        api_problem(r, 400, "from", "these records are already one customer");
        return;
    }
    int rc;
    /* a deadlock with a concurrent writer (PostgreSQL picks one to fail) runs the merge again, as ingest does */
    for (int tries = 1; (rc = customer_merge(&r->x, id, other)) == YT_EINTERNAL && tries < 3 && db_retryable(r->x.db); tries++)
        r->x.err = (yt_err){0};
    if (rc) {
        api_fail(r);
        return;
    }
    answer_customer(r, 200, id);
}

void h_customer_tags_add(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (!id) return;
    static const char *const allowed[] = {"tags", NULL};
    const char **tags = NULL;
    int n = 0;
    if (!body_only(r, r->json, allowed) || !body_str_array(r, r->json, "tags", &tags, &n, 100)) return;
    if (!cJSON_GetObjectItemCaseSensitive(r->json, "tags")) {
        api_problem(r, 400, "tags", "tags is required");
        return;
    }
    if (customer_tag(&r->x, id, tags, n, NULL, 0)) {
        api_fail(r);
        return;
    }
    answer_customer(r, 200, id);
}

void h_customer_tag_remove(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (!id) return;
    const char *name = r->params[1];
    if (customer_tag(&r->x, id, NULL, 0, &name, 1)) {
        api_fail(r);
        return;
    }
    answer_customer(r, 200, id);
}

static bool read_ids(yt_req *r, int64_t **ids, int *n) {
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(r->json, "customer_ids");
    if (!cJSON_IsArray(arr) || cJSON_GetArraySize(arr) < 1 || cJSON_GetArraySize(arr) > BULK_MAX) {
        api_problem(r, 400, "customer_ids", "customer_ids must be an array of 1 to 1000 customer ids");
        return false;
    }
    *ids = arena_alloc(&r->arena, sizeof(int64_t) * (size_t)cJSON_GetArraySize(arr));
    *n = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        if (!json_id(it, &(*ids)[*n])) {
            char f[40];
            snprintf(f, sizeof f, "customer_ids[%d]", *n);
            api_problem(r, 400, f, "must be a customer id");
            return false;
        }
        (*n)++;
    }
    return true;
}

void h_customer_bulk_tags(yt_req *r) {
    static const char *const allowed[] = {"customer_ids", "add", "remove", NULL};
    int64_t *ids;
    int n, nadd = 0, nremove = 0;
    const char **add = NULL, **remove = NULL;
    if (!body_only(r, r->json, allowed) || !read_ids(r, &ids, &n) || !body_str_array(r, r->json, "add", &add, &nadd, 100) ||
        !body_str_array(r, r->json, "remove", &remove, &nremove, 100))
        return;
    if (customer_tag_bulk(&r->x, ids, n, add, nadd, remove, nremove)) {
        if (r->x.err.code == YT_ENOTFOUND) api_problem(r, 400, r->x.err.field, "no such customer");
        else api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kint(&w, "updated", n);
    jw_obj_end(&w);
}

void h_customer_bulk_transfer(yt_req *r) {
    static const char *const allowed[] = {"customer_ids", "owner_id", NULL};
    int64_t *ids, owner = 0;
    int n;
    if (!body_only(r, r->json, allowed) || !read_ids(r, &ids, &n) || !body_int(r, r->json, "owner_id", &owner, NULL))
        return;
    if (owner <= 0) {
        api_problem(r, 400, "owner_id", "owner_id is required");
        return;
    }
    int updated;
    if (customer_transfer(&r->x, ids, n, owner, &updated)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kint(&w, "updated", updated);
    jw_obj_end(&w);
}

void h_customer_remarks(yt_req *r) {
    int64_t id = api_path_customer(r);
    int limit;
    int64_t cursor;
    if (!id || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (remark_list_json(&r->x, &w, id, limit, cursor)) api_fail(r);
}

void h_customer_remark_add(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (!id) return;
    static const char *const allowed[] = {"body", "kind", NULL};
    const char *body = NULL, *kind = NULL;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "body", &body, true) ||
        !body_str(r, r->json, "kind", &kind, false))
        return;
    int64_t rid;
    if (remark_add(&r->x, id, kind, body, &rid)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    remark_write_json(&r->x, &w, rid);
}

void h_customer_orders(yt_req *r) {
    int64_t id = api_path_customer(r);
    int limit;
    int64_t cursor;
    if (!id || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (order_list_json(&r->x, &w, id, limit, cursor)) api_fail(r);
}

void h_customer_export(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (customer_export_json(&r->x, &w, id)) api_fail(r);
}

void h_customer_erase(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (!id) return;
    if (customer_erase(&r->x, id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kint(&w, "id", id);
    jw_kbool(&w, "erased", true);
    jw_obj_end(&w);
}

void h_customer_events(yt_req *r) {
    int64_t id = api_path_customer(r);
    if (!id) return;
    int limit;
    if (!api_limit(r, &limit)) return; /* the timeline's cursor is "<time>.<id>", read by the domain */
    yt_jw w;
    api_json(r, 200, &w);
    if (event_timeline_json(&r->x, &w, id, limit, api_query(r, "cursor"))) api_fail(r);
}
