/* Auto-tag rules: storage, the loop check over the tags conditions read and rules write, and applying them
 * as set differences on the audience index. */
#include "rules.h"
#include "lifecycle.h"
#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include "../tag/tag.h"
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define RULE_CHUNK 5000

static pthread_mutex_t rules_mu = PTHREAD_MUTEX_INITIALIZER;
#define RULES_LOCK 0x79745F72756C6573LL /* the store's lock for rule saves (another key than derived writes') */

int audience_rules_begin(yt_ctx *x) {
    pthread_mutex_lock(&rules_mu);
    if (db_begin(x->db) != 0) {
        pthread_mutex_unlock(&rules_mu);
        return yt_fail_db(x, "saving rules");
    }
    if (db_xact_lock(x->db, RULES_LOCK) != 0) {
        int rc = yt_fail_db(x, "saving rules");
        db_rollback(x->db);
        pthread_mutex_unlock(&rules_mu);
        return rc;
    }
    return YT_OK;
}

int audience_rules_end(yt_ctx *x, int rc) {
    if (rc == YT_OK && db_commit(x->db) != 0) rc = yt_fail_db(x, "saving rules");
    else if (rc != YT_OK) db_rollback(x->db);
    pthread_mutex_unlock(&rules_mu);
    return rc;
}

const char *tag_rule_event_query(yt_arena *arena, const char *type, int32_t days) {
    seg_node n = {.kind = SEG_COUNT, .op = SEG_GE, .event = type, .days = days,
                  .v = {.type = SEGV_NUMBER, .number = 1, .integral = true}};
    yt_buf b = YT_BUF_INIT;
    seg_write_text(&n, &b);
    const char *s = arena_strdup(arena, b.p ? b.p : "");
    buf_free(&b);
    return s;
}

/* ---- storage: tags as newline-separated names (a tag name holds no control character) ---- */

static char *join(const char *const *names, int n) {
    yt_buf b = YT_BUF_INIT;
    for (int i = 0; i < n; i++) {
        if (i) buf_putc(&b, '\n');
        buf_puts(&b, names[i]);
    }
    return b.p ? buf_take(&b) : yt_strdup("");
}

static int split(yt_arena *arena, const char *s, const char **out, int max) {
    int n = 0;
    while (*s && n < max) {
        const char *e = strchr(s, '\n');
        size_t len = e ? (size_t)(e - s) : strlen(s);
        char *name = arena_alloc(arena, len + 1);
        memcpy(name, s, len);
        out[n++] = name;
        if (!e) break;
        s = e + 1;
    }
    return n;
}

#define RULE_COLS "id, name, query, event, event_days, add_tags, remove_tags, active, created_by, created_at, updated_at"

static void read_rule(yt_ctx *x, yt_rows *r, tag_rule *out) {
    memset(out, 0, sizeof *out);
    out->id = rows_int(r, 0);
    out->name = arena_strdup(x->arena, rows_text(r, 1));
    out->query = arena_strdup(x->arena, rows_text(r, 2));
    out->event = rows_null(r, 3) ? NULL : arena_strdup(x->arena, rows_text(r, 3));
    out->event_days = (int32_t)rows_int(r, 4);
    out->nadd = split(x->arena, rows_text(r, 5), out->add, RULE_MAX_TAGS);
    out->nremove = split(x->arena, rows_text(r, 6), out->remove, RULE_MAX_TAGS);
    out->active = rows_int(r, 7) != 0;
    out->created_by = rows_null(r, 8) ? 0 : rows_int(r, 8);
    out->created_at = rows_int(r, 9);
    out->updated_at = rows_int(r, 10);
}

int tag_rule_get(yt_ctx *x, int64_t id, tag_rule *out) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " RULE_COLS " FROM tag_rules WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a rule");
    bool found = rows_next(r);
    if (found) read_rule(x, r, out);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no rule with id %lld", (long long)id);
}

