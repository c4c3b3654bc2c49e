/* The segment language's JSON form (the console builder's), read from a cJSON tree into the segment syntax tree. */
#include "segment_json.h"
#include "api.h"
#include "server.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

/* Every key a condition object may have; which ones go together is decided per head key. */
enum {
    K_AND, K_OR, K_NOT, K_ATTR, K_TAG, K_ANY_TAG, K_ALL_TAGS, K_COUNT, /* the head keys: one per condition */
    K_OP, K_VALUE, K_IN, K_BETWEEN, K_WITHIN, K_BEFORE, K_AFTER, K_NKEYS
};
static const char *const key_names[K_NKEYS] = {"and", "or",    "not", "attr",    "tag",    "any_tag", "all_tags", "count",
                                               "op",  "value", "in",  "between", "within", "before",  "after"};
#define BIT(k) (1u << (k))
#define HEADS (BIT(K_COUNT + 1) - 1)
#define ATTR_TESTS (BIT(K_OP) | BIT(K_IN) | BIT(K_BETWEEN) | BIT(K_WITHIN) | BIT(K_BEFORE) | BIT(K_AFTER))

static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">="};

typedef struct {
    yt_arena *a;
    seg_error *err;
    bool failed;
    char path[128];
    int nconds;
} jparser;

__attribute__((format(printf, 2, 3))) static void *jfail(jparser *p, const char *fmt, ...) {
    if (p->failed) return NULL;
    p->failed = true;
    p->err->pos = -1;
    snprintf(p->err->path, sizeof p->err->path, "%s", p->path);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
    utf8_trim_cut(p->err->msg);
    return NULL;
}

/* Appends ".key" (or "key" at the root) or "[i]" to the path; path_pop goes back to the length returned. */
__attribute__((format(printf, 2, 3))) static size_t path_push(jparser *p, const char *fmt, ...) {
    size_t len = strlen(p->path);
    if (len >= sizeof p->path - 1) return len;
    va_list ap;
    va_start(ap, fmt);
    char part[96];
    vsnprintf(part, sizeof part, fmt, ap);
    va_end(ap);
    snprintf(p->path + len, sizeof p->path - len, "%s%s", len && part[0] != '[' ? "." : "", part);
    utf8_trim_cut(p->path);
    return len;
}

static void path_pop(jparser *p, size_t len) { p->path[len] = '\0'; }

/* A key for a message: at most 40 bytes, cut between characters, "(not UTF-8)" for bytes that are not. */
static void clip(const char *s, char *out, size_t outsz) {
    if (!utf8_valid(s, strlen(s))) {
        snprintf(out, outsz, "(not UTF-8)");
        return;
    }
    snprintf(out, outsz, "%.*s", utf8_fit(s, (int)outsz - 1 < 40 ? (int)outsz - 1 : 40), s);
}

static int key_index(const char *k) {
    for (int i = 0; i < K_NKEYS; i++)
        if (k && strcmp(k, key_names[i]) == 0) return i;
    return -1;
}

/* "2026-01-01": a real date from 1900 to 2999, as the text form writes it. */
static bool parse_date(const char *s, int32_t *day) {
    if (strlen(s) != 10) return false;
    for (int i = 0; i < 10; i++)
        if (i == 4 || i == 7 ? s[i] != '-' : (s[i] < '0' || s[i] > '9')) return false;
    int y, m, d;
    if (!date_parse(s, &y, &m, &d)) return false;
    *day = (int32_t)days_from_civil(y, m, d);
    return true;
}

static bool text(jparser *p, const cJSON *j, const char **out) {
    if (!utf8_valid(j->valuestring, strlen(j->valuestring))) {
        jfail(p, "text must be UTF-8");
        return false;
    }
    *out = arena_strdup(p->a, j->valuestring);
    return true;
}

