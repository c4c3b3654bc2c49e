/* Helpers for handlers: problem responses, JSON responses, query, path and body field readers. */
#include "api.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../domain/budget.h"
#include "server.h"
#include <math.h>
#include <stdio.h>
#include <string.h>

static const struct {
    int status;
    const char *slug, *title;
} problems[] = {
    {400, "invalid-request", "Invalid request"},   {401, "unauthorized", "Not signed in"},
    {403, "forbidden", "Not allowed"},             {404, "not-found", "Not found"},
    {405, "method-not-allowed", "Method not allowed"}, {409, "conflict", "Conflict"},
    {413, "payload-too-large", "Body too large"},  {415, "unsupported-media-type", "Unsupported content type"},
    {422, "unprocessable", "Unprocessable content"},
    {429, "too-many-requests", "Too many requests"}, {500, "internal", "Internal error"},
    {503, "unavailable", "Service unavailable"},
};

void api_problem(yt_req *r, int status, const char *field, const char *detail) {
    api_problem_with(r, status, field, detail, &(problem_extra){.position = -1});
}

void api_problem_at(yt_req *r, int status, const char *field, const char *detail, int position, const char *path) {
    api_problem_with(r, status, field, detail, &(problem_extra){.position = position, .path = path});
}

void api_problem_with(yt_req *r, int status, const char *field, const char *detail, const problem_extra *extra) {
    int position = extra->position;
    const char *path = extra->path;
    const char *slug = "error", *title = "Error";
    for (size_t i = 0; i < sizeof problems / sizeof problems[0]; i++)
        if (problems[i].status == status) {
            slug = problems[i].slug;
            title = problems[i].title;
        }
    buf_reset(&r->out);
    r->status = status;
    r->out_type = "application/problem+json";
    yt_jw w;
    jw_init(&w, &r->out);
    jw_obj(&w);
    char type[96];
    snprintf(type, sizeof type, "https://yutang.dev/problems/%s", extra->slug ? extra->slug : slug);
    jw_kstr(&w, "type", type);
    jw_kstr(&w, "title", title);
    jw_kint(&w, "status", status);
    jw_kstr(&w, "detail", detail);
    if (position >= 0) jw_kint(&w, "position", position);
    if (path && *path) jw_kstr(&w, "path", path);
    if (extra->code) {
        jw_kstr(&w, "code", extra->code);
        jw_kstr(&w, "message", detail);
    }
    if (extra->list_key) {
        jw_key(&w, extra->list_key);
        jw_arr(&w);
        for (int i = 0; i < extra->nlist; i++) jw_str(&w, extra->list[i]);
        jw_arr_end(&w);
    }
    jw_key(&w, "errors");
    jw_arr(&w);
    if (field && *field) {
        jw_obj(&w);
        jw_kstr(&w, "field", field);
        jw_kstr(&w, "message", detail);
        if (position >= 0) jw_kint(&w, "position", position);
        if (path && *path) jw_kstr(&w, "path", path);
        jw_obj_end(&w);
    }
    jw_arr_end(&w);
    jw_kstr(&w, "request_id", r->request_id);
    jw_obj_end(&w);
}

yt_db *api_writer_take(yt_req *r) {
    yt_db *reader = r->x.db, *w = store_writer_acquire(r->store);
    if (!w) return NULL;
    r->x.db = w;
    return reader;
}

void api_writer_give_back(yt_req *r, yt_db *reader) {
    store_writer_release(r->store);
    r->x.db = reader;
}

void api_fail(yt_req *r) {
    yt_err *e = &r->x.err;
    int status = e->code >= 400 && e->code < 600 ? e->code : 500;
    if (status == 429 && e->retry_after > 0) snprintf(r->retry_after, sizeof r->retry_after, "%d", e->retry_after);
    char detail[400];
    if (e->field[0] && status == 400) snprintf(detail, sizeof detail, "%s %s", e->field, e->msg);
    else snprintf(detail, sizeof detail, "%s", e->msg[0] ? e->msg : "the request failed");
    api_problem(r, status, e->field[0] ? e->field : NULL, detail);
}

const char *api_header(yt_req *r, const char *name) { return r->header ? r->header(r, name) : NULL; }

void api_defer(yt_req *r) {
    r->deferred = true;
}

void api_resume(yt_req *r) {
    r->resume(r);
}

yt_jw *api_json(yt_req *r, int status, yt_jw *w) {
    buf_reset(&r->out);
    r->status = status;
    r->out_type = "application/json";
    jw_init(w, &r->out);
    return w;
}

