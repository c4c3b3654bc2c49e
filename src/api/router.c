/* The dispatcher: matches the route, then checks auth, permission, rate limit and body before any handler runs. */
#include "api.h"
#include "server.h"
#include "../base/crypto.h"
#include "../base/log.h"
#include "../base/alloc.h"
#include "../base/ratelimit.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../member/link.h"
#include "../modules.h"
#include "../staff/auth.h"
#include <malloc.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

const yt_route *api_route_table(void) {
    int n;
    return modules_routes(&n);
}

int api_route_count(void) {
    int n;
    modules_routes(&n);
    return n;
}

/* Routes by the segment that tells them apart: the one after "/api/v1/" (else the first). A pattern whose
 * literal start covers that segment can only match paths with the same segment there, so only its
 * bucket is tried; patterns with a parameter at or before it are tried for every path. Built once. */
#define ROUTE_BUCKETS 256
typedef struct {
    int *at; /* route indexes, ascending (table order) */
    int n;
} route_bucket;
static route_bucket buckets[ROUTE_BUCKETS], anywhere;
static pthread_once_t buckets_once = PTHREAD_ONCE_INIT;

/* The deciding segment of s: its start and length; false when a '{' comes at or before its end. */
static bool route_key(const char *s, const char **key, size_t *len) {
    int skip = strncmp(s, "/api/v1/", 8) == 0 ? 3 : 1;
    const char *k = s;
    for (int i = 0; i < skip && *k; i++) {
        k++; /* the '/' */
        if (i + 1 < skip) k += strcspn(k, "/");
    }
    *key = k;
    *len = strcspn(k, "/");
    return !memchr(s, '{', (size_t)(k + *len - s));
}

static unsigned key_hash(const char *k, size_t n) {
    return hash_fnv1a32_n(k, n) % ROUTE_BUCKETS;
}

static void bucket_add(route_bucket *b, int i) {
    b->at = yt_realloc(b->at, (size_t)(b->n + 1) * sizeof *b->at);
    b->at[b->n++] = i;
}

static void build_buckets(void) {
    int nroutes;
    const yt_route *routes = modules_routes(&nroutes);
    for (int i = 0; i < nroutes; i++) {
        const char *k;
        size_t n;
        if (route_key(routes[i].pattern, &k, &n)) bucket_add(&buckets[key_hash(k, n)], i);
        else bucket_add(&anywhere, i);
    }
}

/* One route against the path: the parameters' starts into found (the caller copies up to the next '/'). */
static bool route_fits(const yt_route *rt, const char *path, const char **found, int *np) {
    const char *p = rt->pattern, *u = path;
    *np = 0;
    while (*p) {
        if (*p == '{') {
            const char *pe = strchr(p, '}');
            const char *ue = strchr(u, '/');
            if (!ue) ue = u + strlen(u);
            if (ue == u || *np >= API_MAX_PATH_PARAMS) return false;
            found[(*np)++] = u;
            p = pe + 1;
            u = ue;
        } else if (*p == *u) {
            p++;
            u++;
        } else {
            return false;
        }
    }
    return !*u;
}

/* Of the routes whose pattern matches, the one with the longest literal start wins, so that
 * /customers/bulk/tags is not taken for /customers/{id}/tags whatever the module order. */
const yt_route *api_match(const char *method, const char *path, const char **params, int *nparams, bool *method_mismatch) {
    pthread_once(&buckets_once, build_buckets);
    *method_mismatch = false;
    const yt_route *routes = api_route_table(), *best = NULL;
    const char *best_params[API_MAX_PATH_PARAMS];
    long best_literal = -1;
    const char *k;
    size_t kn;
    route_key(path, &k, &kn);
    const route_bucket *b = &buckets[key_hash(k, kn)];
    /* the bucket's routes and those tried everywhere, in table order (ties go to the first) */
    for (int x = 0, y = 0; x < b->n || y < anywhere.n;) {
        int i = y >= anywhere.n || (x < b->n && b->at[x] < anywhere.at[y]) ? b->at[x++] : anywhere.at[y++];
        const yt_route *rt = &routes[i];
        const char *found[API_MAX_PATH_PARAMS];
        int np;
        if (!route_fits(rt, path, found, &np)) continue;
        if (strcmp(rt->method, method) != 0) {
            *method_mismatch = true;
            continue;
        }
        const char *brace = strchr(rt->pattern, '{');
        long literal = brace ? (long)(brace - rt->pattern) : (long)strlen(rt->pattern);
        if (literal > best_literal) {
            best = rt;
            best_literal = literal;
            *nparams = np;
            memcpy(best_params, found, (size_t)np * sizeof *found);
        }
    }
    if (best) memcpy(params, best_params, (size_t)*nparams * sizeof *params);
    return best;
}

