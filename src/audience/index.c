/* The audience index: bitmaps per tag and per category value, bit-sliced numbers, built from the store and
 * kept current from the change feed; writers hold the lock only while they apply what they read. */
#include "index_internal.h"
#include "../base/alloc.h"
#include "../base/ids.h"
#include "../base/log.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/changes.h"
#include "../order/order.h"
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

/* ---- days ---- */

int32_t audience_today(const audience *a) {
    int32_t pinned = atomic_load(&a->pinned_day);
    return pinned ? pinned : brand_day(now_ms());
}

void audience_set_today(audience *a, int32_t day) {
    atomic_store(&a->pinned_day, day);
}

/* ---- categories ---- */


/* The code of a text value; with create, a new code for a new value; 0 for "" or unknown. */
static uint32_t cat_text_code(cat_col *c, const char *s, bool create) {
    if (!s || !*s) return 0;
    if (c->hcap) {
        for (uint32_t i = hash_fnv1a32(s) & (c->hcap - 1);; i = (i + 1) & (c->hcap - 1)) {
            uint32_t code = c->slots[i];
            if (!code) break;
            if (strcmp(c->text[code - 1], s) == 0) return code;
        }
    }
    if (!create) return 0;
    if (c->ntext + 1 > c->hcap / 2) { /* rehash at half full */
        uint32_t ncap = c->hcap ? c->hcap * 2 : 64;
        uint32_t *slots = yt_calloc(ncap, sizeof *slots);
        for (uint32_t code = 1; code <= c->ntext; code++) {
            uint32_t i = hash_fnv1a32(c->text[code - 1]) & (ncap - 1);
            while (slots[i]) i = (i + 1) & (ncap - 1);
            slots[i] = code;
        }
        free(c->slots);
        c->slots = slots;
        c->hcap = ncap;
    }
    if (c->ntext == c->cap_text) {
        c->cap_text = c->cap_text ? c->cap_text * 2 : 32;
        c->text = yt_realloc(c->text, c->cap_text * sizeof *c->text);
    }
    c->text[c->ntext++] = yt_strdup(s);
    uint32_t code = c->ntext, i = hash_fnv1a32(s) & (c->hcap - 1);
    while (c->slots[i]) i = (i + 1) & (c->hcap - 1);
    c->slots[i] = code;
    return code;
}

static roaring_bitmap_t *cat_bitmap(cat_col *c, uint32_t code) {
    if (code >= c->nbm) {
        uint32_t n = code + 1 > c->nbm * 2 ? code + 1 : c->nbm * 2;
        c->bm = yt_realloc(c->bm, n * sizeof *c->bm);
        memset(c->bm + c->nbm, 0, (n - c->nbm) * sizeof *c->bm);
        c->nbm = n;
    }
    if (!c->bm[code]) c->bm[code] = roaring_bitmap_create();
    return c->bm[code];
}

static void cat_set(cat_col *c, uint32_t id, uint32_t code) {
    uint32_t old = dense_get(&c->code, id);
    if (old == code) return;
    if (old && old < c->nbm && c->bm[old]) roaring_bitmap_remove(c->bm[old], id);
    dense_set(&c->code, id, code);
    if (code) roaring_bitmap_add(cat_bitmap(c, code), id);
}

static void cat_free(cat_col *c) {
    for (uint32_t i = 0; i < c->nbm; i++)
        if (c->bm[i]) roaring_bitmap_free(c->bm[i]);
    for (uint32_t i = 0; i < c->ntext; i++) free(c->text[i]);
    free(c->bm);
    free(c->text);
    free(c->slots);
    dense_free(&c->code);
}

/* ---- the index ---- */

audience *audience_new(void) {
    audience *a = yt_calloc(1, sizeof *a);
    pthread_rwlock_init(&a->lock, NULL);
    pthread_mutex_init(&a->sync_mu, NULL);
    pthread_mutex_init(&a->own_mu, NULL);
    a->live = roaring_bitmap_create();
    a->pinned = roaring_bitmap_create();
    for (int i = 0; i < NNUM; i++) bsi_init(&a->num[i]);
    return a;
}

static void clear_content(audience *a) {
    roaring_bitmap_clear(a->live);
    roaring_bitmap_clear(a->pinned);
    for (uint32_t i = 0; i < a->ntags; i++)
        if (a->tags[i]) roaring_bitmap_free(a->tags[i]);
    free(a->tags);
    a->tags = NULL;
    a->ntags = 0;
    for (int i = 0; i < NCAT; i++) {
        cat_free(&a->cat[i]);
        memset(&a->cat[i], 0, sizeof a->cat[i]);
    }
    for (int i = 0; i < NNUM; i++) {
        bsi_free(&a->num[i]);
        bsi_init(&a->num[i]);
    }
}

