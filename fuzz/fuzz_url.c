/* Fuzzes URL handling: route matching (api_match), path-segment and query decoding (src/http/server.c), listen addresses. */
#include "http/server.c"
#include "fuzz_check.h"
#include <stdint.h>

static const char *const methods[] = {"GET", "POST", "PATCH", "PUT", "DELETE", "HEAD"};

/* The same table walk as api_match, written segment by segment: "{name}" takes one non-empty segment. */
static bool segments_match(const char *pattern, const char *path) {
    const char *p = pattern, *u = path;
    for (;;) {
        size_t pl = strcspn(p, "/"), ul = strcspn(u, "/");
        if (p[0] == '{') {
            if (ul == 0) return false;
        } else if (pl != ul || memcmp(p, u, pl) != 0) {
            return false;
        }
        p += pl;
        u += ul;
        if (!*p || !*u) return !*p && !*u;
        p++;
        u++;
    }
}

/* Of the routes whose segments match, the one with the longest literal start wins (as the router says). */
static const yt_route *reference_match(const char *method, const char *path, bool *mismatch) {
    *mismatch = false;
    const yt_route *routes = api_route_table(), *best = NULL;
    size_t best_literal = 0;
    for (int i = 0; i < api_route_count(); i++) {
        if (!segments_match(routes[i].pattern, path)) continue;
        if (strcmp(routes[i].method, method) != 0) {
            *mismatch = true;
            continue;
        }
        size_t literal = strcspn(routes[i].pattern, "{");
        if (!best || literal > best_literal) {
            best = &routes[i];
            best_literal = literal;
        }
    }
    return best;
}

static void check_route(const char *method, const char *path) {
    const char *params[API_MAX_PATH_PARAMS];
    int np = -1;
    bool mismatch, ref_mismatch;
    const yt_route *rt = api_match(method, path, params, &np, &mismatch);
    const yt_route *ref = reference_match(method, path, &ref_mismatch);
    FUZZ_CHECK(rt == ref, "%s %s matched %s, expected %s", method, path, rt ? rt->pattern : "nothing",
               ref ? ref->pattern : "nothing");
    if (!rt) {
        FUZZ_CHECK(mismatch == ref_mismatch, "%s %s: method mismatch %d", method, path, mismatch);
        return;
    }
    FUZZ_CHECK(strcmp(rt->method, method) == 0, "%s %s matched a %s route", method, path, rt->method);
    int want = 0;
    for (const char *c = rt->pattern; *c; c++) want += *c == '{';
    FUZZ_CHECK(np == want && np <= API_MAX_PATH_PARAMS, "%s: %d params for %s", path, np, rt->pattern);
    /* each parameter is a non-empty segment inside the path; put back into the pattern they give the path */
    size_t plen = strlen(path);
    yt_buf rebuilt = YT_BUF_INIT;
    int k = 0;
    for (const char *c = rt->pattern; *c; c++) {
        if (*c != '{') {
            buf_putc(&rebuilt, *c);
            continue;
        }
        FUZZ_CHECK(params[k] >= path && params[k] < path + plen, "%s: param %d outside the path", path, k);
        size_t n = strcspn(params[k], "/");
        FUZZ_CHECK(n > 0, "%s: param %d is empty", path, k);
        buf_append(&rebuilt, params[k], n);
        k++;
        c = strchr(c, '}');
    }
    FUZZ_CHECK(rebuilt.len == plen && strcmp(rebuilt.p, path) == 0, "%s rebuilt as %s", path, rebuilt.p);
    buf_free(&rebuilt);

    /* decoded as the server does: %XX only, never longer; NULL when it would hold a NUL byte */
    yt_arena a = {0};
    for (int i = 0; i < np; i++) {
        size_t n = strcspn(params[i], "/");
        char *d = decoded(&a, params[i], n, false);
        if (!d) { /* refused: it decodes to a NUL byte */
            FUZZ_CHECK(memchr(params[i], '%', n), "param '%.*s' refused without a %%00", (int)n, params[i]);
            continue;
        }
        size_t dl = strlen(d);
        FUZZ_CHECK(dl <= n, "param '%.*s' decoded longer", (int)n, params[i]);
        if (!memchr(params[i], '%', n)) FUZZ_CHECK(dl == n && memcmp(d, params[i], n) == 0, "plain param changed");
        (void)utf8_valid(d, dl);
    }
    arena_free(&a);
}

/* A query string as the server takes it: '&' between pairs (empty ones skipped), the first '=' between key
 * and value (a key alone has an empty value); collect_query stops, saying why, at the first bad pair. */
static void check_query(char *q) {
    yt_req r;
    memset(&r, 0, sizeof r);
    int pairs = 0;
    for (const char *p = q; *p;) {
        size_t n = strcspn(p, "&");
        pairs += n > 0;
        p += n + (p[n] == '&');
    }
    collect_query(&r, q, strlen(q));
    bool stopped = r.bad_input != NULL;
    FUZZ_CHECK(r.nquery >= 0 && r.nquery <= API_MAX_QUERY, "%d query parameters kept", r.nquery);
    FUZZ_CHECK(stopped == (r.bad_input != NULL), "stopped without saying why");
    if (!stopped) FUZZ_CHECK(r.nquery == pairs, "%d pairs, %d kept", pairs, r.nquery);
    if (pairs > API_MAX_QUERY) FUZZ_CHECK(stopped, "%d pairs accepted", pairs);
    for (int i = 0; i < r.nquery; i++) {
        FUZZ_CHECK(utf8_valid(r.query[i].key, strlen(r.query[i].key)), "query key %d is not UTF-8", i);
        FUZZ_CHECK(utf8_valid(r.query[i].value, strlen(r.query[i].value)), "query value %d is not UTF-8", i);
        const char *v = api_query(&r, r.query[i].key);
        FUZZ_CHECK(v != NULL, "query key %d not found", i);
        for (int j = 0; j < i; j++)
            if (strcmp(r.query[j].key, r.query[i].key) == 0) {
                FUZZ_CHECK(v == r.query[j].value, "api_query does not answer the first of a repeated key");
                break;
            }
    }
    arena_free(&r.arena);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 1 || size > 4096) return 0;
    const char *method = methods[data[0] % (sizeof methods / sizeof methods[0])];
    char *url = malloc(size);
    memcpy(url, data + 1, size - 1);
    url[size - 1] = '\0';

    http_config cfg = {0};
    if (http_parse_listen(url, &cfg))
        FUZZ_CHECK(cfg.port >= 0 && cfg.port <= 65535 && strlen(cfg.host) < sizeof cfg.host, "listen '%s'", url);

    char *q = strchr(url, '?');
    if (q) *q++ = '\0';
    check_route(method, url);
    if (q) check_query(q);
    free(url);
    return 0;
}
