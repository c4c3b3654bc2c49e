/* A bit-sliced index over roaring bitmaps: set, get, and comparisons by the O'Neil-Quass slice walk. */
#include "bsi.h"
#include "../base/alloc.h"
#include <stdlib.h>
#include <string.h>

static int bits_for(uint64_t v) {
    return v ? 64 - __builtin_clzll(v) : 0;
}

void bsi_init(bsi *b) {
    memset(b, 0, sizeof *b);
    b->exists = roaring_bitmap_create();
}

void bsi_free(bsi *b) {
    if (b->exists) roaring_bitmap_free(b->exists);
    for (int i = 0; i < b->nslices; i++) roaring_bitmap_free(b->slice[i]);
    memset(b, 0, sizeof *b);
}

static void grow(bsi *b, int need) {
    if (need > BSI_MAX_SLICES) need = BSI_MAX_SLICES;
    while (b->nslices < need) b->slice[b->nslices++] = roaring_bitmap_create();
}

void bsi_set(bsi *b, uint32_t id, uint64_t value) {
    grow(b, bits_for(value));
    roaring_bitmap_add(b->exists, id);
    for (int i = 0; i < b->nslices; i++) {
        if ((value >> i) & 1) roaring_bitmap_add(b->slice[i], id);
        else roaring_bitmap_remove(b->slice[i], id);
    }
}

void bsi_clear(bsi *b, uint32_t id) {
    if (!roaring_bitmap_contains(b->exists, id)) return;
    roaring_bitmap_remove(b->exists, id);
    for (int i = 0; i < b->nslices; i++) roaring_bitmap_remove(b->slice[i], id);
}

bool bsi_get(const bsi *b, uint32_t id, uint64_t *value) {
    if (!roaring_bitmap_contains(b->exists, id)) return false;
    uint64_t v = 0;
    for (int i = 0; i < b->nslices; i++)
        if (roaring_bitmap_contains(b->slice[i], id)) v |= (uint64_t)1 << i;
    *value = v;
    return true;
}

void bsi_add_sorted(bsi *b, const uint32_t *ids, const uint64_t *values, size_t n) {
    if (n == 0) return;
    uint64_t all = 0;
    for (size_t i = 0; i < n; i++) all |= values[i];
    grow(b, bits_for(all));
    roaring_bitmap_add_many(b->exists, n, ids);
    uint32_t *picked = yt_malloc(n * sizeof *picked);
    for (int s = 0; s < b->nslices; s++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if ((values[i] >> s) & 1) picked[k++] = ids[i];
        if (k) roaring_bitmap_add_many(b->slice[s], k, picked);
    }
    free(picked);
}

/* Walks the slices from the top bit down, keeping the ids whose value so far equals c's top bits (eq),
 * and collecting those already known to be below (lt) or above (gt) it. */