bool api_charge_pii(yt_req *r, const char *field, uint32_t n) {
    if (n == 0 || (r->who.perms & PERM_PII_READ)) return true;
    if (n > PII_LOOKUPS_PER_MINUTE) { /* more than the whole budget could ever allow at once */
        char detail[160];
        snprintf(detail, sizeof detail, "this names %u phone numbers or emails; more than %d at once needs pii.read", n,
                 PII_LOOKUPS_PER_MINUTE);
        api_problem(r, 403, field, detail);
        return false;
    }
    char key[32];
    int retry;
    /* per person (a new login is no new budget), in the store (another instance is no new budget either) */
    snprintf(key, sizeof key, "pii%lld", (long long)r->who.staff_id);
    int taken = budget_take(r->x.db, key, n, PII_LOOKUPS_PER_MINUTE, 60000, &retry);
    if (taken < 0) {
        api_problem(r, 503, NULL, "the store is not answering");
        return false;
    }
    if (taken) return true;
    snprintf(r->retry_after, sizeof r->retry_after, "%d", retry);
    api_problem(r, 429, field, "too many phone numbers or emails for a role that sees them masked; wait a minute");
    return false;
}

const char *api_query(yt_req *r, const char *key) {
    for (int i = 0; i < r->nquery; i++)
        if (strcmp(r->query[i].key, key) == 0) return r->query[i].value;
    return NULL;
}

void api_fail_refusal(yt_req *r, const char *field) {
    if (r->x.err.code != YT_ECONFLICT) {
        api_fail(r);
        return;
    }
    char slug[32];
    snprintf(slug, sizeof slug, "%s", r->x.err.field);
    api_problem_with(r, 409, field, r->x.err.msg, &(problem_extra){.position = -1, .slug = slug});
}

int64_t api_given_customer(yt_req *r, int64_t given, bool has_given) {
    if (r->who.member_id && !has_given) given = r->who.member_id, has_given = true;
    if (!has_given || given < 1) {
        api_problem(r, 400, "customer_id", "customer_id (a customer's id) is required");
        return 0;
    }
    return given;
}

int64_t api_acting_customer(yt_req *r, int64_t given, bool has_given) {
    if (!(given = api_given_customer(r, given, has_given))) return 0;
    int64_t live;
    if (customer_resolve_for_write(&r->x, given, &live)) { /* merged: the survivor; a guide: only their own */
        api_fail(r);
        return 0;
    }
    if (r->who.member_id && live != r->who.member_id) {
        api_problem(r, 403, "customer_id", "a member acts for themselves only");
        return 0;
    }
    return live;
}

int64_t api_member(yt_req *r) {
    if (!r->who.member_id) api_problem(r, 403, NULL, "this page is a member's own: open it with the member's link");
    r->about_customer = r->who.member_id; /* erasing the member forgets their stored Idempotency-Key answers */
    return r->who.member_id;
}

int64_t api_path_customer(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return 0;
    int64_t live;
    bool writes = strcmp(r->method, "GET") != 0;
    int rc = writes ? customer_resolve_for_write(&r->x, id, &live) : customer_resolve(&r->x, id, &live);
    if (rc) {
        api_fail(r);
        return 0;
    }
    r->about_customer = live;
    return live;
}

int64_t api_param_id(yt_req *r, int i) {
    int64_t v;
    if (i >= r->nparams || !parse_i64(r->params[i], &v) || v <= 0) {
        api_problem(r, 404, NULL, "no such resource");
        return 0;
    }
    return v;
}

bool api_limit(yt_req *r, int *limit) {
    *limit = 50;
    const char *l = api_query(r, "limit");
    int64_t v;
    if (!l) return true;
    if (!parse_i64(l, &v) || v < 1 || v > 200) {
        api_problem(r, 400, "limit", "limit must be an integer from 1 to 200");
        return false;
    }
    *limit = (int)v;
    return true;
}

bool api_paging(yt_req *r, int *limit, int64_t *cursor) {
    *cursor = 0;
    if (!api_limit(r, limit)) return false;
    const char *c = api_query(r, "cursor");
    int64_t v;
    if (c && *c) {
        if (!parse_i64(c, &v) || v <= 0) {
            api_problem(r, 400, "cursor", "cursor is not one this list returned");
            return false;
        }
        *cursor = v;
    }
    return true;
}

static bool type_error(yt_req *r, const char *key, const char *want) {
    char d[160];
    snprintf(d, sizeof d, "%.*s must be %s", utf8_fit(key, 100), key, want);
    api_problem(r, 400, key, d);
    return false;
}

