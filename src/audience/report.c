/* Reports from the audience index: counts and sums by bitmap and bit-slice operations, under the read lock. */
#include "../base/timeutil.h"
#include "report.h"
#include "index_internal.h"
#include "rfm.h"
#include <math.h>

/* The customers x may see: live, and for a guide only their own. A new bitmap. */
static roaring_bitmap_t *visible(audience *a, const yt_actor *who) {
    roaring_bitmap_t *v = roaring_bitmap_copy(a->live);
    audience_restrict(a, who, v);
    return v;
}

int audience_rfm_json(audience *a, yt_ctx *x, yt_jw *w) {
    pthread_rwlock_rdlock(&a->lock);
    roaring_bitmap_t *mine = visible(a, x->who);
    audience_rfm *r = rfm_prepare(a);
    jw_obj(w);
    jw_kint(w, "buyers", r ? (int64_t)roaring_bitmap_and_cardinality(rfm_buyers(r), mine) : 0);
    jw_key(w, "means");
    jw_obj(w);
    static const char *const dims[] = {"recency_day", "orders", "spend"};
    for (int d = 0; d < RFM_NDIMS; d++) {
        jw_key(w, dims[d]);
        jw_dbl(w, r ? rfm_mean(r, d) : 0);
    }
    jw_obj_end(w);
    jw_key(w, "grid");
    jw_arr(w);
    for (int rs = 1; r && rs <= 5; rs++) {
        roaring_bitmap_t *rb = rfm_scores(r, RFM_R, rs, rs);
        roaring_bitmap_and_inplace(rb, mine);
        for (int fs = 1; fs <= 5; fs++) {
            roaring_bitmap_t *fb = rfm_scores(r, RFM_F, fs, fs);
            jw_obj(w);
            jw_kint(w, "r", rs);
            jw_kint(w, "f", fs);
            jw_kint(w, "count", (int64_t)roaring_bitmap_and_cardinality(rb, fb));
            jw_obj_end(w);
            roaring_bitmap_free(fb);
        }
        roaring_bitmap_free(rb);
    }
    jw_arr_end(w);
    jw_key(w, "groups");
    jw_arr(w);
    for (int g = RFM_NGROUPS - 1; r && g >= 0; g--) {
        roaring_bitmap_t *gb = rfm_group(r, g);
        roaring_bitmap_and_inplace(gb, mine);
        uint64_t count, spend = bsi_sum(&a->num[NUM_SPEND], gb, &count);
        jw_obj(w);
        jw_kstr(w, "name", rfm_group_names[g]);
        jw_kint(w, "count", (int64_t)roaring_bitmap_get_cardinality(gb));
        jw_kint(w, "mean_spend", count ? (int64_t)(spend / count) : 0);
        jw_obj_end(w);
        roaring_bitmap_free(gb);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    rfm_free(r);
    roaring_bitmap_free(mine);
    pthread_rwlock_unlock(&a->lock);
    return YT_OK;
}

/* count of mine with lo <= value <= hi in column col */
static int64_t count_between(audience *a, int col, uint64_t lo, uint64_t hi, const roaring_bitmap_t *mine) {
    roaring_bitmap_t *b = bsi_between(&a->num[col], lo, hi, mine, false);
    int64_t n = (int64_t)roaring_bitmap_get_cardinality(b);
    roaring_bitmap_free(b);
    return n;
}

int audience_clv_json(audience *a, yt_ctx *x, yt_jw *w) {
    pthread_rwlock_rdlock(&a->lock);
    roaring_bitmap_t *mine = visible(a, x->who);
    jw_obj(w);
    jw_key(w, "model");
    if (a->has_model) clv_model_write_json(w, &a->model);
    else jw_null(w);
    uint64_t n, alive_sum = bsi_sum(&a->num[NUM_P_ALIVE], mine, &n), value_n, value_sum = bsi_sum(&a->num[NUM_VALUE_90D], mine, &value_n);
    jw_kint(w, "customers", (int64_t)n);
    jw_key(w, "p_alive_mean");
    jw_dbl(w, n ? (double)alive_sum / (double)n / 10000.0 : 0);
    jw_kint(w, "value_90d_total", (int64_t)value_sum);
    jw_key(w, "p_alive");
    jw_arr(w);
    for (int i = 0; i < 10; i++) {
        jw_obj(w);
        jw_key(w, "from");
        jw_dbl(w, i / 10.0);
        jw_key(w, "to");
        jw_dbl(w, (i + 1) / 10.0);
        jw_kint(w, "count", count_between(a, NUM_P_ALIVE, (uint64_t)i * 1000, i == 9 ? 10000 : (uint64_t)(i + 1) * 1000 - 1, mine));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    static const int64_t edges[] = {0, 1000, 2000, 5000, 10000, 20000, 50000, 100000}; /* fen */
    int nedges = (int)(sizeof edges / sizeof edges[0]);
    jw_key(w, "value_90d");
    jw_arr(w);
    for (int i = 0; i < nedges; i++) {
        jw_obj(w);
        jw_kint(w, "from", edges[i]);
        if (i + 1 < nedges) jw_kint(w, "to", edges[i + 1]);
        else jw_knull(w, "to");
        jw_kint(w, "count", count_between(a, NUM_VALUE_90D, (uint64_t)edges[i], i + 1 < nedges ? (uint64_t)edges[i + 1] - 1 : UINT64_MAX >> 2, mine));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    roaring_bitmap_free(mine);
    pthread_rwlock_unlock(&a->lock);
    return YT_OK;
}

static void kv_num(yt_jw *w, const audience *a, const char *key, int col, uint32_t id, double scale) {
    uint64_t v;
    jw_key(w, key);
    if (!bsi_get(&a->num[col], id, &v)) jw_null(w);
    else if (scale != 1) jw_dbl(w, (double)v / scale);
    else jw_int(w, (int64_t)v);
}

int audience_customer_json(audience *a, yt_ctx *x, yt_jw *w, int64_t id) {
    if (id <= 0 || id > UINT32_MAX) return yt_fail(x, YT_ENOTFOUND, NULL, "no customer with id %lld", (long long)id);
    uint32_t u = (uint32_t)id;
    pthread_rwlock_rdlock(&a->lock);
    roaring_bitmap_t *mine = visible(a, x->who);
    bool seen = roaring_bitmap_contains(mine, u);
    roaring_bitmap_free(mine);
    if (!seen) {
        pthread_rwlock_unlock(&a->lock);
        return yt_fail(x, YT_ENOTFOUND, NULL, "no customer with id %lld", (long long)id);
    }
    audience_rfm *r = rfm_prepare(a);
    jw_obj(w);
    jw_kint(w, "id", id);
    jw_key(w, "rfm");
    int g = r ? rfm_group_index_of(r, u) : -1;
    if (g < 0) {
        jw_null(w);
    } else {
        jw_obj(w);
        jw_kint(w, "r", rfm_score_of(r, RFM_R, u));
        jw_kint(w, "f", rfm_score_of(r, RFM_F, u));
        jw_kint(w, "m", rfm_score_of(r, RFM_M, u));
        jw_kstr(w, "group", rfm_group_names[g]);
        jw_obj_end(w);
    }
    jw_key(w, "clv");
    if (!roaring_bitmap_contains(a->num[NUM_P_ALIVE].exists, u)) {
        jw_null(w);
    } else {
        jw_obj(w);
        kv_num(w, a, "p_alive", NUM_P_ALIVE, u, 10000);
        kv_num(w, a, "expected_orders_90d", NUM_EXPECTED_90D, u, 100);
        kv_num(w, a, "value_90d", NUM_VALUE_90D, u, 1);
        jw_obj_end(w);
    }
    static const struct {
        const char *key;
        int col;
    } figures[] = {{"spend", NUM_SPEND},         {"orders", NUM_ORDERS},         {"spend_30d", NUM_SPEND_30D},
                   {"spend_90d", NUM_SPEND_90D}, {"spend_365d", NUM_SPEND_365D}, {"orders_30d", NUM_ORDERS_30D},
                   {"orders_90d", NUM_ORDERS_90D}, {"orders_365d", NUM_ORDERS_365D}};
    for (size_t i = 0; i < sizeof figures / sizeof figures[0]; i++) {
        uint64_t v;
        jw_kint(w, figures[i].key, bsi_get(&a->num[figures[i].col], u, &v) ? (int64_t)v : 0);
    }
    static const struct {
        const char *key;
        int col;
    } days[] = {{"first_order", NUM_FIRST_ORDER}, {"last_order", NUM_LAST_ORDER}, {"last_seen", NUM_LAST_SEEN}};
    for (size_t i = 0; i < sizeof days / sizeof days[0]; i++) {
        uint64_t v;
        if (bsi_get(&a->num[days[i].col], u, &v)) jw_ktime(w, days[i].key, brand_day_start((int32_t)v));
        else jw_knull(w, days[i].key);
    }
    jw_obj_end(w);
    rfm_free(r);
    pthread_rwlock_unlock(&a->lock);
    return YT_OK;
}

void audience_payback(audience *a, const payback_channel *c, double margin_rate, payback_result *out) {
    pthread_rwlock_rdlock(&a->lock);
    uint64_t n = roaring_bitmap_get_cardinality(c->members), with_value;
    uint64_t value = bsi_sum(&a->num[NUM_VALUE_90D], c->members, &with_value);
    pthread_rwlock_unlock(&a->lock);
    out->customers = (int64_t)n;
    out->cac_fen = n ? c->cost_fen / (int64_t)n : 0;
    out->monthly_margin_fen = n ? (double)value / (double)n / 3.0 * margin_rate : 0;
    out->months = out->monthly_margin_fen > 0 ? (double)out->cac_fen / out->monthly_margin_fen : NAN;
}
