/* A numeric column: set and get, comparisons by scanning its plain values (or, above what they hold, by the
 * O'Neil-Quass slice walk), sums and k-th values from its slices. */
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
    dense_free(&b->vals);
    memset(b, 0, sizeof *b);
}

/* The plain value kept for v (0 is no value). */
static uint32_t stored(uint64_t v) {
    return v >= UINT32_MAX - 1 ? UINT32_MAX : (uint32_t)v + 1;
}

static void grow(bsi *b, int need) {
    if (need > BSI_MAX_SLICES) need = BSI_MAX_SLICES;
    while (b->nslices < need) b->slice[b->nslices++] = roaring_bitmap_create();
}

void bsi_set(bsi *b, uint32_t id, uint64_t value) {
    grow(b, bits_for(value));
    dense_set(&b->vals, id, stored(value));
    roaring_bitmap_add(b->exists, id);
    for (int i = 0; i < b->nslices; i++) {
        if ((value >> i) & 1) roaring_bitmap_add(b->slice[i], id);
        else roaring_bitmap_remove(b->slice[i], id);
    }
}

void bsi_clear(bsi *b, uint32_t id) {
    if (!roaring_bitmap_contains(b->exists, id)) return;
    dense_set(&b->vals, id, 0);
    roaring_bitmap_remove(b->exists, id);
    for (int i = 0; i < b->nslices; i++) roaring_bitmap_remove(b->slice[i], id);
}

bool bsi_get(const bsi *b, uint32_t id, uint64_t *value) {
    uint32_t s = dense_get(&b->vals, id);
    if (s == 0) return false;
    if (s < UINT32_MAX) {
        *value = s - 1;
        return true;
    }
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
    for (size_t i = 0; i < n; i++) dense_set(&b->vals, ids[i], stored(values[i]));
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
 * and collecting those already known to be below (lt) or above (gt) it. For values the plain ones cannot
 * tell apart (from UINT32_MAX - 1 up). */
static roaring_bitmap_t *slice_compare(const bsi *b, seg_op op, uint64_t c, const roaring_bitmap_t *filter) {
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

#define NO_TOP UINT64_MAX

/* Keeps the ids of within with no value, when zero is what they read as and 0 is in the answer. */
static roaring_bitmap_t *with_absent(const bsi *b, roaring_bitmap_t *r, const roaring_bitmap_t *within, bool zero_holds) {
    if (zero_holds && within) {
        roaring_bitmap_t *none = roaring_bitmap_andnot(within, b->exists);
        roaring_bitmap_or_inplace(r, none);
        roaring_bitmap_free(none);
    }
    return r;
}

/* Plain values lo..hi (top NO_TOP: no upper bound), or outside them with invert; false when a bound reaches
 * the values kept only in the slices. */
static bool scan(const bsi *b, uint64_t lo, uint64_t top, bool invert, bool zero_holds, const roaring_bitmap_t *within,
                 roaring_bitmap_t **out) {
    if (lo >= UINT32_MAX || (top != NO_TOP && top >= UINT32_MAX)) return false;
    dense_test t = {.lo = (uint32_t)lo, .hi = top == NO_TOP ? UINT32_MAX : (uint32_t)top, .invert = invert,
                    .zero_too = zero_holds && within};
    if (zero_holds && within && !invert) t.lo = 0; /* every interval that holds 0 starts at stored 1 */
    *out = dense_scan(&b->vals, within ? within : b->exists, &t);
    return true;
}

roaring_bitmap_t *bsi_compare(const bsi *b, seg_op op, uint64_t c, const roaring_bitmap_t *within, bool zero_absent) {
    bool zero_holds = zero_absent && (op == SEG_EQ ? c == 0 : op == SEG_NE ? c != 0 : op == SEG_LT ? c > 0
                                      : op == SEG_LE ? true : op == SEG_GT ? false : c == 0);
    roaring_bitmap_t *r = NULL;
    if (op == SEG_LT && c == 0) return with_absent(b, roaring_bitmap_create(), within, false);
    if (c < UINT32_MAX) { /* stored = value + 1 */
        bool done = false;
        switch (op) {
        case SEG_EQ: done = scan(b, c + 1, c + 1, false, zero_holds, within, &r); break;
        case SEG_NE: done = scan(b, c + 1, c + 1, true, zero_holds, within, &r); break;
        case SEG_LT: done = scan(b, 1, c, false, zero_holds, within, &r); break;
        case SEG_LE: done = scan(b, 1, c + 1, false, zero_holds, within, &r); break;
        case SEG_GT: done = scan(b, c + 2, NO_TOP, false, zero_holds, within, &r); break;
        case SEG_GE: done = scan(b, c + 1, NO_TOP, false, zero_holds, within, &r); break;
        }
        if (done) return r;
    }
    return with_absent(b, slice_compare(b, op, c, within), within, zero_holds);
}

roaring_bitmap_t *bsi_between(const bsi *b, uint64_t lo, uint64_t hi, const roaring_bitmap_t *within, bool zero_absent) {
    bool zero_holds = zero_absent && lo == 0;
    roaring_bitmap_t *r;
    if (lo > hi) return roaring_bitmap_create();
    if (hi < UINT32_MAX && scan(b, lo + 1, hi + 1, false, zero_holds, within, &r)) return r;
    roaring_bitmap_t *ge = slice_compare(b, SEG_GE, lo, within);
    r = slice_compare(b, SEG_LE, hi, ge);
    roaring_bitmap_free(ge);
    return with_absent(b, r, within, zero_holds);
}

size_t bsi_bytes(const bsi *b) {
    size_t n = roaring_bitmap_size_in_bytes(b->exists) + dense_bytes(&b->vals);
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