static bool value(jparser *p, const cJSON *j, seg_value *v) {
    if (cJSON_IsString(j)) {
        v->type = SEGV_TEXT;
        return text(p, j, &v->text);
    }
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        bool integral = isfinite(d) && d == trunc(d);
        const char *why = seg_number_problem(d, integral);
        if (why) {
            jfail(p, "%s", why);
            return false;
        }
        v->type = SEGV_NUMBER;
        v->number = d;
        v->integral = integral;
        return true;
    }
    const cJSON *date = cJSON_IsObject(j) ? cJSON_GetObjectItemCaseSensitive(j, "date") : NULL;
    if (date && j->child == date && !date->next) {
        size_t len = path_push(p, "date");
        if (!cJSON_IsString(date) || !parse_date(date->valuestring, &v->day)) {
            jfail(p, "expected a date \"YYYY-MM-DD\" from 1900 to 2999");
            return false;
        }
        path_pop(p, len);
        v->type = SEGV_DATE;
        return true;
    }
    jfail(p, "expected a value: a number, a string or {\"date\": \"YYYY-MM-DD\"}");
    return false;
}

static bool list(jparser *p, const cJSON *j, seg_value **out, int *count) {
    size_t len = path_push(p, "%s", j->string);
    if (!cJSON_IsArray(j)) {
        jfail(p, "expected a list of values, as in [\"a\", \"b\"]");
        return false;
    }
    int n = 0;
    for (const cJSON *it = j->child; it && n <= SEG_MAX_LIST; it = it->next) n++;
    if (n == 0) {
        jfail(p, "expected at least one value");
        return false;
    }
    if (n > SEG_MAX_LIST) {
        jfail(p, "a list holds at most %d values", SEG_MAX_LIST);
        return false;
    }
    path_pop(p, len);
    seg_value *vals = arena_alloc(p->a, sizeof *vals * (size_t)n);
    int i = 0;
    for (const cJSON *it = j->child; it; it = it->next, i++) {
        size_t l = path_push(p, "%s[%d]", j->string, i);
        if (!value(p, it, &vals[i])) return false;
        path_pop(p, l);
    }
    *out = vals;
    *count = n;
    return true;
}

/* "30d", "4w", or a whole number of days. */
static bool window(jparser *p, const cJSON *j, int32_t *days) {
    size_t len = path_push(p, "%s", j->string);
    int64_t n = -1;
    if (cJSON_IsNumber(j)) {
        double d = j->valuedouble;
        if (!isfinite(d) || d != trunc(d)) {
            jfail(p, "expected a whole number of days");
            return false;
        }
        n = fabs(d) < 1e9 ? (int64_t)d : INT64_MAX;
    } else if (cJSON_IsString(j)) {
        const char *s = j->valuestring;
        size_t digits = strspn(s, "0123456789");
        if (digits > 0 && (s[digits] == 'd' || s[digits] == 'w') && s[digits + 1] == '\0') {
            n = 0;
            for (size_t i = 0; i < digits; i++) n = n < 100000000 ? n * 10 + (s[i] - '0') : n;
            if (s[digits] == 'w') n *= 7;
        }
    }
    if (n == -1 && !cJSON_IsNumber(j)) { /* a number of days below 1 is out of range, not malformed */
        jfail(p, "expected a window like \"30d\" or \"4w\", or a number of days");
        return false;
    }
    if (n < 1 || n > SEG_MAX_DAYS) {
        jfail(p, "window must be between 1d and %dd", SEG_MAX_DAYS);
        return false;
    }
    path_pop(p, len);
    *days = (int32_t)n;
    return true;
}

static bool op(jparser *p, const cJSON *j, seg_op *out) {
    size_t len = path_push(p, "op");
    for (int i = 0; i < 6; i++) {
        if (cJSON_IsString(j) && strcmp(j->valuestring, ops[i]) == 0) {
            *out = (seg_op)i;
            path_pop(p, len);
            return true;
        }
    }
    jfail(p, "expected one of =, !=, <, <=, >, >=");
    return false;
}

/* The value that goes with "op": required. */
static bool op_value(jparser *p, const cJSON *obj, seg_op *o, seg_value *v) {
    if (!op(p, cJSON_GetObjectItemCaseSensitive(obj, "op"), o)) return false;
    const cJSON *j = cJSON_GetObjectItemCaseSensitive(obj, "value");
    size_t len = path_push(p, "value");
    if (!j) {
        jfail(p, "missing: 'op' needs a value");
        return false;
    }
    if (!value(p, j, v)) return false;
    path_pop(p, len);
    return true;
}