static bool json_content_type(const char *ct) {
    if (!ct) return false;
    while (*ct == ' ') ct++;
    if (strncasecmp(ct, "application/json", 16) != 0) return false;
    return ct[16] == '\0' || ct[16] == ';' || ct[16] == ' ';
}

static bool upload_content_type(const char *ct) {
    static const char *const ok[] = {"text/csv", "text/plain", "application/octet-stream", "application/vnd.ms-excel"};
    if (!ct) return false;
    while (*ct == ' ') ct++;
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        size_t n = strlen(ok[i]);
        if (strncasecmp(ct, ok[i], n) == 0 && (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ')) return true;
    }
    return false;
}

static bool authenticate(yt_req *r) {
    const char *h = r->authorization;
    if (!h || strncasecmp(h, "Bearer ", 7) != 0 || !h[7]) {
        api_problem(r, 401, NULL, "sign in first: send Authorization: Bearer <token>");
        return false;
    }
    const char *tok = h + 7;
    while (*tok == ' ') tok++;
    if (strlen(tok) > 128) {
        api_problem(r, 401, NULL, "the token is not valid");
        return false;
    }
    int rc = strncmp(tok, "ytm_", 4) == 0 ? member_link_resolve(&r->x, tok, &r->who) : auth_resolve(r->x.db, tok, &r->who);
    if (rc == YT_EINTERNAL) {
        api_problem(r, 503, NULL, "the store is not answering");
        return false;
    }
    if (rc != YT_OK) {
        api_problem(r, 401, NULL, "the token is not valid, has expired or was revoked");
        return false;
    }
    return true;
}

/* cJSON turns \u0000 into an early end of string; refuse it rather than truncate silently. */
static bool has_escaped_nul(const char *s, size_t n) {
    for (size_t i = 0; i + 1 < n; i++) {
        if (s[i] != '\\') continue;
        if (s[i + 1] == 'u' && i + 6 <= n && memcmp(s + i + 2, "0000", 4) == 0) return true;
        i++; /* skip the escaped character, so "\\\\u0000" stays ordinary text */
    }
    return false;
}

#define IDEMPOTENCY_TTL_MS (24LL * 3600 * 1000)

/* Replays a stored answer, unless the caller may no longer see it (fewer permissions now, or a guide
 * who no longer owns the customer). */
static void replay(yt_req *r, yt_rows *row) {
    int64_t cid = rows_null(row, 4) ? 0 : rows_int(row, 4);
    int64_t live;
    if ((uint32_t)rows_int(row, 5) != r->who.perms ||
        (cid && r->who.own_customers_only && customer_resolve(&r->x, cid, &live) != YT_OK)) {
        api_problem(r, 409, "Idempotency-Key", "this Idempotency-Key was used while you had other access; use a new key");
        return;
    }
    r->status = (int)rows_int(row, 1);
    r->out_type = rows_text(row, 2)[0] ? arena_strdup(&r->arena, rows_text(row, 2)) : NULL;
    buf_reset(&r->out);
    buf_puts(&r->out, rows_text(row, 3));
}

/* Whose keys these are: a staff member's by their id, a member's (no staff id) by their customer id, negated,
 * so one member's key never answers another's request. */
static int64_t key_owner(const yt_req *r) {
    return r->who.member_id ? -r->who.member_id : r->who.staff_id;
}

/* A write with an Idempotency-Key runs once per staff member (or member) and key. The key is reserved (status 0)
 * before the handler runs, so concurrent retries wait for nothing and run nothing: they get a 409 while
 * the first is running, and its stored answer after. The same key on a different request is a 409.
 * A 5xx answer is not stored: the retry runs again. */
static void idempotent_run(yt_req *r) {
    const char *key = r->idempotency_key;
    size_t kl = strlen(key);
    if (kl < 1 || kl > 200) {
        api_problem(r, 400, "Idempotency-Key", "the Idempotency-Key header must be 1 to 200 characters");
        return;
    }
    yt_buf fp = YT_BUF_INIT;
    buf_printf(&fp, "%s %s\n", r->method, r->path);
    for (int i = 0; i < r->nquery; i++) buf_printf(&fp, "%s=%s&", r->query[i].key, r->query[i].value);
    buf_putc(&fp, '\n');
    buf_append(&fp, r->body, r->body_len);
    char hash[YT_HASH_HEX];
    crypto_hash_hex(fp.p, fp.len, hash);
    buf_free(&fp);
    int64_t now = now_ms();
    static _Atomic int64_t last_sweep;
    if (time_every(&last_sweep, now, 60000)) { /* once a minute */
        yt_param q[] = {PI(now - IDEMPOTENCY_TTL_MS)};
        if (db_exec(r->x.db, "DELETE FROM idempotency_keys WHERE created_at <= ?", 1, q) < 0)
            log_error("cannot sweep expired Idempotency-Keys: %s", db_error(r->x.db));
    }
    yt_param res[] = {PI(key_owner(r)), PT(key), PT(hash), PI(now), PI(r->who.perms)};
    int64_t reserved = db_exec(r->x.db,
                               "INSERT INTO idempotency_keys(staff_id, key, request_hash, status, content_type, response,"
                               " created_at, perms) VALUES(?, ?, ?, 0, '', '', ?, ?) ON CONFLICT(staff_id, key) DO NOTHING",
                               NPARAMS(res), res);
    if (reserved < 0) {
        yt_fail_db(&r->x, "reserving an Idempotency-Key");
        api_fail(r);
        return;
    }
    yt_param k[] = {PI(key_owner(r)), PT(key)};
    if (reserved == 0) {
        yt_rows *row = db_query(r->x.db,
                                "SELECT request_hash, status, content_type, response, customer_id, perms"
                                " FROM idempotency_keys WHERE staff_id = ? AND key = ?",
                                2, k);
        if (!row || !rows_next(row)) {
            rows_free(row);
            api_problem(r, 409, "Idempotency-Key", "this Idempotency-Key is in use; try again");
        } else if (strcmp(rows_text(row, 0), hash) != 0) {
            rows_free(row);
            api_problem(r, 409, "Idempotency-Key", "this Idempotency-Key was already used for a different request");
        } else if (rows_int(row, 1) == 0) {
            rows_free(row);
            api_problem(r, 409, "Idempotency-Key", "a request with this Idempotency-Key is still running; try again");
        } else {
            replay(r, row);
            rows_free(row);
        }
        return;
    }
    r->route->fn(r);
    bool left_open = r->x.db->tx_depth > 0;
    if (left_open) { /* roll back first, or the release below would be rolled back with it */
        log_error("route %s left a transaction open; rolled back", r->route->name);
        db_rollback(r->x.db);
    }
    if (r->status >= 500 || left_open) {
        db_exec(r->x.db, "DELETE FROM idempotency_keys WHERE staff_id = ? AND key = ?", 2, k);
        return;
    }
    int64_t cid = r->about_customer; /* so erasing that customer also forgets the stored answer */
    yt_param s2[] = {PI(r->status), PT(r->out_type ? r->out_type : ""), PT(r->out.p ? r->out.p : ""),
                     cid ? PI(cid) : PNULL, PI(key_owner(r)), PT(key)};
    db_exec(r->x.db,
            "UPDATE idempotency_keys SET status = ?, content_type = ?, response = ?, customer_id = ?"
            " WHERE staff_id = ? AND key = ?",
            NPARAMS(s2), s2);
}

/* JSON parsing within a memory budget. cJSON allocates a node of about 80 bytes for every value, so a
 * 16 MiB body of "[0,0,0,..." would take some 650 MB. The allocator hooks count what this thread's
 * parse holds and fail the parse when it passes the budget: a small multiple of the body. */
#define JSON_BUDGET_FACTOR 12
#define JSON_BUDGET_BASE (256u << 10)
static _Thread_local int64_t json_used, json_budget; /* budget 0: not parsing, no limit */
static _Thread_local bool json_over;

static void *json_malloc(size_t n) {
    void *p = malloc(n);
    if (!p) return NULL;
    json_used += (int64_t)malloc_usable_size(p);
    if (json_budget && json_used > json_budget) {
        json_used -= (int64_t)malloc_usable_size(p);
        free(p);
        json_over = true;
        return NULL;
    }
    return p;
}

static void json_free(void *p) {
    if (!p) return;
    json_used -= (int64_t)malloc_usable_size(p);
    free(p);
}

static pthread_once_t json_hooks_once = PTHREAD_ONCE_INIT;
static void json_hooks_install(void) {
    cJSON_Hooks h = {json_malloc, json_free};
    cJSON_InitHooks(&h);
}

static int cmp_key(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* The first member of v that cannot be taken as sent, named by its key (an array's items by the array's):
 * a key that appears twice in one object (*why "appears twice in one object"; small objects are compared
 * pairwise, large ones sorted, so one huge object costs n log n), or a number too large for a double,
 * which would be kept as null (*why "is a number too large to keep"). NULL when there is none. */
static const char *bad_member(const cJSON *v, const char *name, const char **why) {
    if (cJSON_IsNumber(v) && !isfinite(v->valuedouble)) {
        *why = "is a number too large to keep";
        return name ? name : "body";
    }
    if (!cJSON_IsObject(v) && !cJSON_IsArray(v)) return NULL;
    const cJSON *m;
    if (cJSON_IsObject(v)) {
        int n = 0;
        cJSON_ArrayForEach(m, v) n++;
        const char *dup = NULL;
        if (n <= 16) {
            for (const cJSON *a = v->child; a && !dup; a = a->next)
                for (const cJSON *b = a->next; b && !dup; b = b->next)
                    if (strcmp(a->string, b->string) == 0) dup = a->string;
        } else {
            const char **keys = yt_malloc(sizeof *keys * (size_t)n);
            int i = 0;
            cJSON_ArrayForEach(m, v) keys[i++] = m->string;
            qsort(keys, (size_t)n, sizeof *keys, cmp_key);
            for (i = 1; i < n && !dup; i++)
                if (strcmp(keys[i - 1], keys[i]) == 0) dup = keys[i];
            free(keys);
        }
        if (dup) {
            *why = "appears twice in one object";
            return dup;
        }
    }
    cJSON_ArrayForEach(m, v) {
        const char *bad = bad_member(m, cJSON_IsObject(v) ? m->string : name, why);
        if (bad) return bad;
    }
    return NULL;
}

bool api_parse_json_body(yt_req *r) {
    pthread_once(&json_hooks_once, json_hooks_install);
    if (has_escaped_nul(r->body, r->body_len)) {
        api_problem(r, 400, "body", "strings must not contain \\u0000");
        return false;
    }
    const char *end = NULL;
    json_used = 0;
    json_over = false;
    json_budget = (int64_t)(JSON_BUDGET_BASE + (size_t)JSON_BUDGET_FACTOR * r->body_len);
    r->json = cJSON_ParseWithLengthOpts(r->body, r->body_len, &end, 0);
    json_budget = 0;
    if (json_over) {
        cJSON_Delete(r->json);
        r->json = NULL;
        api_problem(r, 413, "body", "the body holds too many values for its size; send fewer or larger ones");
        return false;
    }
    if (!r->json) {
        long off = end ? (long)(end - r->body) : 0;
        char detail[96];
        snprintf(detail, sizeof detail, "the body is not valid JSON (near byte %ld)", off);
        api_problem(r, 400, "body", detail);
        return false;
    }
    for (; end && end < r->body + r->body_len; end++)
        if (*end != ' ' && *end != '\n' && *end != '\r' && *end != '\t') {
            api_problem(r, 400, "body", "unexpected data after the JSON value");
            return false;
        }
    if (!cJSON_IsObject(r->json)) {
        api_problem(r, 400, "body", "the body must be a JSON object");
        return false;
    }
    const char *why, *bad = bad_member(r->json, NULL, &why);
    if (bad) {
        char detail[160];
        snprintf(detail, sizeof detail, "\"%.*s\" %s", utf8_fit(bad, 100), bad, why);
        api_problem(r, 400, bad, detail);
        return false;
    }
    return true;
}

static void dispatch(yt_req *r);

void api_dispatch(yt_req *r) {
    r->x.db = store_db(r->store); /* checks and parsing read only; a writer is taken just for the handler */
    dispatch(r);
    if (r->json) {
        cJSON_Delete(r->json);
        r->json = NULL;
    }
}

/* Runs the handler on the right connection: requests that write hold the shared writer (SQLite) only
 * while the handler runs, not while the token is checked or the body parsed. */
static void run_handler(yt_req *r) {
    const yt_route *rt = r->route;
    bool writes = (strcmp(r->method, "GET") != 0 && !(rt->flags & ROUTE_READER)) || (rt->flags & ROUTE_WRITER);
    if (writes && !(r->x.db = store_writer_acquire(r->store))) {
        api_problem(r, 503, NULL, "the store is not reachable");
        return;
    }
    /* uploads are idempotent by content already (imports skip what they have) */
    if (r->idempotency_key && strcmp(r->method, "GET") != 0 && !(rt->flags & (ROUTE_PUBLIC | ROUTE_UPLOAD)))
        idempotent_run(r);
    else
        rt->fn(r);
    if (r->x.db->tx_depth) { /* a handler must never leave a transaction open */
        log_error("route %s left a transaction open; rolled back", rt->name);
        db_rollback(r->x.db);
    }
    if (writes) store_writer_release(r->store);
}

bool api_admit(yt_req *r) {
    const yt_route *rt = r->route;
    r->x.arena = &r->arena;
    r->x.who = &r->who;
    if (!r->x.db) r->x.db = store_db(r->store);
    if (!r->x.db) {
        api_problem(r, 503, NULL, "the store is not reachable");
        return false;
    }
    if (!(rt->flags & ROUTE_PUBLIC)) {
        if (!authenticate(r)) return false;
        char key[32];
        if (r->who.member_id) snprintf(key, sizeof key, "m%lld", (long long)r->who.member_id);
        else snprintf(key, sizeof key, "t%lld", (long long)r->who.token_id);
        int retry;
        if (!ratelimit_take(r->server->per_token, key, &retry)) {
            snprintf(r->retry_after, sizeof r->retry_after, "%d", retry);
            api_problem(r, 429, NULL, "too many requests for this token; slow down");
            return false;
        }
        if (r->who.member_id && !(rt->flags & ROUTE_MEMBER)) {
            api_problem(r, 403, NULL, "a member's link opens the member pages only");
            return false;
        }
        if (!r->who.member_id && (r->who.perms & rt->perm) != rt->perm) {
            api_problem(r, 403, NULL, "your role does not allow this");
            return false;
        }
    }
    if ((rt->flags & ROUTE_UPLOAD) && !upload_content_type(r->content_type)) {
        api_problem(r, 415, NULL, "send the file as Content-Type: text/csv");
        return false;
    }
    if ((rt->flags & ROUTE_JSON) && !json_content_type(r->content_type)) {
        api_problem(r, 415, NULL, "send the body as Content-Type: application/json");
        return false;
    }
    r->admitted = true;
    return true;
}

static void dispatch(yt_req *r) {
    const yt_route *rt = r->route;
    if (!r->admitted && !api_admit(r)) return;
    if (r->bad_input) {
        api_problem(r, 400, r->bad_field ? r->bad_field : "query", r->bad_input);
        return;
    }
    if (rt->flags & (ROUTE_JSON | ROUTE_UPLOAD)) {
        if (r->body_len && !utf8_valid(r->body, r->body_len)) {
            api_problem(r, 400, "body", "the body is not valid UTF-8");
            return;
        }
    }
    if ((rt->flags & ROUTE_JSON) && !api_parse_json_body(r)) return;
    run_handler(r);
}