void audience_free(audience *a) {
    if (!a) return;
    clear_content(a);
    roaring_bitmap_free(a->live);
    roaring_bitmap_free(a->pinned);
    for (int i = 0; i < NNUM; i++) bsi_free(&a->num[i]);
    pthread_rwlock_destroy(&a->lock);
    pthread_mutex_destroy(&a->sync_mu);
    pthread_mutex_destroy(&a->own_mu);
    free(a->own_txs);
    free(a);
}

static roaring_bitmap_t *tag_bitmap(audience *a, uint32_t tag) {
    if (tag >= a->ntags) {
        uint32_t n = tag + 1 > a->ntags * 2 ? tag + 1 : a->ntags * 2;
        a->tags = yt_realloc(a->tags, n * sizeof *a->tags);
        memset(a->tags + a->ntags, 0, (n - a->ntags) * sizeof *a->tags);
        a->ntags = n;
    }
    if (!a->tags[tag]) a->tags[tag] = roaring_bitmap_create();
    return a->tags[tag];
}

/* ---- reading the store ---- */


/* A column of the customer row, orders or events query, in bulk (the build) or for some customers. */
#define CUSTOMER_ROW_SQL                                                                                   \
    "SELECT id, store_id, owner_id, city, gender, consent, lifecycle, member_level, points, created_at,"  \
    " lifecycle_pinned"                                                                                  \
    " FROM customers WHERE merged_into IS NULL AND erased_at IS NULL"

static void apply_row(audience *a, uint32_t id, yt_rows *r) {
    roaring_bitmap_add(a->live, id);
    if (rows_int(r, 10)) roaring_bitmap_add(a->pinned, id);
    else roaring_bitmap_remove(a->pinned, id);
    cat_set(&a->cat[CAT_STORE], id, rows_null(r, 1) ? 0 : (uint32_t)rows_int(r, 1));
    cat_set(&a->cat[CAT_OWNER], id, rows_null(r, 2) ? 0 : (uint32_t)rows_int(r, 2));
    static const int text_cols[][2] = {{CAT_CITY, 3}, {CAT_GENDER, 4}, {CAT_CONSENT, 5}, {CAT_LIFECYCLE, 6}};
    for (size_t i = 0; i < sizeof text_cols / sizeof text_cols[0]; i++) {
        cat_col *c = &a->cat[text_cols[i][0]];
        cat_set(c, id, cat_text_code(c, rows_text(r, text_cols[i][1]), true));
    }
}

static uint64_t non_negative(int64_t v) {
    return v > 0 ? (uint64_t)v : 0;
}

/* Sets a number, or clears it when it is 0 and 0 is what an absent value means (sums and counts). */
static void set_sum(bsi *b, uint32_t id, int64_t v) {
    if (v > 0) bsi_set(b, id, (uint64_t)v);
    else bsi_clear(b, id);
}


/* Numbers on their way in: one by one when refreshing some customers, in sorted batches when building
 * (bsi_add_sorted is many times faster than setting values one at a time). */
#define SINK_CHUNK 65536

typedef struct {
    bool bulk;
    bsi *cols;                /* bulk: the columns filled (NULL: the index's own) */
    uint32_t *ids[NNUM];
    uint64_t *vals[NNUM];
    size_t n[NNUM];
} num_sink;

static void sink_flush_col(audience *a, num_sink *s, int col) {
    if (s->n[col]) bsi_add_sorted(s->cols ? &s->cols[col] : &a->num[col], s->ids[col], s->vals[col], s->n[col]);
    s->n[col] = 0;
}

/* zero_absent: a 0 is stored as no value (sums and counts, where no value reads as 0) */
static void sink_put(audience *a, num_sink *s, int col, uint32_t id, int64_t v, bool zero_absent) {
    if (!s->bulk) {
        if (zero_absent) set_sum(&a->num[col], id, v);
        else bsi_set(&a->num[col], id, non_negative(v));
        return;
    }
    if (zero_absent && v <= 0) return;
    if (!s->ids[col]) {
        s->ids[col] = yt_malloc(SINK_CHUNK * sizeof(uint32_t));
        s->vals[col] = yt_malloc(SINK_CHUNK * sizeof(uint64_t));
    }
    s->ids[col][s->n[col]] = id;
    s->vals[col][s->n[col]++] = non_negative(v);
    if (s->n[col] == SINK_CHUNK) sink_flush_col(a, s, col);
}

static void sink_finish(audience *a, num_sink *s) {
    for (int c = 0; c < NNUM; c++) {
        sink_flush_col(a, s, c);
        free(s->ids[c]);
        free(s->vals[c]);
    }
}

/* The query for everyone (ids NULL) or for ids[0..n), which are sorted. */
static yt_rows *query_for(yt_db *db, const char *select, const char *id_col, const char *tail, const int64_t *ids,
                          size_t n, yt_param *p, int np) {
    yt_buf sql = YT_BUF_INIT;
    buf_puts(&sql, select);
    char *list = NULL;
    if (ids) {
        buf_printf(&sql, " %s %s%s", strstr(select, " WHERE ") ? "AND" : "WHERE", id_col, db_in_ids(db_dialect(db)));
        list = db_id_list(db_dialect(db), ids, n);
        p[np++] = PT(list);
    }
    buf_puts(&sql, tail);
    yt_rows *r = db_query(db, sql.p, np, p);
    buf_free(&sql);
    free(list);
    return r;
}

