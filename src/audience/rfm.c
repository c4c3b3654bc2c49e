/* RFM from the index: score thresholds by k-th value on the bit-sliced columns, groups by the means. */
#include "rfm.h"
#include "index_internal.h"
#include "../base/alloc.h"
#include <stdlib.h>

const char *const rfm_group_names[RFM_NGROUPS] = {
    "一般挽留客户", "重要挽留客户", "一般发展客户", "重要发展客户", /* R low F low / R high F low (M low, high) */
    "一般保持客户", "重要保持客户", "一般价值客户", "重要价值客户", /* R low F high / R high F high */
};

int rfm_group_of(bool r_high, bool f_high, bool m_high) {
    return (f_high ? 4 : 0) | (r_high ? 2 : 0) | (m_high ? 1 : 0);
}

static const int dim_col[RFM_NDIMS] = {NUM_LAST_ORDER, NUM_ORDERS, NUM_SPEND};

struct audience_rfm {
    audience *a;
    roaring_bitmap_t *buyers;
    uint64_t n;
    roaring_bitmap_t *at_least[RFM_NDIMS][6]; /* [d][s]: score >= s (s 1..5), made when first asked */
    roaring_bitmap_t *high[RFM_NDIMS];        /* at or above the mean */
};

audience_rfm *rfm_prepare(audience *a) {
    roaring_bitmap_t *buyers = roaring_bitmap_and(a->num[NUM_ORDERS].exists, a->live);
    if (roaring_bitmap_is_empty(buyers)) {
        roaring_bitmap_free(buyers);
        return NULL;
    }
    audience_rfm *r = yt_calloc(1, sizeof *r);
    r->a = a;
    r->buyers = buyers;
    r->n = roaring_bitmap_get_cardinality(buyers);
    return r;
}

void rfm_free(audience_rfm *r) {
    if (!r) return;
    roaring_bitmap_free(r->buyers);
    for (int d = 0; d < RFM_NDIMS; d++) {
        for (int s = 0; s < 6; s++)
            if (r->at_least[d][s]) roaring_bitmap_free(r->at_least[d][s]);
        if (r->high[d]) roaring_bitmap_free(r->high[d]);
    }
    free(r);
}

/* score >= s <=> at least ceil((s - 1) n / 5) buyers are below the value <=> the value is above the
 * buyers' k-th smallest value, k = that count - 1 */
/* Buyers with no stored value on a dimension have 0 there (a spend of 0 is stored as none). */
static uint64_t zeros(audience_rfm *r, int d) {
    return r->n - roaring_bitmap_and_cardinality(r->a->num[dim_col[d]].exists, r->buyers);
}

static const roaring_bitmap_t *at_least(audience_rfm *r, int d, int s) {
    if (r->at_least[d][s]) return r->at_least[d][s];
    const bsi *b = &r->a->num[dim_col[d]];
    uint64_t k = ((uint64_t)(s - 1) * r->n + 4) / 5, v = 0, z = zeros(r, d);
    if (k == 0) r->at_least[d][s] = roaring_bitmap_copy(r->buyers);
    else if (k - 1 < z || bsi_kth(b, r->buyers, k - 1 - z, &v)) r->at_least[d][s] = bsi_compare(b, SEG_GT, v, r->buyers, false);
    else r->at_least[d][s] = roaring_bitmap_create();
    return r->at_least[d][s];
}

roaring_bitmap_t *rfm_scores(audience_rfm *r, int dim, int lo, int hi) {
    if (lo < 1) lo = 1;
    if (hi > 5) hi = 5;
    if (lo > hi) return roaring_bitmap_create();
    roaring_bitmap_t *out = roaring_bitmap_copy(at_least(r, dim, lo));
    if (hi < 5) roaring_bitmap_andnot_inplace(out, at_least(r, dim, hi + 1));
    return out;
}

static const roaring_bitmap_t *high(audience_rfm *r, int d) {
    if (r->high[d]) return r->high[d];
    const bsi *b = &r->a->num[dim_col[d]];
    uint64_t sum = bsi_sum(b, r->buyers, NULL);
    uint64_t mean_ceil = (sum + r->n - 1) / r->n; /* value >= mean <=> value >= ceil(mean); the zeros count too */
    r->high[d] = mean_ceil == 0 ? roaring_bitmap_copy(r->buyers) : bsi_compare(b, SEG_GE, mean_ceil, r->buyers, false);
    return r->high[d];
}

roaring_bitmap_t *rfm_group(audience_rfm *r, int group) {
    roaring_bitmap_t *out = roaring_bitmap_copy(r->buyers);
    static const int bit[RFM_NDIMS] = {2, 4, 1}; /* R, F, M as in rfm_group_of */
    for (int d = 0; d < RFM_NDIMS; d++) {
        if (group & bit[d]) roaring_bitmap_and_inplace(out, high(r, d));
        else roaring_bitmap_andnot_inplace(out, high(r, d));
    }
    return out;
}

int rfm_score_of(audience_rfm *r, int dim, uint32_t id) {
    if (!roaring_bitmap_contains(r->buyers, id)) return 0;
    for (int s = 5; s > 1; s--)
        if (roaring_bitmap_contains(at_least(r, dim, s), id)) return s;
    return 1;
}

int rfm_group_index_of(audience_rfm *r, uint32_t id) {
    if (!roaring_bitmap_contains(r->buyers, id)) return -1;
    return rfm_group_of(roaring_bitmap_contains(high(r, RFM_R), id), roaring_bitmap_contains(high(r, RFM_F), id),
                        roaring_bitmap_contains(high(r, RFM_M), id));
}

const roaring_bitmap_t *rfm_buyers(audience_rfm *r) {
    return r->buyers;
}

double rfm_mean(audience_rfm *r, int dim) {
    return (double)bsi_sum(&r->a->num[dim_col[dim]], r->buyers, NULL) / (double)r->n;
}