static seg_node *new_leaf(jparser *p, seg_kind k) {
    if (++p->nconds > SEG_MAX_NODES) return jfail(p, "more than %d conditions", SEG_MAX_NODES);
    seg_node *n = arena_alloc(p->a, sizeof *n);
    n->kind = k;
    return n;
}

static seg_node *node(jparser *p, const cJSON *j, int depth);

static seg_node *chain(jparser *p, const cJSON *j, seg_kind k, int depth) {
    size_t len = path_push(p, "%s", j->string);
    if (!cJSON_IsArray(j)) return jfail(p, "expected a list of conditions");
    if (!j->child) return jfail(p, "expected at least one condition");
    path_pop(p, len);
    seg_node *acc = NULL;
    int i = 0;
    for (const cJSON *it = j->child; it; it = it->next, i++) {
        size_t l = path_push(p, "%s[%d]", j->string, i);
        seg_node *n = node(p, it, depth + 1);
        if (!n) return NULL;
        path_pop(p, l);
        if (acc) {
            seg_node *pr = arena_alloc(p->a, sizeof *pr);
            pr->kind = k;
            pr->a = acc;
            pr->b = n;
            n = pr;
        }
        acc = n;
    }
    return acc;
}

static seg_node *attr_cond(jparser *p, const cJSON *obj, unsigned seen) {
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(obj, "attr");
    size_t len = path_push(p, "attr");
    if (!cJSON_IsString(name)) return jfail(p, "expected an attribute name, as in \"spend_90d\"");
    if (!seg_name_ok(name->valuestring, false)) {
        char shown[44];
        clip(name->valuestring, shown, sizeof shown);
        return jfail(p, "'%s' is not an attribute name: use lowercase letters, digits and _ (and no keyword)", shown);
    }
    path_pop(p, len);
    unsigned tests = seen & ATTR_TESTS;
    if (!tests) return jfail(p, "expected one of op, in, between, within, before, after with 'attr'");
    if (tests & (tests - 1)) {
        const char *first = NULL, *second = NULL;
        for (const cJSON *c = obj->child; c; c = c->next) {
            int k = key_index(c->string);
            if (k >= 0 && (BIT(k) & ATTR_TESTS)) {
                if (!first) first = c->string;
                else if (!second) second = c->string;
            }
        }
        return jfail(p, "'%s' and '%s' do not go together: one of op, in, between, within, before, after", first,
                     second);
    }
    if ((seen & BIT(K_VALUE)) && tests != BIT(K_OP)) {
        path_push(p, "value");
        return jfail(p, "'value' goes only with 'op'");
    }
    seg_node *n = new_leaf(p, SEG_CMP);
    if (!n) return NULL;
    n->attr = arena_strdup(p->a, name->valuestring);
    if (tests == BIT(K_OP)) return op_value(p, obj, &n->op, &n->v) ? n : NULL;
    if (tests == BIT(K_IN)) {
        n->kind = SEG_IN;
        return list(p, cJSON_GetObjectItemCaseSensitive(obj, "in"), &n->list, &n->nlist) ? n : NULL;
    }
    if (tests == BIT(K_WITHIN)) {
        n->kind = SEG_WITHIN;
        return window(p, cJSON_GetObjectItemCaseSensitive(obj, "within"), &n->days) ? n : NULL;
    }
    if (tests == BIT(K_BETWEEN)) {
        n->kind = SEG_BETWEEN;
        const cJSON *b = cJSON_GetObjectItemCaseSensitive(obj, "between");
        len = path_push(p, "between");
        if (!cJSON_IsArray(b) || cJSON_GetArraySize(b) != 2)
            return jfail(p, "expected two values, as in [2, 5]");
        path_pop(p, len);
        len = path_push(p, "between[0]");
        if (!value(p, b->child, &n->v)) return NULL;
        path_pop(p, len);
        len = path_push(p, "between[1]");
        if (!value(p, b->child->next, &n->v2)) return NULL;
        path_pop(p, len);
        return n;
    }
    /* before, after: a date, as "2026-01-01" or {"date": "2026-01-01"} */
    bool before = tests == BIT(K_BEFORE);
    n->kind = before ? SEG_BEFORE : SEG_AFTER;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(obj, before ? "before" : "after");
    len = path_push(p, "%s", before ? "before" : "after");
    if (cJSON_IsString(d)) {
        if (!parse_date(d->valuestring, &n->v.day)) return jfail(p, "expected a date \"YYYY-MM-DD\" from 1900 to 2999");
        n->v.type = SEGV_DATE;
    } else {
        if (!value(p, d, &n->v)) return NULL;
        if (n->v.type != SEGV_DATE) return jfail(p, "expected a date \"YYYY-MM-DD\" from 1900 to 2999");
    }
    path_pop(p, len);
    return n;
}

