/* Segment evaluation: the syntax tree checked against the attribute table and answered with bitmap
 * operations on the audience index (names resolve through the store; event counts are counted there). */
#include "../base/timeutil.h"
#include "index_internal.h"
#include "rfm.h"
#include "../base/alloc.h"
#include "../customer/customer.h"
#include "../event/event.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef enum {
    K_TAG,      /* tag = "宝妈" */
    K_CAT_ID,   /* a category whose values are rows named in the store (stores, owners) */
    K_CAT_TEXT, /* a category of text values (city, gender...) */
    K_NUM,      /* a number; money in fen */
    K_DAY,      /* a calendar day: dates, within, before, after */
    K_RFM,      /* an RFM score 1..5 (col: RFM_R, RFM_F, RFM_M), from the thresholds of the moment */
    K_RFM_GROUP /* one of the eight RFM groups */
} attr_kind;

typedef struct {
    const char *name;
    attr_kind kind;
    int col;                     /* CAT_* or NUM_* */
    bool zero_absent;            /* K_NUM: no value reads as 0 (sums and counts) */
    const char *resolve_sql;     /* K_CAT_ID: the id for a name */
    const char *const *values;   /* K_CAT_TEXT with a fixed set */
    int nvalues;
    double scale;                /* K_NUM: stored value = written value x scale (1 when 0) */
} attr_def;

/* Every attribute a segment may name: one row each. */
static const attr_def attrs[] = {
    {"tag", K_TAG, 0, false, NULL, NULL, 0, 0},
    {"store", K_CAT_ID, CAT_STORE, false, "SELECT id FROM stores WHERE name = ?", NULL, 0, 0},
    {"owner", K_CAT_ID, CAT_OWNER, false, "SELECT id FROM staff WHERE username = ?", NULL, 0, 0},
    {"city", K_CAT_TEXT, CAT_CITY, false, NULL, NULL, 0, 0},
    {"gender", K_CAT_TEXT, CAT_GENDER, false, NULL, customer_genders, CUSTOMER_NGENDERS, 0},
    {"consent", K_CAT_TEXT, CAT_CONSENT, false, NULL, customer_consents, CUSTOMER_NCONSENTS, 0},
    {"lifecycle", K_CAT_TEXT, CAT_LIFECYCLE, false, NULL, lifecycle_stages, LIFECYCLE_NSTAGES, 0},
    {"member_level", K_NUM, NUM_MEMBER_LEVEL, false, NULL, NULL, 0, 0},
    {"points", K_NUM, NUM_POINTS, false, NULL, NULL, 0, 0},
    {"paid_level", K_NUM, NUM_PAID_LEVEL, true, NULL, NULL, 0, 0},
    {"paid_until", K_DAY, NUM_PAID_UNTIL, false, NULL, NULL, 0, 0},
    {"spend", K_NUM, NUM_SPEND, true, NULL, NULL, 0, 0},
    {"orders", K_NUM, NUM_ORDERS, true, NULL, NULL, 0, 0},
    {"spend_30d", K_NUM, NUM_SPEND_30D, true, NULL, NULL, 0, 0},
    {"spend_90d", K_NUM, NUM_SPEND_90D, true, NULL, NULL, 0, 0},
    {"spend_365d", K_NUM, NUM_SPEND_365D, true, NULL, NULL, 0, 0},
    {"orders_30d", K_NUM, NUM_ORDERS_30D, true, NULL, NULL, 0, 0},
    {"orders_90d", K_NUM, NUM_ORDERS_90D, true, NULL, NULL, 0, 0},
    {"orders_365d", K_NUM, NUM_ORDERS_365D, true, NULL, NULL, 0, 0},
    {"first_order", K_DAY, NUM_FIRST_ORDER, false, NULL, NULL, 0, 0},
    {"last_order", K_DAY, NUM_LAST_ORDER, false, NULL, NULL, 0, 0},
    {"last_seen", K_DAY, NUM_LAST_SEEN, false, NULL, NULL, 0, 0},
    {"created", K_DAY, NUM_CREATED, false, NULL, NULL, 0, 0},
    {"p_alive", K_NUM, NUM_P_ALIVE, false, NULL, NULL, 0, 10000},
    {"expected_orders_90d", K_NUM, NUM_EXPECTED_90D, false, NULL, NULL, 0, 100},
    {"value_90d", K_NUM, NUM_VALUE_90D, false, NULL, NULL, 0, 0},
    {"rfm_r", K_RFM, RFM_R, false, NULL, NULL, 0, 0},
    {"rfm_f", K_RFM, RFM_F, false, NULL, NULL, 0, 0},
    {"rfm_m", K_RFM, RFM_M, false, NULL, NULL, 0, 0},
    {"rfm_group", K_RFM_GROUP, 0, false, NULL, rfm_group_names, RFM_NGROUPS, 0},
};
#define NATTRS ((int)(sizeof attrs / sizeof attrs[0]))