/* The active rules, oldest first, in *out (arena). */
static int active_rules(yt_ctx *x, tag_rule **out, int *n) {
    yt_rows *r = db_query(x->db, "SELECT " RULE_COLS " FROM tag_rules WHERE active = 1 ORDER BY id", 0, NULL);
    if (!r) return yt_fail_db(x, "reading rules");
    int cap = 16;
    *out = arena_alloc(x->arena, sizeof **out * (size_t)cap);
    *n = 0;
    while (rows_next(r)) {
        if (*n == cap) {
            tag_rule *bigger = arena_alloc(x->arena, sizeof *bigger * (size_t)cap * 2);
            memcpy(bigger, *out, sizeof *bigger * (size_t)cap);
            *out = bigger;
            cap *= 2;
        }
        read_rule(x, r, &(*out)[(*n)++]);
    }
    rows_free(r);
    return YT_OK;
}

int tag_rule_save(yt_ctx *x, tag_rule *r) {
    char *add = join(r->add, r->nadd), *remove = join(r->remove, r->nremove);
    int64_t now = now_ms();
    int rc;
    if (!r->id) {
        yt_param p[] = {PT(r->name), PT(r->query), PT(r->event), PI(r->event_days), PT(add), PT(remove), PI(r->active),
                        PI(x->who->staff_id), PI(now), PI(now)};
        rc = audited_write(x,
                           "INSERT INTO tag_rules(name, query, event, event_days, add_tags, remove_tags, active, created_by,"
                           " created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?,?) RETURNING id",
                           10, p, &r->id, "tag_rule.create", "tag_rule", 0, "name", NULL);
    } else {
        yt_param p[] = {PT(r->name), PT(r->query), PT(r->event), PI(r->event_days), PT(add), PT(remove), PI(r->active),
                        PI(now), PI(r->id)};
        rc = audited_write(x,
                           "UPDATE tag_rules SET name = ?, query = ?, event = ?, event_days = ?, add_tags = ?, remove_tags = ?,"
                           " active = ?, updated_at = ? WHERE id = ?",
                           9, p, NULL, "tag_rule.update", "tag_rule", r->id, "name", NULL);
    }
    free(add);
    free(remove);
    return rc;
}

int tag_rule_delete(yt_ctx *x, int64_t id) {
    yt_param p[] = {PI(id)};
    return audited_write(x, "DELETE FROM tag_rules WHERE id = ?", 1, p, NULL, "tag_rule.delete", "tag_rule", id, "id", NULL);
}

static void write_names(yt_jw *w, const char *key, const char *const *names, int n) {
    jw_key(w, key);
    jw_arr(w);
    for (int i = 0; i < n; i++) jw_str(w, names[i]);
    jw_arr_end(w);
}

void tag_rule_write_json(yt_jw *w, const tag_rule *r) {
    jw_obj(w);
    jw_kint(w, "id", r->id);
    jw_kstr(w, "name", r->name);
    jw_kstr(w, "query", r->query);
    jw_key(w, "event");
    if (r->event) {
        char within[16];
        snprintf(within, sizeof within, "%dd", (int)r->event_days);
        jw_obj(w);
        jw_kstr(w, "type", r->event);
        jw_kstr(w, "within", within);
        jw_obj_end(w);
    } else {
        jw_null(w);
    }
    write_names(w, "add", r->add, r->nadd);
    write_names(w, "remove", r->remove, r->nremove);
    jw_kbool(w, "active", r->active);
    if (r->created_by) jw_kint(w, "created_by", r->created_by);
    else jw_knull(w, "created_by");
    jw_ktime(w, "created_at", r->created_at);
    jw_ktime(w, "updated_at", r->updated_at);
    jw_obj_end(w);
}

