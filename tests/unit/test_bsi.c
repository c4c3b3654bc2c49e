/* Unit tests for numeric columns: every comparison and range, over values around the plain values' limit
 * (UINT32_MAX) and masks of every container kind, equals a direct evaluation; with the AVX2 and the portable
 * scan; sums, k-th values and gets agree with the values set. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "audience/bsi.h"

#define SPAN (5u * 65536u) /* ids over five chunks */

static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
    uint64_t z = (rng_state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

/* A value drawn near the places comparisons turn: small numbers, around 2^32 and large. */
static uint64_t pick_value(void) {
    static const uint64_t edges[] = {0, 1, 2, 3, 100, 65535, 65536, UINT32_MAX - 2, UINT32_MAX - 1, UINT32_MAX,
                                     (uint64_t)UINT32_MAX + 1, (uint64_t)UINT32_MAX + 2, 1ull << 40, (1ull << 62) + 5};
    switch (rnd() % 4) {
    case 0: return edges[rnd() % (sizeof edges / sizeof edges[0])];
    case 1: return rnd() % 8;
    case 2: return rnd() % 100000;
    default: return rnd() % 4 == 0 ? rnd() >> 2 : rnd() % 5000000000ull;
    }
}

typedef struct {
    bsi b;
    bool has[SPAN];
    uint64_t v[SPAN];
} column;

static bool holds(seg_op op, uint64_t v, uint64_t c) {
    switch (op) {
    case SEG_EQ: return v == c;
    case SEG_NE: return v != c;
    case SEG_LT: return v < c;
    case SEG_LE: return v <= c;
    case SEG_GT: return v > c;
    default: return v >= c;
    }
}

/* Fills chunk 0 densely (bitset containers), chunk 1 sparsely (arrays), leaves chunk 2 empty, fills a run of
 * chunk 3 and scatters chunk 4; then sets, replaces and clears some one by one. */
static void fill(column *c) {
    memset(c, 0, sizeof *c);
    bsi_init(&c->b);
    uint32_t *ids = malloc(SPAN * sizeof *ids);
    uint64_t *vals = malloc(SPAN * sizeof *vals);
    size_t n = 0;
    for (uint32_t id = 0; id < SPAN; id++) {
        uint32_t chunk = id >> 16, low = id & 0xffff;
        bool pick = chunk == 0 ? rnd() % 10 < 8 : chunk == 1 ? rnd() % 100 == 0 : chunk == 2 ? false
                  : chunk == 3 ? (low >= 1000 && low < 30000) : rnd() % 3 == 0;
        if (!pick) continue;
        ids[n] = id;
        vals[n] = pick_value();
        c->has[id] = true;
        c->v[id] = vals[n++];
    }
    bsi_add_sorted(&c->b, ids, vals, n);
    for (int i = 0; i < 3000; i++) {
        uint32_t id = (uint32_t)(rnd() % SPAN);
        if (rnd() % 3 == 0) {
            bsi_clear(&c->b, id);
            c->has[id] = false;
        } else {
            uint64_t v = pick_value();
            bsi_set(&c->b, id, v);
            c->has[id] = true;
            c->v[id] = v;
        }
    }
    bsi_optimize(&c->b);
    free(ids);
    free(vals);
}

#define BEYOND (SPAN + 70000) /* an id in every mask, beyond every chunk of values */

/* A mask of one container kind (dense, sparse, runs), with its members also as flags. */
typedef struct {
    roaring_bitmap_t *bm;
    bool *in;
} mask;

static mask make_mask(int kind) {
    mask m = {roaring_bitmap_create(), calloc(SPAN, sizeof(bool))};
    for (uint32_t id = 0; id < SPAN; id++) {
        m.in[id] = kind == 0 ? rnd() % 2 == 0 : kind == 1 ? rnd() % 50 == 0 : (id % 65536) < 20000 || id % 7 == 0;
        if (m.in[id]) roaring_bitmap_add(m.bm, id);
    }
    if (kind == 2) roaring_bitmap_run_optimize(m.bm);
    roaring_bitmap_add(m.bm, BEYOND);
    return m;
}

/* got holds exactly the ids of the mask (those with a value when none) that want, where an id with no value
 * reads as 0 when zero_absent and a mask is given. */
static void check(const column *c, const roaring_bitmap_t *got, const mask *within, bool zero_absent,
                  bool (*want)(uint64_t, const void *), const void *arg, const char *what) {
    roaring_bitmap_t *expect = roaring_bitmap_create();
    for (uint32_t id = 0; id < SPAN; id++) {
        if (within ? !within->in[id] : !c->has[id]) continue;
        if (c->has[id] ? want(c->v[id], arg) : zero_absent && within && want(0, arg)) roaring_bitmap_add(expect, id);
    }
    if (within && zero_absent && want(0, arg)) roaring_bitmap_add(expect, BEYOND);
    if (!roaring_bitmap_equals(got, expect)) {
        roaring_bitmap_t *extra = roaring_bitmap_andnot(got, expect), *missing = roaring_bitmap_andnot(expect, got);
        uint32_t id = roaring_bitmap_is_empty(extra) ? roaring_bitmap_minimum(missing) : roaring_bitmap_minimum(extra);
        fail_msg("%s: id %u (value %s%llu) %s", what, id, id < SPAN && c->has[id] ? "" : "none/",
                 (unsigned long long)(id < SPAN ? c->v[id] : 0), roaring_bitmap_is_empty(extra) ? "missing" : "extra");
    }
    roaring_bitmap_free(expect);
}

typedef struct {
    seg_op op;
    uint64_t c, lo, hi;
} query;

static bool want_cmp(uint64_t v, const void *arg) {
    const query *q = arg;
    return holds(q->op, v, q->c);
}

static bool want_between(uint64_t v, const void *arg) {
    const query *q = arg;
    return v >= q->lo && v <= q->hi;
}

static void run_queries(column *c) {
    mask masks[3] = {make_mask(0), make_mask(1), make_mask(2)};
    for (int q = 0; q < 40; q++) {
        query qu = {.op = (seg_op)(rnd() % 6), .c = pick_value()};
        qu.lo = pick_value();
        qu.hi = pick_value();
        if (qu.lo > qu.hi) {
            uint64_t t = qu.lo;
            qu.lo = qu.hi;
            qu.hi = t;
        }
        for (int m = 0; m < 4; m++)
            for (int za = 0; za < 2; za++) {
                char what[160];
                snprintf(what, sizeof what, "value %d %llu, mask %d, zero_absent %d", qu.op, (unsigned long long)qu.c, m, za);
                const mask *within = m ? &masks[m - 1] : NULL;
                roaring_bitmap_t *r = bsi_compare(&c->b, qu.op, qu.c, within ? within->bm : NULL, za);
                check(c, r, within, za, want_cmp, &qu, what);
                roaring_bitmap_free(r);
                snprintf(what, sizeof what, "between %llu and %llu, mask %d, zero_absent %d", (unsigned long long)qu.lo,
                         (unsigned long long)qu.hi, m, za);
                r = bsi_between(&c->b, qu.lo, qu.hi, within ? within->bm : NULL, za);
                check(c, r, within, za, want_between, &qu, what);
                roaring_bitmap_free(r);
            }
    }
    for (int m = 0; m < 3; m++) {
        roaring_bitmap_free(masks[m].bm);
        free(masks[m].in);
    }
}

static void comparisons_match_the_values(void **state) {
    column *c = malloc(sizeof *c);
    fill(c);
    run_queries(c);
    dense_use_portable(true);
    run_queries(c);
    dense_use_portable(false);
    bsi_free(&c->b);
    free(c);
}

static void gets_sums_and_kth_match_the_values(void **state) {
    column *c = malloc(sizeof *c);
    fill(c);
    mask m = make_mask(0);
    uint64_t sum = 0, n = 0;
    for (uint32_t id = 0; id < SPAN; id++) {
        uint64_t v;
        bool got = bsi_get(&c->b, id, &v);
        assert_int_equal(got, c->has[id]);
        if (got) assert_true(v == c->v[id]);
        if (c->has[id] && m.in[id] && c->v[id] < (1ull << 40)) {
            sum += c->v[id];
            n++;
        }
    }
    /* sums and k-th among the values below 2^40, so the sum fits */
    roaring_bitmap_t *small = bsi_compare(&c->b, SEG_LT, 1ull << 40, m.bm, false);
    uint64_t count;
    assert_true(bsi_sum(&c->b, small, &count) == sum);
    assert_int_equal(count, n);
    for (int probe = 0; probe < 20; probe++) {
        uint64_t k = rnd() % n, v;
        assert_true(bsi_kth(&c->b, small, k, &v));
        /* v is the k-th smallest: k values are below it or equal, and fewer than k are strictly below */
        roaring_bitmap_t *below = bsi_compare(&c->b, SEG_LT, v, small, false), *upto = bsi_compare(&c->b, SEG_LE, v, small, false);
        assert_true(roaring_bitmap_get_cardinality(below) <= k);
        assert_true(roaring_bitmap_get_cardinality(upto) > k);
        roaring_bitmap_free(below);
        roaring_bitmap_free(upto);
    }
    roaring_bitmap_free(small);
    roaring_bitmap_free(m.bm);
    free(m.in);
    bsi_free(&c->b);
    free(c);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(comparisons_match_the_values),
        cmocka_unit_test(gets_sums_and_kth_match_the_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