static void remove_customer(audience *a, uint32_t id) {
    roaring_bitmap_remove(a->live, id);
    roaring_bitmap_remove(a->pinned, id);
    for (int i = 0; i < NCAT; i++) cat_set(&a->cat[i], id, 0);
    for (int i = 0; i < NNUM; i++) bsi_clear(&a->num[i], id);
    for (uint32_t t = 0; t < a->ntags; t++)
        if (a->tags[t]) roaring_bitmap_remove(a->tags[t], id);
}

/* One customer's paid periods (ascending start) become the level held now (0: none) and the day the run at
 * that level or above ends, or, held no more, the day the last period ended (lapsed members stay findable). */
typedef struct {
    int64_t level, starts, ends;
} paid_period;

static void put_paid(audience *a, num_sink *sink, uint32_t id, const paid_period *p, size_t n, int64_t now) {
    int64_t level = 0, until = 0;
    for (size_t i = 0; i < n; i++) {
        if (p[i].starts <= now && now < p[i].ends && p[i].level > level) level = p[i].level;
        if (p[i].ends > until) until = p[i].ends;
    }
    if (level) { /* in start order, a period at that level or above that begins by the run's end carries it on */
        until = now;
        for (size_t i = 0; i < n; i++)
            if (p[i].level >= level && p[i].starts <= until && p[i].ends > until) until = p[i].ends;
    }
    sink_put(a, sink, NUM_PAID_LEVEL, id, level, true);
    sink_put(a, sink, NUM_PAID_UNTIL, id, brand_day(until), false);
}

/* The paid-membership columns of everyone (ids NULL) or of ids (sorted), from their periods that ran at all
 * (a refunded period that never began has none). */
static int load_memberships(audience *a, yt_db *db, const int64_t *ids, size_t n, num_sink *sink) {
    for (size_t i = 0; ids && i < n; i++) {
        bsi_clear(&a->num[NUM_PAID_LEVEL], (uint32_t)ids[i]);
        bsi_clear(&a->num[NUM_PAID_UNTIL], (uint32_t)ids[i]);
    }
    yt_param p[1];
    yt_rows *r = query_for(db, "SELECT customer_id, level, starts_at, ends_at FROM memberships WHERE ends_at > starts_at",
                           "customer_id", " ORDER BY customer_id, starts_at", ids, n, p, 0);
    if (!r) return -1;
    int64_t now = now_ms(), at = 0;
    paid_period *run = NULL;
    size_t nrun = 0, cap = 0;
    for (bool more = rows_next(r);; more = rows_next(r)) {
        int64_t id = more ? rows_int(r, 0) : -1;
        if (id != at && nrun) {
            if (roaring_bitmap_contains(a->live, (uint32_t)at)) put_paid(a, sink, (uint32_t)at, run, nrun, now);
            nrun = 0;
        }
        if (!more) break;
        at = id;
        if (id <= 0 || id > UINT32_MAX) continue;
        if (nrun == cap) run = yt_realloc(run, (cap = cap ? cap * 2 : 8) * sizeof *run);
        run[nrun++] = (paid_period){rows_int(r, 1), rows_int(r, 2), rows_int(r, 3)};
    }
    free(run);
    rows_free(r);
    return 0;
}

static int load_rows(audience *a, yt_db *db, const int64_t *ids, size_t n, num_sink *sink) {
    yt_param p[1];
    yt_rows *r = query_for(db, CUSTOMER_ROW_SQL, "id", " ORDER BY id", ids, n, p, 0);
    if (!r) return -1;
    size_t next = 0; /* ids before the row's id that the query did not return are gone (merged, erased) */
    while (rows_next(r)) {
        int64_t id = rows_int(r, 0);
        if (id <= 0 || id > UINT32_MAX) continue;
        for (; ids && next < n && ids[next] < id; next++) remove_customer(a, (uint32_t)ids[next]);
        if (ids && next < n && ids[next] == id) next++;
        apply_row(a, (uint32_t)id, r);
        sink_put(a, sink, NUM_MEMBER_LEVEL, (uint32_t)id, rows_int(r, 7), false);
        sink_put(a, sink, NUM_POINTS, (uint32_t)id, rows_int(r, 8), false);
        sink_put(a, sink, NUM_CREATED, (uint32_t)id, brand_day(rows_int(r, 9)), false);
    }
    rows_free(r);
    for (; ids && next < n; next++) remove_customer(a, (uint32_t)ids[next]);
    return load_memberships(a, db, ids, n, sink);
}