bool body_str(yt_req *r, const cJSON *obj, const char *key, const char **out, bool required) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v || cJSON_IsNull(v)) {
        if (required) {
            char d[160];
            snprintf(d, sizeof d, "%s is required", key);
            api_problem(r, 400, key, d);
            return false;
        }
        return true;
    }
    if (!cJSON_IsString(v)) return type_error(r, key, "a string");
    *out = v->valuestring;
    return true;
}

bool body_int(yt_req *r, const cJSON *obj, const char *key, int64_t *out, bool *present) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (present) *present = false;
    if (!v || cJSON_IsNull(v)) return true;
    if (!cJSON_IsNumber(v) || v->valuedouble != floor(v->valuedouble) || fabs(v->valuedouble) > 9007199254740991.0)
        return type_error(r, key, "an integer");
    *out = (int64_t)v->valuedouble;
    if (present) *present = true;
    return true;
}

bool json_id(const cJSON *v, int64_t *out) {
    if (!cJSON_IsNumber(v)) return false;
    double d = v->valuedouble;
    if (!(d >= 1 && d <= 9007199254740992.0) || d != floor(d)) return false;
    *out = (int64_t)d;
    return true;
}

bool body_time(yt_req *r, const char *key, int64_t *ms, bool required) {
    const char *s = NULL;
    if (!body_str(r, r->json, key, &s, required)) return false;
    if (s && !time_parse(s, ms)) {
        char detail[120];
        snprintf(detail, sizeof detail, "%.40s must be an ISO 8601 time (2026-12-12T20:00:00+08:00)", key);
        api_problem(r, 400, key, detail);
        return false;
    }
    return true;
}

bool body_id_array(yt_req *r, const cJSON *obj, const char *key, int64_t *out, int *n, int max) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *n = 0;
    if (!v || cJSON_IsNull(v)) return true;
    char d[120];
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > max) {
        snprintf(d, sizeof d, "%.40s must be a list of at most %d ids", key, max);
        api_problem(r, 400, key, d);
        return false;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, v) {
        if (!json_id(it, &out[*n])) {
            char field[64];
            snprintf(field, sizeof field, "%.40s[%d]", key, *n);
            snprintf(d, sizeof d, "%s must be an id (a positive integer)", field);
            api_problem(r, 400, field, d);
            return false;
        }
        (*n)++;
    }
    return true;
}

bool body_bool(yt_req *r, const cJSON *obj, const char *key, bool *out, bool *present) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (present) *present = false;
    if (!v || cJSON_IsNull(v)) return true;
    if (!cJSON_IsBool(v)) return type_error(r, key, "true or false");
    *out = cJSON_IsTrue(v);
    if (present) *present = true;
    return true;
}

bool body_str_array(yt_req *r, const cJSON *obj, const char *key, const char ***out, int *n, int max) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *n = 0;
    if (!v || cJSON_IsNull(v)) return true;
    if (!cJSON_IsArray(v)) return type_error(r, key, "an array of strings");
    int count = cJSON_GetArraySize(v);
    if (count > max) {
        char d[160];
        snprintf(d, sizeof d, "%s may hold at most %d items", key, max);
        api_problem(r, 400, key, d);
        return false;
    }
    *out = arena_alloc(&r->arena, sizeof(char *) * (size_t)(count + 1));
    int i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, v) {
        if (!cJSON_IsString(it)) {
            yt_buf f = YT_BUF_INIT;
            buf_printf(&f, "%s[%d]", key, i);
            const char *field = arena_strdup(&r->arena, f.p);
            buf_free(&f);
            return type_error(r, field, "a string");
        }
        (*out)[i++] = it->valuestring;
    }
    *n = i;
    return true;
}

bool body_only(yt_req *r, const cJSON *obj, const char *const *allowed) { return body_only_or(r, obj, allowed, NULL); }

bool body_only_or(yt_req *r, const cJSON *obj, const char *const *allowed, int (*also)(const char *key)) {
    const cJSON *it;
    cJSON_ArrayForEach(it, obj) {
        bool ok = also && also(it->string) >= 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            if (strcmp(*a, it->string) == 0) ok = true;
        if (!ok) {
            char d[200];
            snprintf(d, sizeof d, "unknown field '%.*s'", utf8_fit(it->string, 64), it->string);
            api_problem(r, 400, it->string, d);
            return false;
        }
    }
    return true;
}