static seg_node *count_cond(jparser *p, const cJSON *obj, unsigned seen) {
    const cJSON *c = cJSON_GetObjectItemCaseSensitive(obj, "count");
    size_t len = path_push(p, "count");
    if (!cJSON_IsObject(c)) return jfail(p, "expected {\"event\": ..., \"window\": ...}");
    const cJSON *event = NULL, *win = NULL;
    for (const cJSON *k = c->child; k; k = k->next) {
        const cJSON **slot = strcmp(k->string, "event") == 0 ? &event : strcmp(k->string, "window") == 0 ? &win : NULL;
        char shown[44];
        clip(k->string, shown, sizeof shown);
        if (!slot) {
            path_push(p, "%s", shown);
            return jfail(p, "unknown key '%s': a count has event and window", shown);
        }
        if (*slot) {
            path_push(p, "%s", shown);
            return jfail(p, "duplicate key '%s'", shown);
        }
        *slot = k;
    }
    seg_node *n = new_leaf(p, SEG_COUNT);
    if (!n) return NULL;
    size_t l = path_push(p, "event");
    if (!cJSON_IsString(event) || !*event->valuestring)
        return jfail(p, "expected an event type, as in \"page_viewed\"");
    if (!text(p, event, &n->event)) return NULL;
    path_pop(p, l);
    if (!win) {
        path_push(p, "window");
        return jfail(p, "missing: expected a window like \"7d\"");
    }
    if (!window(p, win, &n->days)) return NULL;
    path_pop(p, len);
    if (!(seen & BIT(K_OP))) {
        path_push(p, "op");
        return jfail(p, "missing: expected one of =, !=, <, <=, >, >=");
    }
    return op_value(p, obj, &n->op, &n->v) ? n : NULL;
}

