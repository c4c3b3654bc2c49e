/* Handler: event ingest, one or a batch of up to 10,000; bad items reported by index, good ones stored. */
#include "handlers.h"
#include "../base/alloc.h"
#include "../base/timeutil.h"
#include "../event/event.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define EVENT_PROPS_MAX 16384

static bool item_error(event_error *errs, int *nerr, int i, const char *field, const char *msg) {
    event_error *e = &errs[(*nerr)++];
    e->index = i;
    snprintf(e->field, sizeof e->field, "events[%d]%s%s", i, field && *field ? "." : "", field ? field : "");
    snprintf(e->message, sizeof e->message, "%s", msg);
    return false;
}

static bool opt_str(const cJSON *o, const char *k, const char **out, bool *bad) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, k);
    if (!v || cJSON_IsNull(v)) return false;
    if (!cJSON_IsString(v)) {
        *bad = true;
        return false;
    }
    *out = v->valuestring;
    return true;
}

/* Validates one item into e; false (with an error recorded) when it is bad. */
static bool read_event(yt_req *r, const cJSON *it, int i, event_in *e, event_error *errs, int *nerr, int64_t now) {
    static const char *const ref_keys[] = {"id", NULL};
    if (!cJSON_IsObject(it)) return item_error(errs, nerr, i, NULL, "each event must be an object");
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "customer");
    if (!cJSON_IsObject(c)) return item_error(errs, nerr, i, "customer", "customer must be an object naming an id or an identity");
    const cJSON *m;
    cJSON_ArrayForEach(m, c) {
        bool known = identity_person_kind(m->string) >= 0;
        for (size_t k = 0; ref_keys[k] && !known; k++)
            if (strcmp(m->string, ref_keys[k]) == 0) known = true;
        if (!known) return item_error(errs, nerr, i, "customer", "customer may only hold id, phone, unionid, openid, external_userid, email");
    }
    memset(e, 0, sizeof *e);
    e->index = i;
    const cJSON *id = cJSON_GetObjectItemCaseSensitive(c, "id");
    if (id && !cJSON_IsNull(id)) {
        if (!json_id(id, &e->who.id)) return item_error(errs, nerr, i, "customer.id", "must be a customer id");
    }
    bool bad = false;
    bool any = e->who.id != 0;
    for (int k = 0; k < ID_PERSON_KINDS; k++) any |= opt_str(c, identity_kind_name(k), &e->who.ids.v[k], &bad);
    if (bad) return item_error(errs, nerr, i, "customer", "identities must be strings");
    if (!any) return item_error(errs, nerr, i, "customer", "needs an id or an identity");
    const cJSON *type = cJSON_GetObjectItemCaseSensitive(it, "type");
    if (!cJSON_IsString(type)) return item_error(errs, nerr, i, "type", "type is required and must be a string");
    if (!event_type_valid(type->valuestring)) return item_error(errs, nerr, i, "type", "unknown event type");
    e->type = type->valuestring;
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "time");
    e->at = now;
    if (t && !cJSON_IsNull(t)) {
        if (!cJSON_IsString(t) || !time_parse(t->valuestring, &e->at))
            return item_error(errs, nerr, i, "time", "time must be an RFC 3339 timestamp");
        if (e->at > now + 24LL * 3600 * 1000) return item_error(errs, nerr, i, "time", "time is more than a day in the future");
    }
    const cJSON *props = cJSON_GetObjectItemCaseSensitive(it, "properties");
    if (props && !cJSON_IsNull(props)) {
        if (!cJSON_IsObject(props)) return item_error(errs, nerr, i, "properties", "properties must be an object");
        char *txt = cJSON_PrintUnformatted(props);
        if (strlen(txt) > EVENT_PROPS_MAX) {
            free(txt);
            return item_error(errs, nerr, i, "properties", "properties must be at most 16 KiB");
        }
        e->properties_json = arena_strdup(&r->arena, txt);
        free(txt);
    }
    const cJSON *key = cJSON_GetObjectItemCaseSensitive(it, "key");
    if (key && !cJSON_IsNull(key)) {
        if (!cJSON_IsString(key) || !*key->valuestring || strlen(key->valuestring) > 200)
            return item_error(errs, nerr, i, "key", "key must be a string of 1 to 200 bytes");
        e->key = key->valuestring;
    }
    return true;
}

static int cmp_error(const void *a, const void *b) {
    return ((const event_error *)a)->index - ((const event_error *)b)->index;
}

void h_events_ingest(yt_req *r) {
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(r->json, "events");
    if (!cJSON_IsArray(arr)) {
        api_problem(r, 400, "events", "events must be an array");
        return;
    }
    int n = cJSON_GetArraySize(arr);
    if (n < 1 || n > EVENT_BATCH_MAX) {
        api_problem(r, 400, "events", "events must hold 1 to 10000 items");
        return;
    }
    event_in *items = yt_malloc(sizeof *items * (size_t)n);
    event_error *errs = yt_malloc(sizeof *errs * (size_t)n);
    int good = 0, nerr = 0;
    int64_t now = now_ms();
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        if (read_event(r, it, i, &items[good], errs, &nerr, now)) good++;
        i++;
    }
    { /* every phone or email a caller without pii.read names is charged, whatever the role */
        uint32_t pii = 0;
        for (int k = 0; k < good; k++) pii += identity_values_personal(&items[k].who.ids);
        if (!api_charge_pii(r, "events", pii)) {
            free(items);
            free(errs);
            return;
        }
    }
    /* Validation above ran without the writer (the route is ROUTE_READER), so another batch could be
     * stored meanwhile; the writer is held only to store this one. */
    int accepted = 0, dups = 0, rc = YT_OK;
    if (good) {
        yt_db *reader = api_writer_take(r);
        if (!reader) {
            api_problem(r, 503, NULL, "the store is not reachable");
            free(items);
            free(errs);
            return;
        }
        rc = event_ingest(&r->x, items, good, &accepted, &dups, errs, &nerr);
        api_writer_give_back(r, reader);
    }
    if (rc) {
        api_fail(r);
        free(items);
        free(errs);
        return;
    }
    qsort(errs, (size_t)nerr, sizeof *errs, cmp_error);
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kint(&w, "accepted", accepted);
    jw_kint(&w, "duplicates", dups);
    jw_key(&w, "errors");
    jw_arr(&w);
    for (int k = 0; k < nerr; k++) {
        jw_obj(&w);
        jw_kint(&w, "index", errs[k].index);
        jw_kstr(&w, "field", errs[k].field);
        jw_kstr(&w, "message", errs[k].message);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_obj_end(&w);
    free(items);
    free(errs);
}