static int load_tags(audience *a, yt_db *db, const int64_t *ids, size_t n) {
    for (size_t i = 0; ids && i < n; i++)
        for (uint32_t t = 0; t < a->ntags; t++)
            if (a->tags[t]) roaring_bitmap_remove(a->tags[t], (uint32_t)ids[i]);
    yt_param p[1];
    yt_rows *r = query_for(db, "SELECT customer_id, tag_id FROM customer_tags", "customer_id", "", ids, n, p, 0);
    if (!r) return -1;
    while (rows_next(r)) {
        int64_t id = rows_int(r, 0), tag = rows_int(r, 1);
        if (id > 0 && id <= UINT32_MAX && tag > 0 && tag < (1 << 30)) roaring_bitmap_add(tag_bitmap(a, (uint32_t)tag), (uint32_t)id);
    }
    rows_free(r);
    return 0;
}

static const int order_cols[] = {NUM_SPEND,      NUM_ORDERS,     NUM_SPEND_30D,   NUM_SPEND_90D,
                                 NUM_SPEND_365D, NUM_ORDERS_30D, NUM_ORDERS_90D,  NUM_ORDERS_365D,
                                 NUM_FIRST_ORDER, NUM_LAST_ORDER};
static const int windows[] = {30, 90, 365};

static int load_orders(audience *a, yt_db *db, const int64_t *ids, size_t n, int32_t today, num_sink *sink) {
    for (size_t i = 0; ids && i < n; i++)
        for (size_t c = 0; c < sizeof order_cols / sizeof order_cols[0]; c++) bsi_clear(&a->num[order_cols[c]], (uint32_t)ids[i]);
    yt_param p[7];
    for (int k = 0; k < 6; k++) p[k] = PI(brand_day_start(today - windows[k % 3] + 1));
    yt_rows *r = query_for(db,
                           "SELECT customer_id, count(*), sum(amount_fen),"
                           " sum(CASE WHEN ordered_at >= ? THEN amount_fen ELSE 0 END),"
                           " sum(CASE WHEN ordered_at >= ? THEN amount_fen ELSE 0 END),"
                           " sum(CASE WHEN ordered_at >= ? THEN amount_fen ELSE 0 END),"
                           " sum(CASE WHEN ordered_at >= ? THEN 1 ELSE 0 END),"
                           " sum(CASE WHEN ordered_at >= ? THEN 1 ELSE 0 END),"
                           " sum(CASE WHEN ordered_at >= ? THEN 1 ELSE 0 END),"
                           " min(ordered_at), max(ordered_at) FROM orders WHERE " ORDER_COUNTS,
                           "customer_id", " GROUP BY customer_id ORDER BY customer_id", ids, n, p, 6);
    if (!r) return -1;
    while (rows_next(r)) {
        int64_t id = rows_int(r, 0);
        if (id <= 0 || id > UINT32_MAX) continue;
        uint32_t u = (uint32_t)id;
        sink_put(a, sink, NUM_ORDERS, u, rows_int(r, 1), true);
        sink_put(a, sink, NUM_SPEND, u, rows_int(r, 2), true);
        sink_put(a, sink, NUM_SPEND_30D, u, rows_int(r, 3), true);
        sink_put(a, sink, NUM_SPEND_90D, u, rows_int(r, 4), true);
        sink_put(a, sink, NUM_SPEND_365D, u, rows_int(r, 5), true);
        sink_put(a, sink, NUM_ORDERS_30D, u, rows_int(r, 6), true);
        sink_put(a, sink, NUM_ORDERS_90D, u, rows_int(r, 7), true);
        sink_put(a, sink, NUM_ORDERS_365D, u, rows_int(r, 8), true);
        sink_put(a, sink, NUM_FIRST_ORDER, u, brand_day(rows_int(r, 9)), false);
        sink_put(a, sink, NUM_LAST_ORDER, u, brand_day(rows_int(r, 10)), false);
    }
    rows_free(r);
    return 0;
}

static int load_events(audience *a, yt_db *db, const int64_t *ids, size_t n, num_sink *sink) {
    for (size_t i = 0; ids && i < n; i++) bsi_clear(&a->num[NUM_LAST_SEEN], (uint32_t)ids[i]);
    /* the events yutang writes itself (segment entries and exits) are not the customer being seen. For some
     * customers (after an event batch) each one's newest event is read backwards along events_customer, so
     * the cost does not grow with how many events a customer already has */
#define SEEN "type NOT IN ('segment_entered', 'segment_exited')"
    yt_rows *r;
    char *list = NULL;
    if (ids) {
        bool pg = db_dialect(db) == YT_PG;
        list = db_id_list(db_dialect(db), ids, n);
        yt_param p[] = {PT(list)};
        r = db_query(db,
                     pg ? "SELECT v, (SELECT at FROM events e WHERE e.customer_id = v AND " SEEN " ORDER BY at DESC LIMIT 1)"
                          " FROM unnest(CAST(? AS BIGINT[])) AS v"
                        : "SELECT value, (SELECT at FROM events e WHERE e.customer_id = value AND " SEEN " ORDER BY at DESC LIMIT 1)"
                          " FROM json_each(?)",
                     1, p);
    } else {
        r = db_query(db, "SELECT customer_id, max(at) FROM events WHERE " SEEN " GROUP BY customer_id ORDER BY customer_id", 0, NULL);
    }
#undef SEEN
    free(list);
    if (!r) return -1;
    while (rows_next(r)) {
        int64_t id = rows_int(r, 0);
        if (id > 0 && id <= UINT32_MAX && !rows_null(r, 1))
            sink_put(a, sink, NUM_LAST_SEEN, (uint32_t)id, brand_day(rows_int(r, 1)), false);
    }
    rows_free(r);
    return 0;
}