static seg_node *node(jparser *p, const cJSON *j, int depth) {
    if (!cJSON_IsObject(j)) return jfail(p, "expected a condition: an object such as {\"tag\": \"宝妈\"}");
    if (depth > SEG_MAX_DEPTH) return jfail(p, "nested more than %d levels deep", SEG_MAX_DEPTH);
    unsigned seen = 0;
    for (const cJSON *c = j->child; c; c = c->next) {
        int k = key_index(c->string);
        char shown[44];
        clip(c->string ? c->string : "", shown, sizeof shown);
        if (k < 0 || (seen & BIT(k))) {
            path_push(p, "%s", shown);
            return jfail(p, k < 0 ? "unknown key '%s'" : "duplicate key '%s'", shown);
        }
        seen |= BIT(k);
    }
    unsigned heads = seen & HEADS;
    if (!heads)
        return jfail(p, "expected one of the keys and, or, not, attr, tag, any_tag, all_tags, count");
    if (heads & (heads - 1)) {
        const char *first = NULL, *second = NULL;
        for (const cJSON *c = j->child; c; c = c->next) {
            if (!(BIT(key_index(c->string)) & HEADS)) continue;
            if (!first) first = c->string;
            else if (!second) second = c->string;
        }
        return jfail(p, "'%s' and '%s' do not go together: a condition has one of and, or, not, attr, tag, any_tag, "
                        "all_tags, count",
                     first, second);
    }
    unsigned allowed = heads == BIT(K_ATTR)    ? BIT(K_ATTR) | ATTR_TESTS | BIT(K_VALUE)
                       : heads == BIT(K_COUNT) ? BIT(K_COUNT) | BIT(K_OP) | BIT(K_VALUE)
                                               : heads;
    for (const cJSON *c = j->child; c; c = c->next) {
        if (BIT(key_index(c->string)) & allowed) continue;
        int h = 0;
        while (!(heads & BIT(h))) h++;
        path_push(p, "%s", c->string);
        return jfail(p, "'%s' does not go with '%s'", c->string, key_names[h]);
    }
    const cJSON *head = j->child;
    while (!(BIT(key_index(head->string)) & HEADS)) head = head->next;
    switch (key_index(head->string)) {
    case K_AND: return chain(p, head, SEG_AND, depth);
    case K_OR: return chain(p, head, SEG_OR, depth);
    case K_NOT: {
        size_t len = path_push(p, "not");
        seg_node *a = node(p, head, depth + 1);
        if (!a) return NULL;
        path_pop(p, len);
        seg_node *n = arena_alloc(p->a, sizeof *n);
        n->kind = SEG_NOT;
        n->a = a;
        return n;
    }
    case K_TAG: {
        seg_node *n = new_leaf(p, SEG_CMP);
        if (!n) return NULL;
        n->attr = "tag";
        n->op = SEG_EQ;
        size_t len = path_push(p, "tag");
        if (!value(p, head, &n->v)) return NULL;
        path_pop(p, len);
        return n;
    }
    case K_ANY_TAG:
    case K_ALL_TAGS: {
        seg_node *n = new_leaf(p, key_index(head->string) == K_ANY_TAG ? SEG_ANY_TAG : SEG_ALL_TAGS);
        return n && list(p, head, &n->list, &n->nlist) ? n : NULL;
    }
    case K_COUNT: return count_cond(p, j, seen);
    default: return attr_cond(p, j, seen);
    }
}

seg_node *seg_parse_json(const cJSON *json, yt_arena *a, seg_error *err) {
    memset(err, 0, sizeof *err);
    jparser p = {.a = a, .err = err};
    seg_node *n = node(&p, json, 1);
    if (!n) {
        err->pos = -1;
        return NULL;
    }
    /* what the text form could not take back: longer than its limit once written */
    yt_buf b = YT_BUF_INIT;
    seg_write_text(n, &b);
    size_t len = b.len;
    buf_free(&b);
    if (len > SEG_MAX_TEXT) {
        err->pos = -1;
        snprintf(err->msg, sizeof err->msg, "the segment is longer than %d bytes when written as text", SEG_MAX_TEXT);
        return NULL;
    }
    return n;
}

bool api_segment_query(yt_req *r, bool required, seg_node **node, const char **text) {
    const cJSON *q = cJSON_GetObjectItemCaseSensitive(r->json, "query");
    *node = NULL;
    *text = NULL;
    if (!q || cJSON_IsNull(q)) {
        if (required) api_problem(r, 400, "query", "query is required: segment text, or the JSON form as an object");
        return !required;
    }
    seg_error err = {0};
    if (cJSON_IsString(q)) {
        if (strlen(q->valuestring) > SEG_MAX_TEXT) {
            api_problem(r, 413, "query", "the segment text is over 8192 bytes");
            return false;
        }
        *node = seg_parse_text(q->valuestring, &r->arena, &err);
        *text = q->valuestring;
    } else if (cJSON_IsObject(q)) {
        seg_node *parsed = seg_parse_json(q, &r->arena, &err);
        if (parsed) { /* kept as text; parsed again so that later errors have positions in that text */
            yt_buf b = YT_BUF_INIT;
            seg_write_text(parsed, &b);
            *text = arena_strdup(&r->arena, b.p ? b.p : "");
            buf_free(&b);
            *node = seg_parse_text(*text, &r->arena, &err);
        }
    } else {
        api_problem(r, 400, "query", "query must be segment text or the JSON form (an object)");
        return false;
    }
    if (!*node) {
        api_problem_at(r, 422, "query", err.msg, err.pos, err.path[0] ? err.path : NULL);
        return false;
    }
    return true;
}


bool api_audience_synced(yt_req *r) {
    if (audience_sync(r->server->audience, r->x.db) == 0) return true;
    api_problem(r, 503, NULL, "the audience index cannot read the store");
    return false;
}
