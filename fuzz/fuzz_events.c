/* Fuzzes the event batch validator (read_event in src/api/h_events.c) over batches parsed as the dispatcher does. */
#include "api/h_events.c"
#include "fuzz_body.h"
#include <stdint.h>

#define NOW_MS 1795766400000LL /* 2026-11-27T08:00:00Z: the validator's "now", fixed so runs repeat */

static bool known_ref(const char *k) {
    static const char *const keys[] = {"id", "phone", "unionid", "openid", "external_userid", "email"};
    for (size_t i = 0; i < sizeof keys / sizeof keys[0]; i++)
        if (strcmp(k, keys[i]) == 0) return true;
    return false;
}

static bool names_identity(const identity_values *v) {
    for (int k = 0; k < ID_PERSON_KINDS; k++)
        if (v->v[k]) return true;
    return false;
}

static void check_good(const cJSON *it, const event_in *e, int i) {
    FUZZ_CHECK(e->index == i, "item %d has index %d", i, e->index);
    FUZZ_CHECK(e->who.id > 0 || names_identity(&e->who.ids),
               "item %d names no customer", i);
    FUZZ_CHECK(e->who.id >= 0 && e->who.id <= 9007199254740992LL, "item %d: id %lld", i, (long long)e->who.id);
    FUZZ_CHECK(e->type && event_type_valid(e->type), "item %d: type", i);
    FUZZ_CHECK(e->at <= NOW_MS + 24LL * 3600 * 1000, "item %d: time %lld is in the future", i, (long long)e->at);
    const cJSON *t = cJSON_GetObjectItemCaseSensitive(it, "time");
    if (!t || cJSON_IsNull(t)) FUZZ_CHECK(e->at == NOW_MS, "item %d: no time given, yet %lld", i, (long long)e->at);
    else {
        int64_t again;
        FUZZ_CHECK(cJSON_IsString(t) && time_parse(t->valuestring, &again) && again == e->at, "item %d: time", i);
    }
    if (e->key) FUZZ_CHECK(*e->key && strlen(e->key) <= 200, "item %d: key of %zu bytes", i, strlen(e->key));
    if (e->properties_json) {
        FUZZ_CHECK(strlen(e->properties_json) <= EVENT_PROPS_MAX, "item %d: properties too long", i);
        cJSON *p = cJSON_Parse(e->properties_json);
        FUZZ_CHECK(cJSON_IsObject(p), "item %d: properties are not an object: %s", i, e->properties_json);
        char *again = cJSON_PrintUnformatted(p); /* stored text is stable: printing it again changes nothing */
        FUZZ_CHECK(again && strcmp(again, e->properties_json) == 0, "item %d: properties %s print as %s", i,
                   e->properties_json, again ? again : "(null)");
        free(again);
        cJSON_Delete(p);
    }
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(it, "customer"), *m;
    cJSON_ArrayForEach(m, c) FUZZ_CHECK(known_ref(m->string), "item %d: customer.%s accepted", i, m->string);
}

static void check_error(const event_error *err, int i) {
    char prefix[32];
    int n = snprintf(prefix, sizeof prefix, "events[%d]", i);
    FUZZ_CHECK(err->index == i, "error for item %d has index %d", i, err->index);
    FUZZ_CHECK(strncmp(err->field, prefix, (size_t)n) == 0, "error for item %d names '%s'", i, err->field);
    FUZZ_CHECK(err->message[0] != '\0', "error for item %d has no message", i);
    FUZZ_CHECK(utf8_valid(err->field, strlen(err->field)) && utf8_valid(err->message, strlen(err->message)),
               "error for item %d is not UTF-8", i);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > API_EVENTS_LIMIT) return 0;
    char *body = malloc(size + 1);
    memcpy(body, data, size);
    body[size] = '\0';
    yt_req r;
    memset(&r, 0, sizeof r);
    if (!fuzz_parse_body(&r, body, size)) {
        buf_free(&r.out);
        free(body);
        return 0;
    }
    cJSON *json = r.json;
    const cJSON *arr = cJSON_GetObjectItemCaseSensitive(json, "events");
    int n = cJSON_GetArraySize(arr);
    if (!cJSON_IsArray(arr) || n < 1 || n > EVENT_BATCH_MAX) {
        cJSON_Delete(json);
        buf_free(&r.out);
        free(body);
        return 0;
    }
    event_in *items = calloc((size_t)n, sizeof *items);
    event_error *errs = calloc((size_t)n, sizeof *errs);
    int good = 0, nerr = 0, i = 0;
    const cJSON *it;
    cJSON_ArrayForEach(it, arr) {
        int before = nerr;
        if (read_event(&r, it, i, &items[good], errs, &nerr, NOW_MS)) {
            FUZZ_CHECK(nerr == before, "item %d accepted with an error", i);
            check_good(it, &items[good], i);
            good++;
        } else {
            FUZZ_CHECK(nerr == before + 1, "item %d refused with %d errors", i, nerr - before);
            check_error(&errs[before], i);
        }
        i++;
    }
    FUZZ_CHECK(good + nerr == n, "%d items, %d good, %d errors", n, good, nerr);
    free(items);
    free(errs);
    arena_free(&r.arena);
    buf_free(&r.out);
    cJSON_Delete(json);
    free(body);
    return 0;
}