/* Lifetime-value predictions from the model for all customers (ids NULL) or some, from their paid orders up
 * to today: P(alive), expected orders and expected value over the next 90 days. */
static const int clv_cols[] = {NUM_P_ALIVE, NUM_EXPECTED_90D, NUM_VALUE_90D};

static int load_clv(audience *a, yt_db *db, const int64_t *ids, size_t n, int32_t today, num_sink *sink, const clv_model *m) {
    for (size_t i = 0; ids && i < n; i++)
        for (size_t c = 0; c < sizeof clv_cols / sizeof clv_cols[0]; c++) bsi_clear(&a->num[clv_cols[c]], (uint32_t)ids[i]);
    if (!m) return 0;
    yt_param p[2] = {PI(brand_day_start(today + 1))};
    yt_rows *r = query_for(db, "SELECT customer_id, ordered_at, amount_fen FROM orders WHERE " ORDER_COUNTS " AND ordered_at < ?",
                           "customer_id", " ORDER BY customer_id, ordered_at", ids, n, p, 1);
    if (!r) return -1;
    clv_summary s;
    clv_summary_init(&s, today, m->unit);
    while (rows_next(r))
        if (!clv_summary_add(&s, rows_int(r, 0), brand_day(rows_int(r, 1)), rows_int(r, 2))) break;
    rows_free(r);
    int rc = clv_summary_finish(&s) ? 0 : -1;
    double horizon = m->unit == CLV_DAY ? 90.0 : 90.0 / 7.0;
    for (size_t i = 0; rc == 0 && i < s.n; i++) {
        const clv_rfm *c = &s.rows[i];
        if (c->customer_id <= 0 || c->customer_id > UINT32_MAX) continue;
        uint32_t id = (uint32_t)c->customer_id;
        double alive = clv_bgnbd_p_alive(&m->bgnbd, c), expected = clv_bgnbd_expected_purchases(&m->bgnbd, c, horizon);
        if (isfinite(alive)) sink_put(a, sink, NUM_P_ALIVE, id, llround(alive * 10000), false);
        if (isfinite(expected)) sink_put(a, sink, NUM_EXPECTED_90D, id, llround(expected * 100), false);
        sink_put(a, sink, NUM_VALUE_90D, id, clv_expected_value_fen(&m->bgnbd, &m->gg, c, horizon), false);
    }
    clv_summary_free(&s);
    return rc;
}

/* The orders' figures and the predictions made from them. */
static int load_orders_and_clv(audience *a, yt_db *db, const int64_t *ids, size_t n, int32_t today, num_sink *sink) {
    int rc = load_orders(a, db, ids, n, today, sink);
    return rc ? rc : load_clv(a, db, ids, n, today, sink, a->has_model ? &a->model : NULL);
}

int audience_build(audience *a, yt_db *db) {
    int64_t t0 = now_ms(), pos;
    pthread_mutex_lock(&a->sync_mu);
    if (change_feed_position(db, &pos) != 0) {
        pthread_mutex_unlock(&a->sync_mu);
        log_error("audience index: cannot read the change feed position: %s", db_error(db));
        return -1;
    }
    pthread_rwlock_wrlock(&a->lock);
    clear_content(a);
    int32_t today = audience_today(a);
    num_sink sink = {.bulk = true};
    int rc = load_rows(a, db, NULL, 0, &sink);
    if (rc == 0) rc = load_tags(a, db, NULL, 0);
    if (rc == 0) rc = load_orders_and_clv(a, db, NULL, 0, today, &sink);
    if (rc == 0) rc = load_events(a, db, NULL, 0, &sink);
    sink_finish(a, &sink);
    for (int i = 0; i < NNUM; i++) bsi_optimize(&a->num[i]);
    for (uint32_t t = 0; t < a->ntags; t++)
        if (a->tags[t]) {
            roaring_bitmap_run_optimize(a->tags[t]);
            roaring_bitmap_shrink_to_fit(a->tags[t]);
        }
    roaring_bitmap_run_optimize(a->live);
    a->feed_pos = pos;
    a->asof_day = today;
    a->build_ms = now_ms() - t0;
    a->synced_at = now_ms();
    a->changes_applied = 0;
    pthread_rwlock_unlock(&a->lock);
    pthread_mutex_unlock(&a->sync_mu);
    if (rc) log_error("audience index: building failed: %s", db_error(db));
    else log_info("audience index: %llu customers in %lld ms", (unsigned long long)roaring_bitmap_get_cardinality(a->live),
                  (long long)a->build_ms);
    return rc;
}

