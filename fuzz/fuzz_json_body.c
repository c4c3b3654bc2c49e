/* Fuzzes JSON request bodies: parsed as the dispatcher does, then every member read by the body readers (src/api/helpers.c). */
#include "fuzz_body.h"
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void reset(yt_req *r) {
    buf_reset(&r->out);
    r->status = 0;
    r->out_type = NULL;
}

/* A refusal is a 400 whose problem body is valid UTF-8 JSON naming the field (cut to fit where the
 * reader bounds it: fieldmax bytes). */
static void check_refusal(yt_req *r, const char *field, size_t fieldmax, const char *what) {
    cJSON *p = fuzz_check_problem(r, what);
    FUZZ_CHECK(r->status == 400, "%s: status %d", what, r->status);
    const cJSON *errs = cJSON_GetObjectItemCaseSensitive(p, "errors");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(cJSON_GetArrayItem(errs, 0), "field");
    if (!*field) { /* a member named "" cannot be named */
        cJSON_Delete(p);
        return;
    }
    FUZZ_CHECK(cJSON_IsString(f), "%s: no field named: %s", what, r->out.p);
    size_t fl = strlen(f->valuestring), want = strlen(field);
    if (want < fieldmax) FUZZ_CHECK(strcmp(f->valuestring, field) == 0, "%s: names '%s', not '%s'", what, f->valuestring, field);
    else {
        /* cut to fit: a character cut in two is written as U+FFFD (one per byte left of it) */
        while (fl >= 3 && memcmp(f->valuestring + fl - 3, "\xEF\xBF\xBD", 3) == 0) fl -= 3;
        FUZZ_CHECK(fl > 0 && fl < fieldmax && strncmp(f->valuestring, field, fl) == 0, "%s: names '%s' for '%s'", what,
                   f->valuestring, field);
    }
    cJSON_Delete(p);
}

static bool whole_number(double d, double max) { return d == floor(d) && fabs(d) <= max; }

static void read_member(yt_req *r, const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key); /* the first member of that name */
    FUZZ_CHECK(v != NULL, "member '%s' not found", key);
    bool null = cJSON_IsNull(v);

    const char *s = NULL;
    reset(r);
    bool ok = body_str(r, obj, key, &s, false);
    FUZZ_CHECK(ok == (null || cJSON_IsString(v)), "body_str('%s') = %d", key, ok);
    if (ok) FUZZ_CHECK(r->status == 0 && s == (null ? NULL : v->valuestring), "body_str('%s') out", key);
    else check_refusal(r, key, SIZE_MAX, "body_str");
    reset(r);
    s = NULL;
    ok = body_str(r, obj, key, &s, true);
    FUZZ_CHECK(ok == cJSON_IsString(v), "body_str('%s', required) = %d", key, ok);
    if (!ok) check_refusal(r, key, SIZE_MAX, "body_str required");

    int64_t i = 12345;
    bool present = true;
    reset(r);
    ok = body_int(r, obj, key, &i, &present);
    bool is_int = cJSON_IsNumber(v) && whole_number(v->valuedouble, 9007199254740991.0);
    FUZZ_CHECK(ok == (null || is_int), "body_int('%s') = %d", key, ok);
    if (ok && !null) FUZZ_CHECK(present && (double)i == v->valuedouble, "body_int('%s') = %lld", key, (long long)i);
    if (ok && null) FUZZ_CHECK(!present && i == 12345, "body_int('%s') wrote a null", key);
    if (!ok) check_refusal(r, key, SIZE_MAX, "body_int");

    bool b = false;
    reset(r);
    ok = body_bool(r, obj, key, &b, &present);
    FUZZ_CHECK(ok == (null || cJSON_IsBool(v)), "body_bool('%s') = %d", key, ok);
    if (ok && !null) FUZZ_CHECK(present && b == (bool)cJSON_IsTrue(v), "body_bool('%s')", key);
    if (!ok) check_refusal(r, key, SIZE_MAX, "body_bool");

    const char **arr = NULL;
    int n = -1;
    reset(r);
    ok = body_str_array(r, obj, key, &arr, &n, 20);
    if (ok) {
        FUZZ_CHECK(r->status == 0 && n >= 0 && n <= 20, "body_str_array('%s') n=%d", key, n);
        FUZZ_CHECK(null ? n == 0 : cJSON_IsArray(v) && n == cJSON_GetArraySize(v), "body_str_array('%s') n=%d", key, n);
        int k = 0;
        const cJSON *it;
        if (!null)
            cJSON_ArrayForEach(it, v) {
                FUZZ_CHECK(cJSON_IsString(it) && arr[k] == it->valuestring, "body_str_array('%s')[%d]", key, k);
                k++;
            }
    } else {
        /* the field is the array itself, or the first item that is not a string */
        char f[128];
        snprintf(f, sizeof f, "%s", key);
        if (cJSON_IsArray(v) && cJSON_GetArraySize(v) <= 20) {
            int k = 0;
            const cJSON *it;
            cJSON_ArrayForEach(it, v) {
                if (!cJSON_IsString(it)) break;
                k++;
            }
            FUZZ_CHECK(k < cJSON_GetArraySize(v), "body_str_array('%s') refused strings", key);
            char *f2 = malloc(strlen(key) + 16);
            sprintf(f2, "%s[%d]", key, k);
            check_refusal(r, f2, 96, "body_str_array item");
            free(f2);
        } else {
            check_refusal(r, key, SIZE_MAX, "body_str_array");
        }
    }

    int64_t id = 0;
    ok = json_id(v, &id);
    bool is_id = cJSON_IsNumber(v) && v->valuedouble >= 1 && whole_number(v->valuedouble, 9007199254740992.0);
    FUZZ_CHECK(ok == is_id, "json_id('%s') = %d", key, ok);
    if (ok) FUZZ_CHECK(id >= 1 && (double)id == v->valuedouble, "json_id('%s') = %lld", key, (long long)id);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > API_BODY_LIMIT) return 0;
    /* the server's body buffer is NUL-terminated; so is this copy */
    char *body = malloc(size + 1);
    memcpy(body, data, size);
    body[size] = '\0';
    yt_req r;
    memset(&r, 0, sizeof r);
    snprintf(r.request_id, sizeof r.request_id, "fuzz");
    if (!fuzz_parse_body(&r, body, size)) {
        buf_free(&r.out);
        free(body);
        return 0;
    }
    cJSON *json = r.json;
    const cJSON *m;
    int members = 0;
    cJSON_ArrayForEach(m, json) {
        FUZZ_CHECK(m->string != NULL, "object member without a name");
        if (++members <= 64) read_member(&r, json, m->string);
    }
    /* body_only names the first member outside the allowed list */
    static const char *const allowed[] = {"name", "nickname", "phone", "email", "tags", "city", "gender", "birthday",
                                          "consent", "store_id", "owner_id", NULL};
    const char *first_unknown = NULL;
    cJSON_ArrayForEach(m, json) {
        bool known = false;
        for (const char *const *a = allowed; *a; a++)
            if (strcmp(*a, m->string) == 0) known = true;
        if (!known) {
            first_unknown = m->string;
            break;
        }
    }
    reset(&r);
    bool ok = body_only(&r, json, allowed);
    FUZZ_CHECK(ok == (first_unknown == NULL), "body_only = %d", ok);
    if (!ok) check_refusal(&r, first_unknown, SIZE_MAX, "body_only");

    buf_free(&r.out);
    arena_free(&r.arena);
    cJSON_Delete(json);
    free(body);
    return 0;
}
