/* Shared by the JSON harnesses: a request body parsed as the dispatcher parses it (src/api/router.c). */
#ifndef YT_FUZZ_BODY_H
#define YT_FUZZ_BODY_H
#include "api/api.h"
#include "base/text.h"
#include "fuzz_check.h"
#include <string.h>

/* The dispatcher's parser (UTF-8 checked before it), when the tree has it: duplicate keys refused and a
 * memory budget. Declared weak so the harnesses also build against a router without it; the reference to
 * api_dispatch links router.c in, and with it the parser when it is there. */
bool api_parse_json_body(yt_req *r) __attribute__((weak));
static void (*volatile fuzz_keep_router)(yt_req *) = api_dispatch;

/* The dispatcher's refusal of "\u0000", which cJSON would turn into an early end of string. */
static bool fuzz_has_escaped_nul(const char *s, size_t n) {
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] != '\\') continue;
        if (s[i + 1] == 'u' && i + 6 <= n && memcmp(s + i + 2, "0000", 4) == 0) return true;
        i++;
    }
    return false;
}

/* The plain steps (no budget, no duplicate check): a JSON object, nothing but blanks after it. */
static cJSON *fuzz_parse_plain(const char *body, size_t n) {
    if (fuzz_has_escaped_nul(body, n)) return NULL;
    const char *end = NULL;
    cJSON *j = cJSON_ParseWithLengthOpts(body, n, &end, 0);
    FUZZ_CHECK(!end || (end >= body && end <= body + n), "parse position outside the body");
    if (!j) return NULL;
    for (; end < body + n; end++)
        if (*end != ' ' && *end != '\n' && *end != '\r' && *end != '\t') {
            cJSON_Delete(j);
            return NULL;
        }
    if (!cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

static bool fuzz_has_duplicate_key(const cJSON *v) {
    const cJSON *a, *b;
    if (cJSON_IsObject(v))
        for (a = v->child; a; a = a->next)
            for (b = a->next; b; b = b->next)
                if (strcmp(a->string, b->string) == 0) return true;
    cJSON_ArrayForEach(a, v) if (fuzz_has_duplicate_key(a)) return true;
    return false;
}

/* A refusal is an answer whose problem body is valid UTF-8 JSON with the given status. */
static cJSON *fuzz_check_problem(const yt_req *r, const char *what) {
    FUZZ_CHECK(r->status >= 400 && r->status < 500, "%s: status %d", what, r->status);
    FUZZ_CHECK(r->out.len > 0 && utf8_valid(r->out.p, r->out.len), "%s: the problem body is not UTF-8: %s", what,
               r->out.p ? r->out.p : "");
    cJSON *p = cJSON_Parse(r->out.p);
    FUZZ_CHECK(cJSON_IsObject(p), "%s: the problem body is not JSON: %s", what, r->out.p);
    const cJSON *st = cJSON_GetObjectItemCaseSensitive(p, "status");
    FUZZ_CHECK(cJSON_IsNumber(st) && st->valueint == r->status, "%s: status member", what);
    return p;
}

/* Parses body[0..n) into r->json as the dispatcher would; false when it refused the body (answered). */
static bool fuzz_parse_body(yt_req *r, const char *body, size_t n) {
    r->body = body;
    r->body_len = n;
    if (n && !utf8_valid(body, n)) return false;
    if (!api_parse_json_body) {
        r->json = fuzz_parse_plain(body, n);
        return r->json != NULL;
    }
    bool ok = api_parse_json_body(r);
    if (ok) {
        FUZZ_CHECK(cJSON_IsObject(r->json), "accepted a body that is not an object");
        FUZZ_CHECK(!fuzz_has_duplicate_key(r->json), "accepted a body with a duplicate key");
        cJSON *plain = fuzz_parse_plain(body, n);
        FUZZ_CHECK(plain && cJSON_Compare(plain, r->json, true), "accepted a body the plain parse refuses");
        cJSON_Delete(plain);
        FUZZ_CHECK(r->status == 0, "accepted with an answer");
        return true;
    }
    cJSON_Delete(r->json);
    r->json = NULL;
    cJSON *p = fuzz_check_problem(r, "body refused");
    FUZZ_CHECK(r->status == 400 || r->status == 413, "body refused with %d", r->status);
    cJSON_Delete(p);
    /* a body refused though the plain parse takes it: a duplicate key or over the budget */
    cJSON *plain = fuzz_parse_plain(body, n);
    if (plain) FUZZ_CHECK(r->status == 413 || fuzz_has_duplicate_key(plain), "refused a good body: %d", r->status);
    cJSON_Delete(plain);
    return false;
}

#endif