/* ---- following the change feed ---- */

typedef struct {
    int64_t *ids;
    size_t n, cap;
} idvec;

static void idvec_push(idvec *v, int64_t id) {
    if (v->n == v->cap) {
        v->cap = v->cap ? v->cap * 2 : 64;
        v->ids = yt_realloc(v->ids, v->cap * sizeof *v->ids);
    }
    v->ids[v->n++] = id;
}

static void idvec_sort_unique(idvec *v) {
    v->n = ids_sort_unique(v->ids, v->n);
}

/* What each kind of change makes the index read again for the customer it names. */
enum { RE_ROW = 1, RE_TAGS = 2, RE_ORDERS = 4, RE_EVENTS = 8, RE_ALL = 15, DROP_TAG = 16 };

static const struct {
    const char *kind;
    unsigned reread;
} change_effects[] = {
    {CHANGE_CUSTOMER_CREATED, RE_ROW | RE_TAGS},
    {CHANGE_CUSTOMER_UPDATED, RE_ROW | RE_TAGS},   /* an update may set tags too (PATCH, CSV import) */
    {CHANGE_CUSTOMER_TAGGED, RE_TAGS},
    {CHANGE_CUSTOMER_MERGED, RE_ALL},
    {CHANGE_CUSTOMER_ERASED, RE_ALL},
    {CHANGE_CUSTOMER_EVENTS, RE_EVENTS},          /* a batch records the customers it created as created */
    {CHANGE_CUSTOMER_ORDERS, RE_ROW | RE_ORDERS}, /* so may an order, and orders move the stage */
    {CHANGE_TAG_DELETED, DROP_TAG},
    {CHANGE_TAG_RENAMED, 0},                       /* segments name tags; names resolve when evaluated */
};

typedef struct {
    idvec rows, tags, orders, events, dropped;
    uint64_t count;
} change_batch;

static void collect(void *arg, const feed_change *c) {
    change_batch *b = arg;
    b->count++;
    for (size_t i = 0; i < sizeof change_effects / sizeof change_effects[0]; i++) {
        if (strcmp(change_effects[i].kind, c->kind) != 0) continue;
        unsigned e = change_effects[i].reread;
        if (c->customer_id > 0) {
            if (e & RE_ROW) idvec_push(&b->rows, c->customer_id);
            if (e & RE_TAGS) idvec_push(&b->tags, c->customer_id);
            if (e & RE_ORDERS) idvec_push(&b->orders, c->customer_id);
            if (e & RE_EVENTS) idvec_push(&b->events, c->customer_id);
        }
        if ((e & DROP_TAG) && c->ref_id > 0) idvec_push(&b->dropped, c->ref_id);
        return;
    }
}

#define APPLY_CHUNK 2000

typedef int (*loader)(audience *a, yt_db *db, const int64_t *ids, size_t n, int32_t today, num_sink *sink);

static int rows_loader(audience *a, yt_db *db, const int64_t *ids, size_t n, int32_t today, num_sink *sink) {
    (void)today;
    return load_rows(a, db, ids, n, sink);
}
static int tags_loader(audience *a, yt_db *db, const int64_t *ids, size_t n, int32_t today, num_sink *sink) {
    (void)today;
    (void)sink;
    return load_tags(a, db, ids, n);
}
static int events_loader(audience *a, yt_db *db, const int64_t *ids, size_t n, int32_t today, num_sink *sink) {
    (void)today;
    return load_events(a, db, ids, n, sink);
}

/* Reads the customers again a chunk at a time, each chunk under the write lock. */
static int reread(audience *a, yt_db *db, idvec *v, loader load, int32_t today) {
    idvec_sort_unique(v);
    num_sink one = {.bulk = false};
    for (size_t at = 0; at < v->n; at += APPLY_CHUNK) {
        size_t n = v->n - at < APPLY_CHUNK ? v->n - at : APPLY_CHUNK;
        pthread_rwlock_wrlock(&a->lock);
        int rc = load(a, db, v->ids + at, n, today, &one);
        pthread_rwlock_unlock(&a->lock);
        if (rc) return rc;
    }
    return 0;
}

/* Customers whose windowed figures change because days passed: those with orders in the days that left
 * a window. A move backwards (a pinned test clock) or of over a year reads every customer's orders. */
static int roll_days(audience *a, yt_db *db, int32_t today, idvec *orders, bool *all) {
    *all = false;
    if (today == a->asof_day) return 0;
    if (today < a->asof_day || today - a->asof_day > 365) {
        *all = true;
        return 0;
    }
    for (size_t w = 0; w < sizeof windows / sizeof windows[0]; w++) {
        yt_param p[] = {PI(brand_day_start(a->asof_day - windows[w] + 1)), PI(brand_day_start(today - windows[w] + 1))};
        yt_rows *r = db_query(db, "SELECT DISTINCT customer_id FROM orders WHERE ordered_at >= ? AND ordered_at < ?", 2, p);
        if (!r) return -1;
        while (rows_next(r)) idvec_push(orders, rows_int(r, 0));
        rows_free(r);
    }
    return 0;
}