roaring_bitmap_t *bsi_compare(const bsi *b, seg_op op, uint64_t c, const roaring_bitmap_t *filter) {
    roaring_bitmap_t *eq = filter ? roaring_bitmap_and(b->exists, filter) : roaring_bitmap_copy(b->exists);
    if (bits_for(c) > b->nslices) { /* c is above every stored value */
        switch (op) {
        case SEG_LT: case SEG_LE: case SEG_NE: return eq;
        default: roaring_bitmap_clear(eq); return eq;
        }
    }
    bool want_lt = op == SEG_LT || op == SEG_LE || op == SEG_NE, want_gt = op == SEG_GT || op == SEG_GE || op == SEG_NE;
    roaring_bitmap_t *lt = want_lt ? roaring_bitmap_create() : NULL, *gt = want_gt ? roaring_bitmap_create() : NULL;
    for (int i = b->nslices - 1; i >= 0 && !roaring_bitmap_is_empty(eq); i--) {
        if ((c >> i) & 1) {
            if (lt) {
                roaring_bitmap_t *below = roaring_bitmap_andnot(eq, b->slice[i]);
                roaring_bitmap_or_inplace(lt, below);
                roaring_bitmap_free(below);
            }
            roaring_bitmap_and_inplace(eq, b->slice[i]);
        } else {
            if (gt) {
                roaring_bitmap_t *above = roaring_bitmap_and(eq, b->slice[i]);
                roaring_bitmap_or_inplace(gt, above);
                roaring_bitmap_free(above);
            }
            roaring_bitmap_andnot_inplace(eq, b->slice[i]);
        }
    }
    roaring_bitmap_t *out;
    switch (op) {
    case SEG_EQ: return eq;
    case SEG_LT: out = lt; break;
    case SEG_GT: out = gt; break;
    case SEG_LE: roaring_bitmap_or_inplace(lt, eq); out = lt; break;
    case SEG_GE: roaring_bitmap_or_inplace(gt, eq); out = gt; break;
    default: /* SEG_NE */ roaring_bitmap_or_inplace(lt, gt); roaring_bitmap_free(gt); gt = NULL; out = lt; break;
    }
    roaring_bitmap_free(eq);
    if (out != lt && lt) roaring_bitmap_free(lt);
    if (out != gt && gt) roaring_bitmap_free(gt);
    return out;
}

roaring_bitmap_t *bsi_between(const bsi *b, uint64_t lo, uint64_t hi, const roaring_bitmap_t *filter) {
    roaring_bitmap_t *ge = bsi_compare(b, SEG_GE, lo, filter);
    roaring_bitmap_t *out = bsi_compare(b, SEG_LE, hi, ge);
    roaring_bitmap_free(ge);
    return out;
}

size_t bsi_bytes(const bsi *b) {
    size_t n = roaring_bitmap_size_in_bytes(b->exists);
    for (int i = 0; i < b->nslices; i++) n += roaring_bitmap_size_in_bytes(b->slice[i]);
    return n;
}

void bsi_optimize(bsi *b) {
    roaring_bitmap_run_optimize(b->exists);
    roaring_bitmap_shrink_to_fit(b->exists);
    for (int i = 0; i < b->nslices; i++) {
        roaring_bitmap_run_optimize(b->slice[i]);
        roaring_bitmap_shrink_to_fit(b->slice[i]);
    }
}

uint64_t bsi_sum(const bsi *b, const roaring_bitmap_t *filter, uint64_t *count) {
    roaring_bitmap_t *in = filter ? roaring_bitmap_and(b->exists, filter) : roaring_bitmap_copy(b->exists);
    uint64_t sum = 0;
    for (int i = 0; i < b->nslices; i++) sum += roaring_bitmap_and_cardinality(b->slice[i], in) << i;
    if (count) *count = roaring_bitmap_get_cardinality(in);
    roaring_bitmap_free(in);
    return sum;
}

/* From the top bit down: the candidates whose bit is 0 come first in order; if k falls among them the
 * bit is 0, else it is 1 and k skips past them. */
bool bsi_kth(const bsi *b, const roaring_bitmap_t *filter, uint64_t k, uint64_t *value) {
    roaring_bitmap_t *cand = filter ? roaring_bitmap_and(b->exists, filter) : roaring_bitmap_copy(b->exists);
    bool ok = roaring_bitmap_get_cardinality(cand) > k;
    uint64_t v = 0;
    for (int i = b->nslices - 1; ok && i >= 0; i--) {
        uint64_t zeros = roaring_bitmap_andnot_cardinality(cand, b->slice[i]);
        if (k < zeros) {
            roaring_bitmap_andnot_inplace(cand, b->slice[i]);
        } else {
            k -= zeros;
            v |= (uint64_t)1 << i;
            roaring_bitmap_and_inplace(cand, b->slice[i]);
        }
    }
    roaring_bitmap_free(cand);
    if (ok) *value = v;
    return ok;
}