static const char *attr_names[NATTRS + 2];
static pthread_once_t attr_names_once = PTHREAD_ONCE_INIT;

static void list_attr_names(void) {
    for (int i = 0; i < NATTRS; i++) attr_names[i] = attrs[i].name;
    attr_names[NATTRS] = "count";
}

const char *const *audience_attribute_names(void) {
    pthread_once(&attr_names_once, list_attr_names);
    return attr_names;
}

typedef struct {
    audience *a;
    yt_ctx *x;
    seg_error *err;
    audience_result *out;
    int32_t today;
    int rc;
    /* When set, every answer lies within it: an and-chain passes what the conditions before a condition
     * left, so a later condition reads only those customers, and its answer is what the chain has left. */
    const roaring_bitmap_t *filter;
    audience_rfm *rfm; /* thresholds, prepared when a segment first names RFM */
    bool rfm_ready;
} ev;

static roaring_bitmap_t *fail(ev *e, int pos, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static roaring_bitmap_t *fail(ev *e, int pos, const char *fmt, ...) {
    if (e->rc == YT_OK) {
        e->rc = YT_EINVAL;
        e->err->pos = pos;
        e->err->path[0] = '\0';
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(e->err->msg, sizeof e->err->msg, fmt, ap);
        va_end(ap);
    }
    return NULL;
}

static roaring_bitmap_t *store_failed(ev *e) {
    if (e->rc == YT_OK) e->rc = yt_fail_db(e->x, "evaluating a segment");
    return NULL;
}

static const attr_def *find_attr(const char *name) {
    for (int i = 0; i < NATTRS; i++)
        if (strcmp(attrs[i].name, name) == 0) return &attrs[i];
    return NULL;
}

static void note_unknown(ev *e, const char *name) {
    for (int i = 0; i < e->out->nunknown; i++)
        if (strcmp(e->out->unknown[i], name) == 0) return;
    if (e->out->nunknown < AUDIENCE_MAX_UNKNOWN) e->out->unknown[e->out->nunknown++] = arena_strdup(e->x->arena, name);
}

static const char *op_text(seg_op op) {
    static const char *const t[] = {"=", "!=", "<", "<=", ">", ">="};
    return t[op];
}

/* The customers of b as an answer: within the filter when there is one (a new bitmap either way). */
static roaring_bitmap_t *answer(ev *e, const roaring_bitmap_t *b) {
    if (!b) return roaring_bitmap_create();
    return e->filter ? roaring_bitmap_and(e->filter, b) : roaring_bitmap_copy(b);
}

/* Everyone a negation starts from: the filter, or every live customer. */
static const roaring_bitmap_t *everyone(ev *e) {
    return e->filter ? e->filter : e->a->live;
}

/* The index's bitmap of the customers having one value of a category or tag: borrowed (*b, NULL when nobody
 * has it). false on a mistake in the value or a store error (e->rc says). */
static bool value_bitmap(ev *e, const attr_def *d, const seg_value *v, const roaring_bitmap_t **b) {
    audience *a = e->a;
    *b = NULL;
    if (v->type != SEGV_TEXT) {
        fail(e, v->pos, "%s takes a \"quoted\" name", d->name);
        return false;
    }
    if (d->kind == K_TAG || d->kind == K_CAT_ID) {
        yt_param p[] = {PT(v->text)};
        yt_rows *r = db_query(e->x->db, d->kind == K_TAG ? "SELECT id FROM tags WHERE name = ?" : d->resolve_sql, 1, p);
        if (!r) {
            store_failed(e);
            return false;
        }
        int64_t id = rows_next(r) ? rows_int(r, 0) : -1;
        rows_free(r);
        if (id < 0 || id > UINT32_MAX) {
            note_unknown(e, v->text);
            return true;
        }
        const cat_col *c = &a->cat[d->col];
        if (d->kind == K_TAG) *b = (uint32_t)id < a->ntags ? a->tags[id] : NULL;
        else *b = (uint32_t)id < c->nbm ? c->bm[id] : NULL;
        return true;
    }
    if (d->values) {
        bool known = false;
        for (int i = 0; i < d->nvalues && !known; i++) known = strcmp(d->values[i], v->text) == 0;
        if (!known) {
            char list[160] = "";
            for (int i = 0; i < d->nvalues; i++)
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", i ? ", " : "", d->values[i]);
            fail(e, v->pos, "%s is one of %s", d->name, list);
            return false;
        }
    }
    uint32_t code = audience_text_code(a, d->col, v->text);
    const cat_col *c = &a->cat[d->col];
    *b = code && code < c->nbm ? c->bm[code] : NULL;
    return true;
}

/* The customers having one value of a category or tag, as an answer (a new bitmap). */
static roaring_bitmap_t *value_set(ev *e, const attr_def *d, const seg_value *v) {
    const roaring_bitmap_t *b;
    return value_bitmap(e, d, v, &b) ? answer(e, b) : NULL;
}

/* Those who do not have the value: one operation from everyone, without a copy of who does. */
static roaring_bitmap_t *value_missing(ev *e, const attr_def *d, const seg_value *v) {
    const roaring_bitmap_t *b;
    if (!value_bitmap(e, d, v, &b)) return NULL;
    return b ? roaring_bitmap_andnot(everyone(e), b) : roaring_bitmap_copy(everyone(e));
}

/* Every customer of within with a value, and those without when no value reads as 0 (for comparisons
 * that every value and 0 satisfy). */
static roaring_bitmap_t *every_value(const bsi *b, const roaring_bitmap_t *within, bool zero_absent) {
    if (zero_absent) return roaring_bitmap_copy(within);
    return within ? roaring_bitmap_and(b->exists, within) : roaring_bitmap_copy(b->exists);
}

/* Where a numeric condition looks: the chain's filter, or every live customer when customers with no value
 * can match (they read as 0); NULL (those with a value) otherwise. */
static const roaring_bitmap_t *num_within(ev *e, const attr_def *d) {
    return e->filter ? e->filter : d->zero_absent ? e->a->live : NULL;
}

/* A comparison against a whole number, for stored values >= 0. Fractions are rounded the way that keeps
 * the meaning (orders < 2.5 is orders <= 2); 0 counts for customers with no value when zero_absent. */
static roaring_bitmap_t *num_compare(ev *e, const attr_def *d, seg_op op, double c) {
    const bsi *b = &e->a->num[d->col];
    const roaring_bitmap_t *within = num_within(e, d);
    bool integral = c == floor(c);
    double bound = c;
    switch (op) {
    case SEG_LT: case SEG_GE: bound = ceil(c); break;
    case SEG_LE: case SEG_GT: bound = floor(c); break;
    default: break;
    }
    if ((op == SEG_EQ && !integral) || ((op == SEG_LT || op == SEG_LE || op == SEG_EQ) && bound < (op == SEG_LT ? 1 : 0)))
        return roaring_bitmap_create(); /* nothing stored is below 0, and 0 does not hold either */
    if ((op == SEG_NE && (!integral || c < 0)) || ((op == SEG_GT || op == SEG_GE) && bound < (op == SEG_GT ? 0 : 1)))
        return every_value(b, within, d->zero_absent);
    if (bound >= 9.2e18)
        return op == SEG_LT || op == SEG_LE || op == SEG_NE ? every_value(b, within, d->zero_absent) : roaring_bitmap_create();
    return bsi_compare(b, op, (uint64_t)bound, within, d->zero_absent);
}

/* lo <= value <= hi, in one scan. */
static roaring_bitmap_t *num_range(ev *e, const attr_def *d, double lo, double hi) {
    double from = ceil(lo), to = floor(hi);
    if (from < 0) from = 0;
    if (from > to || from >= 9.2e18) return roaring_bitmap_create();
    if (to >= 9.2e18) return num_compare(e, d, SEG_GE, from);
    return bsi_between(&e->a->num[d->col], (uint64_t)from, (uint64_t)to, num_within(e, d), d->zero_absent);
}

/* The number a value stands for in attribute d: fen and counts for K_NUM, a day for K_DAY. */
static bool value_number(ev *e, const attr_def *d, const seg_value *v, double *out) {
    if (d->kind == K_DAY) {
        if (v->type != SEGV_DATE) {
            fail(e, v->pos, "%s takes a date (2026-01-31), or use within 30d, before or after", d->name);
            return false;
        }
        *out = v->day;
        return true;
    }
    if (v->type != SEGV_NUMBER) {
        fail(e, v->pos, "%s takes a number%s", d->name, strncmp(d->name, "spend", 5) == 0 ? " (fen: 300 yuan is 30000)" : "");
        return false;
    }
    if (fabs(v->number) > 9.2e18) {
        fail(e, v->pos, "%s: the number is too large", d->name);
        return false;
    }
    *out = d->scale ? round(v->number * d->scale * 1e6) / 1e6 : v->number; /* 0.3 x 10000 is 3000, not 2999.99... */
    return true;
}

static roaring_bitmap_t *eval_node(ev *e, const seg_node *n, int depth);

static audience_rfm *rfm_of(ev *e) {
    if (!e->rfm_ready) {
        e->rfm = rfm_prepare(e->a);
        e->rfm_ready = true;
    }
    return e->rfm;
}

/* An RFM score or group condition: the buyers it holds for (nobody has a score before buying). */
static roaring_bitmap_t *rfm_condition(ev *e, const attr_def *d, const seg_node *n) {
    audience_rfm *r = rfm_of(e);
    if (d->kind == K_RFM_GROUP) {
        const seg_value *vals = n->kind == SEG_IN ? n->list : &n->v;
        int nvals = n->kind == SEG_IN ? n->nlist : 1;
        if (n->kind != SEG_IN && !(n->kind == SEG_CMP && (n->op == SEG_EQ || n->op == SEG_NE)))
            return fail(e, n->attr_pos, "rfm_group takes =, != or in");
        roaring_bitmap_t *out = roaring_bitmap_create();
        for (int i = 0; i < nvals; i++) {
            int g = -1;
            for (int k = 0; k < RFM_NGROUPS && vals[i].type == SEGV_TEXT; k++)
                if (strcmp(rfm_group_names[k], vals[i].text) == 0) g = k;
            if (g < 0) {
                roaring_bitmap_free(out);
                return fail(e, vals[i].pos, "rfm_group is one of 重要价值客户, 重要发展客户, 重要保持客户, 重要挽留客户,"
                                            " 一般价值客户, 一般发展客户, 一般保持客户, 一般挽留客户");
            }
            if (r) {
                roaring_bitmap_t *one = rfm_group(r, g);
                roaring_bitmap_or_inplace(out, one);
                roaring_bitmap_free(one);
            }
        }
        if (n->kind == SEG_CMP && n->op == SEG_NE) {
            roaring_bitmap_t *rest = roaring_bitmap_andnot(everyone(e), out);
            roaring_bitmap_free(out);
            return rest;
        }
        return out;
    }
    /* scores: every comparison is a range of 1..5 (!= is the rest) */
    const seg_value *vals = n->kind == SEG_IN ? n->list : &n->v;
    int nvals = n->kind == SEG_IN ? n->nlist : n->kind == SEG_BETWEEN ? 2 : 1;
    int s[SEG_MAX_LIST];
    for (int i = 0; i < nvals; i++) {
        const seg_value *v = i == 1 && n->kind == SEG_BETWEEN ? &n->v2 : &vals[i];
        if (v->type != SEGV_NUMBER || !v->integral || v->number < 1 || v->number > 5)
            return fail(e, v->pos, "%s is a score from 1 to 5", d->name);
        s[i] = (int)v->number;
    }
    if (n->kind != SEG_CMP && n->kind != SEG_IN && n->kind != SEG_BETWEEN)
        return fail(e, n->attr_pos, "%s takes a comparison, in or between", d->name);
    if (!r) return roaring_bitmap_create();
    if (n->kind == SEG_IN) {
        roaring_bitmap_t *out = roaring_bitmap_create();
        for (int i = 0; i < nvals; i++) {
            roaring_bitmap_t *one = rfm_scores(r, d->col, s[i], s[i]);
            roaring_bitmap_or_inplace(out, one);
            roaring_bitmap_free(one);
        }
        return out;
    }
    if (n->kind == SEG_BETWEEN) return rfm_scores(r, d->col, s[0], s[1]);
    switch (n->op) {
    case SEG_EQ: return rfm_scores(r, d->col, s[0], s[0]);
    case SEG_LT: return rfm_scores(r, d->col, 1, s[0] - 1);
    case SEG_LE: return rfm_scores(r, d->col, 1, s[0]);
    case SEG_GT: return rfm_scores(r, d->col, s[0] + 1, 5);
    case SEG_GE: return rfm_scores(r, d->col, s[0], 5);
    default: { /* != */
        roaring_bitmap_t *lo = rfm_scores(r, d->col, 1, s[0] - 1), *hi = rfm_scores(r, d->col, s[0] + 1, 5);
        roaring_bitmap_or_inplace(lo, hi);
        roaring_bitmap_free(hi);
        return lo;
    }
    }
}

static roaring_bitmap_t *union_values(ev *e, const attr_def *d, const seg_value *list, int nlist) {
    roaring_bitmap_t *r = roaring_bitmap_create();
    for (int i = 0; i < nlist && e->rc == YT_OK; i++) {
        roaring_bitmap_t *one;
        if (d->kind == K_NUM || d->kind == K_DAY) {
            double c;
            one = value_number(e, d, &list[i], &c) ? num_compare(e, d, SEG_EQ, c) : NULL;
        } else {
            one = value_set(e, d, &list[i]);
        }
        if (!one) break;
        roaring_bitmap_or_inplace(r, one);
        roaring_bitmap_free(one);
    }
    if (e->rc != YT_OK) {
        roaring_bitmap_free(r);
        return NULL;
    }
    return r;
}

/* count(type, Nd) op v: counted in the store over the window; customers with no such event count 0. */
static roaring_bitmap_t *event_count(ev *e, const seg_node *n) {
    if (!event_type_valid(n->event)) return fail(e, n->pos + 6, "unknown event type '%s'", n->event);
    if (n->v.type != SEGV_NUMBER) return fail(e, n->v.pos, "count(...) compares with a number");
    double c = n->v.number;
    yt_param p[] = {PT(n->event), PI(brand_day_start(e->today - n->days + 1))};
    yt_rows *r = db_query(e->x->db, "SELECT customer_id, count(*) FROM events WHERE type = ? AND at >= ? GROUP BY customer_id", 2, p);
    if (!r) return store_failed(e);
    roaring_bitmap_t *yes = roaring_bitmap_create(), *no = roaring_bitmap_create();
    while (rows_next(r)) {
        int64_t id = rows_int(r, 0);
        double k = (double)rows_int(r, 1);
        if (id <= 0 || id > UINT32_MAX) continue;
        bool holds = n->op == SEG_EQ ? k == c : n->op == SEG_NE ? k != c : n->op == SEG_LT ? k < c
                   : n->op == SEG_LE ? k <= c : n->op == SEG_GT ? k > c : k >= c;
        roaring_bitmap_add(holds ? yes : no, (uint32_t)id);
    }
    rows_free(r);
    bool zero_holds = n->op == SEG_EQ ? c == 0 : n->op == SEG_NE ? c != 0 : n->op == SEG_LT ? 0 < c
                    : n->op == SEG_LE ? 0 <= c : n->op == SEG_GT ? 0 > c : 0 >= c;
    if (zero_holds) { /* everyone but those whose count fails */
        roaring_bitmap_t *all = roaring_bitmap_andnot(everyone(e), no);
        roaring_bitmap_free(yes);
        yes = all;
    }
    roaring_bitmap_free(no);
    return yes;
}

/* r kept within the filter, for answers computed without it (RFM, event counts). */
static roaring_bitmap_t *within_filter(ev *e, roaring_bitmap_t *r) {
    if (r && e->filter) roaring_bitmap_and_inplace(r, e->filter);
    return r;
}

static roaring_bitmap_t *eval_condition(ev *e, const seg_node *n) {
    if (n->kind == SEG_ANY_TAG || n->kind == SEG_ALL_TAGS) {
        const attr_def *tag = &attrs[0];
        if (n->kind == SEG_ANY_TAG) return union_values(e, tag, n->list, n->nlist);
        roaring_bitmap_t *r = roaring_bitmap_copy(everyone(e));
        for (int i = 0; i < n->nlist && e->rc == YT_OK; i++) {
            roaring_bitmap_t *one = value_set(e, tag, &n->list[i]);
            if (!one) break;
            roaring_bitmap_and_inplace(r, one);
            roaring_bitmap_free(one);
        }
        if (e->rc != YT_OK) {
            roaring_bitmap_free(r);
            return NULL;
        }
        return r;
    }
    if (n->kind == SEG_COUNT) return within_filter(e, event_count(e, n));
    const attr_def *d = find_attr(n->attr);
    if (!d) {
        char known[600] = "";
        for (int i = 0; i < NATTRS; i++)
            snprintf(known + strlen(known), sizeof known - strlen(known), "%s%s", i ? ", " : "", attrs[i].name);
        return fail(e, n->attr_pos, "unknown attribute '%s'; known: %s, count(event, Nd)", n->attr, known);
    }
    if (d->kind == K_RFM || d->kind == K_RFM_GROUP) {
        if (n->kind == SEG_WITHIN || n->kind == SEG_BEFORE || n->kind == SEG_AFTER)
            return fail(e, n->attr_pos, "%s is not a day: within, before and after do not apply", d->name);
        return within_filter(e, rfm_condition(e, d, n));
    }
    bool numeric = d->kind == K_NUM || d->kind == K_DAY;
    switch (n->kind) {
    case SEG_CMP: {
        if (!numeric) {
            if (n->op != SEG_EQ && n->op != SEG_NE)
                return fail(e, n->attr_pos, "%s takes =, != or in, not %s", d->name, op_text(n->op));
            return n->op == SEG_NE ? value_missing(e, d, &n->v) : value_set(e, d, &n->v);
        }
        double c;
        return value_number(e, d, &n->v, &c) ? num_compare(e, d, n->op, c) : NULL;
    }
    case SEG_IN:
        return union_values(e, d, n->list, n->nlist);
    case SEG_BETWEEN: {
        if (!numeric) return fail(e, n->attr_pos, "%s is not a number or a date: between does not apply", d->name);
        double lo, hi;
        if (!value_number(e, d, &n->v, &lo) || !value_number(e, d, &n->v2, &hi)) return NULL;
        if (lo > hi) return fail(e, n->v.pos, "between %g and %g is empty: the lower bound comes first", lo, hi);
        return num_range(e, d, lo, hi);
    }
    case SEG_WITHIN: case SEG_BEFORE: case SEG_AFTER: {
        const char *word = n->kind == SEG_WITHIN ? "within" : n->kind == SEG_BEFORE ? "before" : "after";
        if (d->kind != K_DAY)
            return fail(e, n->attr_pos, "%s applies to days (first_order, last_order, last_seen, created, paid_until), not %s", word, d->name);
        if (n->kind == SEG_WITHIN) {
            return num_range(e, d, (double)(e->today - n->days + 1), (double)e->today);
        }
        if (n->v.type != SEGV_DATE) return fail(e, n->v.pos, "%s takes a date (2026-01-31)", word);
        return num_compare(e, d, n->kind == SEG_BEFORE ? SEG_LT : SEG_GT, (double)n->v.day);
    }
    default:
        return fail(e, n->pos, "unexpected condition");
    }
}

static roaring_bitmap_t *eval_node(ev *e, const seg_node *n, int depth) {
    if (depth > SEG_MAX_DEPTH * 4) return fail(e, n->pos, "the segment nests too deeply");
    switch (n->kind) {
    case SEG_AND: case SEG_OR: {
        /* a and b and c ... leans left in the tree: walk the chain instead of recursing down it */
        const seg_node *chain[SEG_MAX_NODES + 1];
        int len = 0;
        const seg_node *at = n;
        for (; at->kind == n->kind && len < SEG_MAX_NODES; at = at->a) chain[len++] = at;
        roaring_bitmap_t *acc = eval_node(e, at, depth + 1);
        const roaring_bitmap_t *outer = e->filter;
        for (int i = len - 1; acc && i >= 0; i--) {
            if (n->kind == SEG_AND) e->filter = acc; /* what is left so far bounds the next condition */
            roaring_bitmap_t *r = eval_node(e, chain[i]->b, depth + 1);
            e->filter = outer;
            if (!r) {
                roaring_bitmap_free(acc);
                return NULL;
            }
            if (n->kind == SEG_AND) { /* r lies within acc, which bounded it */
                roaring_bitmap_free(acc);
                acc = r;
            } else {
                roaring_bitmap_or_inplace(acc, r);
                roaring_bitmap_free(r);
            }
        }
        return acc;
    }
    case SEG_NOT: {
        const seg_node *in = n->a;
        const attr_def *d = in->kind == SEG_CMP && in->op == SEG_EQ ? find_attr(in->attr) : NULL;
        if (d && (d->kind == K_TAG || d->kind == K_CAT_ID || d->kind == K_CAT_TEXT)) return value_missing(e, d, &in->v);
        roaring_bitmap_t *inner = eval_node(e, n->a, depth + 1);
        if (!inner) return NULL;
        roaring_bitmap_t *r = roaring_bitmap_andnot(everyone(e), inner);
        roaring_bitmap_free(inner);
        return r;
    }
    default:
        return eval_condition(e, n);
    }
}

int audience_eval(audience *a, yt_ctx *x, const seg_node *n, audience_result *out, seg_error *err) {
    memset(out, 0, sizeof *out);
    memset(err, 0, sizeof *err);
    ev e = {.a = a, .x = x, .err = err, .out = out, .today = audience_today(a), .rc = YT_OK};
    pthread_rwlock_rdlock(&a->lock);
    roaring_bitmap_t *r = eval_node(&e, n, 0);
    if (r) audience_restrict(a, x->who, r);
    rfm_free(e.rfm);
    pthread_rwlock_unlock(&a->lock);
    if (!r) return e.rc ? e.rc : YT_EINTERNAL;
    out->members = r;
    return YT_OK;
}

void audience_result_free(audience_result *r) {
    if (r->members) roaring_bitmap_free(r->members);
    r->members = NULL;
}