/* Every customer's predictions from model m, read and computed into fresh columns without the lock (reads
 * go on meanwhile), then swapped in under it. The caller holds sync_mu. */
static int reload_clv(audience *a, yt_db *db, int32_t today, const clv_model *m) {
    bsi fresh[NNUM];
    for (size_t c = 0; c < sizeof clv_cols / sizeof clv_cols[0]; c++) bsi_init(&fresh[clv_cols[c]]);
    num_sink sink = {.bulk = true, .cols = fresh};
    int rc = load_clv(a, db, NULL, 0, today, &sink, m);
    sink_finish(a, &sink);
    pthread_rwlock_wrlock(&a->lock);
    for (size_t c = 0; c < sizeof clv_cols / sizeof clv_cols[0]; c++) {
        bsi old = a->num[clv_cols[c]];
        if (rc == 0) {
            bsi_optimize(&fresh[clv_cols[c]]);
            a->num[clv_cols[c]] = fresh[clv_cols[c]];
            fresh[clv_cols[c]] = old;
        }
    }
    if (rc == 0 && m != &a->model) {
        a->model = *m;
        a->has_model = true;
    }
    pthread_rwlock_unlock(&a->lock);
    for (size_t c = 0; c < sizeof clv_cols / sizeof clv_cols[0]; c++) bsi_free(&fresh[clv_cols[c]]);
    return rc;
}

int audience_sync(audience *a, yt_db *db) {
    pthread_mutex_lock(&a->sync_mu);
    change_batch b = {0};
    int64_t pos = a->feed_pos;
    int32_t today = audience_today(a);
    bool all_orders = false;
    int rc = change_feed_read(db, &pos, collect, &b);
    pthread_mutex_lock(&a->own_mu); /* this process's own commits, which the horizon may still hold back */
    int64_t *own = a->own_txs;
    size_t nown = a->nown;
    a->own_txs = NULL;
    a->nown = a->cap_own = 0;
    pthread_mutex_unlock(&a->own_mu);
    if (rc == 0 && nown) rc = change_feed_read_tx(db, own, nown, collect, &b);
    free(own);
    if (rc == 0) rc = roll_days(a, db, today, &b.orders, &all_orders);
    if (rc == 0 && b.dropped.n) {
        pthread_rwlock_wrlock(&a->lock);
        for (size_t i = 0; i < b.dropped.n; i++) {
            int64_t t = b.dropped.ids[i];
            if (t > 0 && (uint64_t)t < a->ntags && a->tags[t]) {
                roaring_bitmap_free(a->tags[t]);
                a->tags[t] = NULL;
            }
        }
        pthread_rwlock_unlock(&a->lock);
    }
    if (rc == 0) rc = reread(a, db, &b.rows, rows_loader, today);
    if (rc == 0) rc = reread(a, db, &b.tags, tags_loader, today);
    if (rc == 0 && all_orders) {
        pthread_rwlock_wrlock(&a->lock);
        for (size_t c = 0; c < sizeof order_cols / sizeof order_cols[0]; c++) {
            bsi_free(&a->num[order_cols[c]]);
            bsi_init(&a->num[order_cols[c]]);
        }
        num_sink sink = {.bulk = true};
        rc = load_orders(a, db, NULL, 0, today, &sink);
        sink_finish(a, &sink);
        pthread_rwlock_unlock(&a->lock);
        if (rc == 0 && a->has_model) rc = reload_clv(a, db, today, &a->model);
    } else if (rc == 0) {
        rc = reread(a, db, &b.orders, load_orders_and_clv, today);
    }
    if (rc == 0 && !all_orders && today != a->asof_day && a->has_model) rc = reload_clv(a, db, today, &a->model); /* T grew */
    if (rc == 0) rc = reread(a, db, &b.events, events_loader, today);
    if (rc == 0) {
        a->feed_pos = pos;
        a->asof_day = today;
        a->changes_applied += b.count;
        a->synced_at = now_ms();
    } else {
        log_error("audience index: following the change feed failed: %s", db_error(db));
    }
    free(b.rows.ids);
    free(b.tags.ids);
    free(b.orders.ids);
    free(b.events.ids);
    free(b.dropped.ids);
    pthread_mutex_unlock(&a->sync_mu);
    return rc;
}