int tag_rule_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor) {
    yt_param p[] = {PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT " RULE_COLS " FROM tag_rules WHERE id < ? ORDER BY id DESC LIMIT ?", 2, p);
    if (!r) return yt_fail_db(x, "listing rules");
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    int n = 0;
    int64_t last = 0;
    bool more = false;
    while (rows_next(r)) {
        if (n == limit) {
            more = true;
            break;
        }
        tag_rule rule;
        read_rule(x, r, &rule);
        tag_rule_write_json(w, &rule);
        last = rule.id;
        n++;
    }
    rows_free(r);
    jw_arr_end(w);
    jw_next_cursor(w, more, last);
    jw_obj_end(w);
    return YT_OK;
}

static void write_history_row(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_ktime(w, "at", rows_int(r, 1));
    jw_kint(w, "customer_id", rows_int(r, 2));
    jw_kstr(w, "action", rows_text(r, 3));
    jw_kstr(w, "tag", rows_text(r, 4));
    jw_obj_end(w);
}

int tag_rule_history_json(yt_ctx *x, yt_jw *w, int64_t rule_id, int limit, int64_t cursor) {
    yt_param p[] = {PI(rule_id), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db,
                          "SELECT id, at, customer_id, action, tag FROM tag_rule_history WHERE rule_id = ? AND id < ?"
                          " ORDER BY id DESC LIMIT ?",
                          3, p);
    if (!r) return yt_fail_db(x, "reading a rule's history");
    page_write(w, r, limit, write_history_row);
    rows_free(r);
    return YT_OK;
}

/* ---- the loop check ---- */

/* The tags a condition reads (into a growing arena list), and whether it reads the lifecycle stage. */
typedef struct {
    const char **names;
    int n, cap;
    bool lifecycle;
} tag_reads;

static void read_one(yt_ctx *x, tag_reads *r, const char *name) {
    if (r->n == r->cap) {
        int cap = r->cap ? r->cap * 2 : 32;
        const char **names = arena_alloc(x->arena, sizeof *names * (size_t)cap);
        if (r->n) memcpy(names, r->names, sizeof *names * (size_t)r->n);
        r->names = names;
        r->cap = cap;
    }
    r->names[r->n++] = name;
}

static void read_tags(yt_ctx *x, const seg_node *n, tag_reads *out) {
    if (!n) return;
    if (n->kind == SEG_AND || n->kind == SEG_OR || n->kind == SEG_NOT) {
        read_tags(x, n->a, out);
        read_tags(x, n->b, out);
        return;
    }
    bool tag_attr = n->attr && strcmp(n->attr, "tag") == 0;
    if (n->attr && strcmp(n->attr, "lifecycle") == 0) out->lifecycle = true;
    if (n->kind == SEG_CMP && tag_attr && n->v.type == SEGV_TEXT) read_one(x, out, n->v.text);
    if (n->kind == SEG_ANY_TAG || n->kind == SEG_ALL_TAGS || (n->kind == SEG_IN && tag_attr))
        for (int i = 0; i < n->nlist; i++)
            if (n->list[i].type == SEGV_TEXT) read_one(x, out, n->list[i].text);
}

typedef struct {
    const char **names;
    int n, cap;
    int *from, *to, nedges, cap_edges;
} tag_graph;

static int node_of(yt_ctx *x, tag_graph *g, const char *name) {
    for (int i = 0; i < g->n; i++)
        if (strcmp(g->names[i], name) == 0) return i;
    if (g->n == g->cap) {
        int cap = g->cap ? g->cap * 2 : 32;
        const char **names = arena_alloc(x->arena, sizeof *names * (size_t)cap);
        if (g->n) memcpy(names, g->names, sizeof *names * (size_t)g->n);
        g->names = names;
        g->cap = cap;
    }
    g->names[g->n] = name;
    return g->n++;
}

static void edge(yt_ctx *x, tag_graph *g, int from, int to) {
    if (g->nedges == g->cap_edges) {
        int cap = g->cap_edges ? g->cap_edges * 2 : 64;
        int *f = arena_alloc(x->arena, sizeof *f * (size_t)cap), *t = arena_alloc(x->arena, sizeof *t * (size_t)cap);
        if (g->nedges) {
            memcpy(f, g->from, sizeof *f * (size_t)g->nedges);
            memcpy(t, g->to, sizeof *t * (size_t)g->nedges);
        }
        g->from = f;
        g->to = t;
        g->cap_edges = cap;
    }
    g->from[g->nedges] = from;
    g->to[g->nedges++] = to;
}

/* The lifecycle stage as a node of the graph: stage rules read tags (tag -> stage) and tag rules may read
 * the stage (stage -> the tags they write). A tag name cannot have these brackets and spaces around it. */
#define STAGE_NODE "(lifecycle stage)"

static void add_rule_edges(yt_ctx *x, tag_graph *g, const tag_rule *r, const seg_node *cond) {
    tag_reads reads = {0};
    read_tags(x, cond, &reads);
    if (reads.lifecycle) read_one(x, &reads, STAGE_NODE);
    for (int i = 0; i < reads.n; i++) {
        int u = node_of(x, g, reads.names[i]);
        for (int k = 0; k < r->nadd; k++) edge(x, g, u, node_of(x, g, r->add[k]));
        for (int k = 0; k < r->nremove; k++) edge(x, g, u, node_of(x, g, r->remove[k]));
    }
}

static void add_stage_edges(yt_ctx *x, tag_graph *g, const lifecycle_rule *stages, int nstages) {
    for (int i = 0; i < nstages; i++) {
        seg_error ignored;
        seg_node *cond = seg_parse_text(stages[i].query, x->arena, &ignored);
        tag_reads reads = {0};
        read_tags(x, cond, &reads);
        for (int k = 0; k < reads.n; k++) edge(x, g, node_of(x, g, reads.names[k]), node_of(x, g, STAGE_NODE));
    }
}

/* Depth-first from v: 1 when a node on the current path is reached again (the path is in stack). */
static bool dfs(const tag_graph *g, int v, int *state, int *stack, int *depth, int *cycle_start) {
    state[v] = 1;
    stack[(*depth)++] = v;
    for (int e = 0; e < g->nedges; e++) {
        if (g->from[e] != v) continue;
        int w = g->to[e];
        if (state[w] == 1) {
            *cycle_start = w;
            return true;
        }
        if (state[w] == 0 && dfs(g, w, state, stack, depth, cycle_start)) return true;
    }
    state[v] = 2;
    (*depth)--;
    return false;
}

int tag_rule_check(audience *a, yt_ctx *x, const tag_rule *r, const char ***cycle, int *ncycle, seg_error *serr) {
    *cycle = NULL;
    *ncycle = 0;
    memset(serr, 0, sizeof *serr);
    serr->pos = -1;
    size_t chars = utf8_chars(r->name);
    if (!*r->name || chars > RULE_NAME_MAX) return yt_fail(x, YT_EINVAL, "name", "must be 1 to %d characters", RULE_NAME_MAX);
    const char *bad = text_unreadable(r->name);
    if (bad) return yt_fail(x, YT_EINVAL, "name", "%s", bad);
    if (r->nadd + r->nremove == 0) return yt_fail(x, YT_EINVAL, "add", "a rule adds or removes at least one tag");
    for (int i = 0; i < r->nadd; i++)
        if (tag_name_check(x, "add", r->add[i])) return x->err.code;
    for (int i = 0; i < r->nremove; i++) {
        if (tag_name_check(x, "remove", r->remove[i])) return x->err.code;
        for (int k = 0; k < r->nadd; k++)
            if (strcmp(r->add[k], r->remove[i]) == 0)
                return yt_fail(x, YT_EINVAL, "remove", "'%s' is both added and removed", r->remove[i]);
    }
    seg_node *cond = seg_parse_text(r->query, x->arena, serr);
    if (!cond) return yt_fail(x, YT_EINVAL, "query", "%s", serr->msg);
    audience_result res;
    int rc = audience_eval(a, x, cond, &res, serr);
    if (rc == YT_EINVAL) return yt_fail(x, YT_EINVAL, "query", "%s", serr->msg);
    if (rc) return rc;
    audience_result_free(&res);
    serr->pos = -1;
    return r->active ? audience_loop_check(x, r, NULL, 0, cycle, ncycle) : YT_OK;
}

int audience_loop_check(yt_ctx *x, const tag_rule *candidate, const lifecycle_rule *stages, int nstages, const char ***cycle,
                        int *ncycle) {
    *cycle = NULL;
    *ncycle = 0;
    /* the graph: each tag (or the stage) a condition reads -> each tag its rule writes, over the active tag
     * rules (the candidate in place of its saved self) and the stage rules */
    tag_rule *rules;
    int nrules;
    if (active_rules(x, &rules, &nrules)) return x->err.code;
    tag_graph g = {0};
    if (candidate) {
        seg_error ignored;
        seg_node *cond = seg_parse_text(candidate->query, x->arena, &ignored);
        if (cond) add_rule_edges(x, &g, candidate, cond);
    }
    for (int i = 0; i < nrules; i++) {
        if (candidate && rules[i].id == candidate->id) continue;
        seg_error ignored;
        seg_node *other = seg_parse_text(rules[i].query, x->arena, &ignored);
        if (other) add_rule_edges(x, &g, &rules[i], other);
    }
    lifecycle_rule in_force[LIFECYCLE_MAX_RULES];
    if (!stages) {
        bool is_default;
        if (lifecycle_rules(x, in_force, &nstages, &is_default)) return x->err.code;
        stages = in_force;
    }
    add_stage_edges(x, &g, stages, nstages);
    int *state = arena_alloc(x->arena, sizeof(int) * (size_t)(g.n + 1)), *stack = arena_alloc(x->arena, sizeof(int) * (size_t)(g.n + 1));
    int rc;
    for (int v = 0; v < g.n; v++) {
        int depth = 0, start = -1;
        if (state[v] || !dfs(&g, v, state, stack, &depth, &start)) continue;
        int from = 0;
        while (stack[from] != start) from++;
        *ncycle = depth - from + 1;
        *cycle = arena_alloc(x->arena, sizeof **cycle * (size_t)*ncycle);
        yt_buf path = YT_BUF_INIT;
        for (int i = from; i < depth; i++) {
            (*cycle)[i - from] = g.names[stack[i]];
            buf_printf(&path, "%s → ", g.names[stack[i]]);
        }
        (*cycle)[*ncycle - 1] = g.names[start];
        buf_puts(&path, g.names[start]);
        rc = yt_fail(x, YT_EINVAL, candidate ? "add" : "items", "the rules would loop: %s", path.p);
        buf_free(&path);
        return rc;
    }
    return YT_OK;
}

/* ---- applying ---- */

static int record_history(yt_ctx *x, int64_t rule, const char *action, const char *tag, const int64_t *ids, size_t n) {
    yt_dialect d = db_dialect(x->db);
    char *list = db_id_list(d, ids, n);
    yt_param p[] = {PI(rule), PT(action), PT(tag), PI(now_ms()), PT(list)};
    int64_t rows = db_exec(x->db,
                           d == YT_PG ? "INSERT INTO tag_rule_history(rule_id, action, tag, at, customer_id)"
                                        " SELECT CAST(? AS BIGINT), CAST(? AS TEXT), CAST(? AS TEXT), CAST(? AS BIGINT), u"
                                        " FROM unnest(CAST(? AS BIGINT[])) AS u"
                                      : "INSERT INTO tag_rule_history(rule_id, action, tag, at, customer_id)"
                                        " SELECT ?, ?, ?, ?, value FROM json_each(?)",
                           5, p);
    free(list);
    return rows == (int64_t)n ? YT_OK : yt_fail_db(x, "recording a rule's history");
}

/* Sets (add) or clears tag on every customer in want that differs, a chunk per transaction. */
static int apply_tag(yt_ctx *x, const tag_rule *r, int64_t tag_id, const char *tag, const roaring_bitmap_t *want, bool add,
                     int64_t *count) {
    uint64_t n = roaring_bitmap_get_cardinality(want);
    if (!n) return YT_OK;
    size_t nids;
    int64_t *ids = audience_ids(want, &nids);
    int rc = YT_OK;
    for (uint64_t at = 0; rc == YT_OK && at < n; at += RULE_CHUNK) {
        size_t len = n - at < RULE_CHUNK ? (size_t)(n - at) : RULE_CHUNK, nchanged;
        int64_t *changed;
        if (db_begin(x->db) != 0) {
            rc = yt_fail_db(x, "applying a rule");
            break;
        }
        rc = db_xact_lock(x->db, AUDIENCE_WRITE_LOCK) == 0 ? tag_set_many(x, tag_id, add, ids + at, len, &changed, &nchanged)
                                                            : yt_fail_db(x, "applying a rule");
        if (rc == YT_OK && nchanged) rc = record_history(x, r->id, add ? "add" : "remove", tag, changed, nchanged);
        rc = yt_finish(x, rc, "applying a rule");
        if (rc == YT_OK && count) *count += (int64_t)nchanged;
    }
    free(ids);
    return rc;
}

static int apply_rule(audience *a, yt_ctx *x, const tag_rule *r, int64_t *added, int64_t *removed) {
    seg_error err;
    seg_node *cond = seg_parse_text(r->query, x->arena, &err);
    if (!cond) return YT_OK; /* saved rules were checked; one this version cannot read is left alone */
    audience_result res;
    int rc = audience_eval(a, x, cond, &res, &err);
    if (rc == YT_EINVAL) return YT_OK;
    if (rc) return rc;
    for (int i = 0; rc == YT_OK && i < r->nadd; i++) {
        int64_t tag_id;
        if (db_begin(x->db) != 0) {
            rc = yt_fail_db(x, "applying a rule");
            break;
        }
        if ((rc = yt_finish(x, tag_ensure(x, r->add[i], &tag_id), "applying a rule"))) break;
        roaring_bitmap_t *have = audience_tag_members(a, tag_id), *want = roaring_bitmap_andnot(res.members, have);
        rc = apply_tag(x, r, tag_id, r->add[i], want, true, added);
        roaring_bitmap_free(have);
        roaring_bitmap_free(want);
    }
    for (int i = 0; rc == YT_OK && i < r->nremove; i++) {
        yt_param p[] = {PT(r->remove[i])};
        int64_t tag_id = db_query_int(x->db, "SELECT id FROM tags WHERE name = ?", 1, p, 0);
        if (!tag_id) continue;
        roaring_bitmap_t *have = audience_tag_members(a, tag_id), *drop = roaring_bitmap_and(res.members, have);
        rc = apply_tag(x, r, tag_id, r->remove[i], drop, false, removed);
        roaring_bitmap_free(have);
        roaring_bitmap_free(drop);
    }
    audience_result_free(&res);
    return rc;
}

int tag_rules_apply(audience *a, yt_ctx *x, int64_t only_rule, int64_t *added, int64_t *removed) {
    if (added) *added = 0;
    if (removed) *removed = 0;
    if (only_rule) {
        tag_rule r;
        if (tag_rule_get(x, only_rule, &r)) return x->err.code;
        return r.active ? apply_rule(a, x, &r, added, removed) : YT_OK;
    }
    tag_rule *rules;
    int n;
    if (active_rules(x, &rules, &n)) return x->err.code;
    int rc = YT_OK;
    for (int i = 0; rc == YT_OK && i < n; i++) rc = apply_rule(a, x, &rules[i], added, removed);
    return rc;
}