void audience_get_stats(audience *a, audience_stats *s) {
    pthread_rwlock_rdlock(&a->lock);
    s->customers = roaring_bitmap_get_cardinality(a->live);
    size_t bytes = roaring_bitmap_size_in_bytes(a->live);
    for (uint32_t t = 0; t < a->ntags; t++)
        if (a->tags[t]) bytes += roaring_bitmap_size_in_bytes(a->tags[t]);
    for (int i = 0; i < NCAT; i++) {
        bytes += dense_bytes(&a->cat[i].code);
        for (uint32_t c = 0; c < a->cat[i].nbm; c++)
            if (a->cat[i].bm[c]) bytes += roaring_bitmap_size_in_bytes(a->cat[i].bm[c]);
    }
    for (int i = 0; i < NNUM; i++) bytes += bsi_bytes(&a->num[i]);
    s->bytes = bytes;
    s->build_ms = a->build_ms;
    s->changes_applied = a->changes_applied;
    s->synced_at = a->synced_at;
    pthread_rwlock_unlock(&a->lock);
}

uint32_t audience_text_code(audience *a, int cat, const char *s) {
    return cat_text_code(&a->cat[cat], s, false);
}

int audience_use_model(audience *a, yt_db *db, const clv_model *model) {
    pthread_mutex_lock(&a->sync_mu);
    clv_model m = *model; /* the caller's copy may go; reload_clv copies it in under the lock */
    int rc = reload_clv(a, db, a->asof_day ? a->asof_day : audience_today(a), &m);
    pthread_mutex_unlock(&a->sync_mu);
    if (rc) log_error("audience index: predictions failed: %s", db_error(db));
    return rc;
}

void audience_set_model(audience *a, const clv_model *model) {
    pthread_rwlock_wrlock(&a->lock);
    a->model = *model;
    a->has_model = true;
    pthread_rwlock_unlock(&a->lock);
}

bool audience_model(audience *a, clv_model *out) {
    pthread_rwlock_rdlock(&a->lock);
    bool has = a->has_model;
    if (has) *out = a->model;
    pthread_rwlock_unlock(&a->lock);
    return has;
}

roaring_bitmap_t *audience_tag_members(audience *a, int64_t tag_id) {
    pthread_rwlock_rdlock(&a->lock);
    roaring_bitmap_t *b = tag_id > 0 && (uint64_t)tag_id < a->ntags && a->tags[tag_id] ? roaring_bitmap_and(a->tags[tag_id], a->live)
                                                                                    : roaring_bitmap_create();
    pthread_rwlock_unlock(&a->lock);
    return b;
}

uint64_t audience_changes_applied(audience *a) {
    pthread_mutex_lock(&a->sync_mu);
    uint64_t n = a->changes_applied;
    pthread_mutex_unlock(&a->sync_mu);
    return n;
}

roaring_bitmap_t *audience_pinned_members(audience *a) {
    pthread_rwlock_rdlock(&a->lock);
    roaring_bitmap_t *b = roaring_bitmap_and(a->pinned, a->live);
    pthread_rwlock_unlock(&a->lock);
    return b;
}

roaring_bitmap_t *audience_live_members(audience *a) {
    pthread_rwlock_rdlock(&a->lock);
    roaring_bitmap_t *b = roaring_bitmap_copy(a->live);
    pthread_rwlock_unlock(&a->lock);
    return b;
}

roaring_bitmap_t *audience_stage_members(audience *a, const char *stage) {
    pthread_rwlock_rdlock(&a->lock);
    const cat_col *c = &a->cat[CAT_LIFECYCLE];
    uint32_t code = cat_text_code(&a->cat[CAT_LIFECYCLE], stage, false);
    roaring_bitmap_t *b = code && code < c->nbm && c->bm[code] ? roaring_bitmap_and(c->bm[code], a->live) : roaring_bitmap_create();
    pthread_rwlock_unlock(&a->lock);
    return b;
}

void audience_own_commit(void *arg, int64_t tx) {
    audience *a = arg;
    pthread_mutex_lock(&a->own_mu);
    if (a->nown == a->cap_own) {
        a->cap_own = a->cap_own ? a->cap_own * 2 : 64;
        a->own_txs = yt_realloc(a->own_txs, a->cap_own * sizeof *a->own_txs);
    }
    a->own_txs[a->nown++] = tx;
    pthread_mutex_unlock(&a->own_mu);
}

int64_t *audience_ids(const roaring_bitmap_t *b, size_t *n) {
    *n = (size_t)roaring_bitmap_get_cardinality(b);
    int64_t *ids = yt_malloc(sizeof *ids * (*n ? *n : 1));
    roaring_uint32_iterator_t it;
    roaring_init_iterator(b, &it);
    for (size_t i = 0; it.has_value && i < *n; i++, roaring_advance_uint32_iterator(&it)) ids[i] = it.current_value;
    return ids;
}

void audience_restrict(audience *a, const yt_actor *who, roaring_bitmap_t *r) {
    roaring_bitmap_and_inplace(r, a->live);
    if (!who->own_customers_only) return;
    const cat_col *owners = &a->cat[CAT_OWNER];
    uint64_t me = (uint64_t)who->staff_id;
    if (me < owners->nbm && owners->bm[me]) roaring_bitmap_and_inplace(r, owners->bm[me]);
    else roaring_bitmap_clear(r);
}
