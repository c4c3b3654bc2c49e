/* Dense value chunks and masked scans. A scan takes the mask one roaring container at a time: the container
 * becomes 1024 64-bit words, each non-zero word's 64 values are compared at once (AVX2 where the CPU has
 * it), and the passing words become the result's container. This reads CRoaring's published container
 * structs (the headers under roaring/containers) to move between containers and words without visiting ids one by one. */
#include "dense.h"
#include "../base/alloc.h"
#include <pthread.h>
#include <roaring/containers/containers.h>
#include <stdlib.h>
#include <string.h>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define DENSE_X86 1
#endif

#define WORDS (DENSE_CHUNK / 64)

void dense_free(dense_col *c) {
    for (uint32_t k = 0; k < c->nchunk; k++) free(c->chunk[k]);
    free(c->chunk);
    memset(c, 0, sizeof *c);
}

void dense_set(dense_col *c, uint32_t id, uint32_t v) {
    uint32_t k = id >> DENSE_CHUNK_BITS;
    if (k >= c->nchunk) {
        if (v == 0) return;
        uint32_t n = k + 1 > c->nchunk * 2 ? k + 1 : c->nchunk * 2;
        c->chunk = yt_realloc(c->chunk, n * sizeof *c->chunk);
        memset(c->chunk + c->nchunk, 0, (n - c->nchunk) * sizeof *c->chunk);
        c->nchunk = n;
    }
    if (!c->chunk[k]) {
        if (v == 0) return;
        c->chunk[k] = yt_calloc(DENSE_CHUNK, sizeof(uint32_t));
    }
    c->chunk[k][id & (DENSE_CHUNK - 1)] = v;
}

size_t dense_bytes(const dense_col *c) {
    size_t n = c->nchunk * sizeof *c->chunk;
    for (uint32_t k = 0; k < c->nchunk; k++)
        if (c->chunk[k]) n += DENSE_CHUNK * sizeof(uint32_t);
    return n;
}

static inline bool passes(const dense_test *t, uint32_t v) {
    bool in = v >= t->lo && v <= t->hi;
    return t->invert ? !in && (v != 0 || t->zero_too) : in;
}

/* out[w] = in[w] with only the bits whose value passes, for the 1024 words of one chunk; returns how many
 * bits out holds. */
typedef uint32_t (*words_fn)(const uint64_t *in, uint64_t *out, const uint32_t *vals, const dense_test *t);

static uint32_t words_plain(const uint64_t *in, uint64_t *out, const uint32_t *vals, const dense_test *t) {
    uint32_t card = 0;
    for (uint32_t w = 0; w < WORDS; w++) {
        uint64_t m = 0;
        if (in[w])
            for (uint32_t j = 0; j < 64; j++) m |= (uint64_t)passes(t, vals[w * 64 + j]) << j;
        out[w] = in[w] & m;
        card += (uint32_t)__builtin_popcountll(out[w]);
    }
    return card;
}

#ifdef DENSE_X86
/* Eight values per compare: unsigned order by flipping the sign bit, then signed greater-than. */
__attribute__((target("avx2,popcnt"))) static uint32_t words_avx2(const uint64_t *in, uint64_t *out, const uint32_t *vals,
                                                                  const dense_test *t) {
    const __m256i flip = _mm256_set1_epi32(INT32_MIN), zero = _mm256_setzero_si256();
    const __m256i lo = _mm256_set1_epi32((int32_t)(t->lo ^ 0x80000000u)), hi = _mm256_set1_epi32((int32_t)(t->hi ^ 0x80000000u));
    const uint32_t keep_outside = t->invert ? 0xff : 0, drop_zero = t->invert && !t->zero_too;
    uint32_t card = 0;
    for (uint32_t w = 0; w < WORDS; w++) {
        if (!in[w]) {
            out[w] = 0;
            continue;
        }
        uint64_t m = 0;
        for (uint32_t j = 0; j < 8; j++) {
            __m256i raw = _mm256_loadu_si256((const __m256i *)(vals + w * 64 + j * 8));
            __m256i x = _mm256_xor_si256(raw, flip);
            __m256i outside = _mm256_or_si256(_mm256_cmpgt_epi32(lo, x), _mm256_cmpgt_epi32(x, hi));
            uint32_t p = ((uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(outside)) ^ keep_outside ^ 0xff) & 0xff;
            if (drop_zero) p &= ~(uint32_t)_mm256_movemask_ps(_mm256_castsi256_ps(_mm256_cmpeq_epi32(raw, zero)));
            m |= (uint64_t)p << (j * 8);
        }
        out[w] = in[w] & m;
        card += (uint32_t)__builtin_popcountll(out[w]);
    }
    return card;
}
#endif

static words_fn words = words_plain;
static pthread_once_t words_once = PTHREAD_ONCE_INIT;

static void pick_words(void) {
#ifdef DENSE_X86
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) words = words_avx2;
#endif
}

void dense_use_portable(bool yes) {
    pthread_once(&words_once, pick_words);
    words = words_plain;
    if (!yes) pick_words();
}

/* A run container as 1024 words. */
static void run_words(const run_container_t *run, uint64_t *w) {
    memset(w, 0, WORDS * sizeof *w);
    for (int32_t k = 0; k < run->n_runs; k++) {
        uint32_t from = run->runs[k].value, to = from + run->runs[k].length; /* inclusive */
        for (uint32_t v = from; v <= to;) {
            uint32_t bit = v & 63, n = 64 - bit < to - v + 1 ? 64 - bit : to - v + 1;
            w[v >> 6] |= (n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1)) << bit;
            v += n;
        }
    }
}

/* The ids of an array container whose value passes, into out (room for all of them); how many. */
static int32_t array_pick(const array_container_t *a, const uint32_t *vals, const dense_test *t, uint16_t *out) {
    int32_t k = 0;
    uint32_t lo = t->lo, span = t->hi - t->lo;
    for (int32_t i = 0; i < a->cardinality; i++) { /* branch-free: write every id, keep the passing ones */
        uint16_t low = a->array[i];
        uint32_t v = vals[low];
        out[k] = low;
        k += t->invert ? (v - lo > span) & (v != 0 || t->zero_too) : v - lo <= span;
    }
    return k;
}

/* Appends n ids as r's container for key. */
static void append_array(roaring_bitmap_t *r, uint16_t key, const uint16_t *ids, int32_t n) {
    if (n == 0) return;
    array_container_t *a = array_container_create_given_capacity(n);
    if (!a) abort();
    memcpy(a->array, ids, (size_t)n * sizeof *ids);
    a->cardinality = n;
    ra_append(&r->high_low_container, key, a, ARRAY_CONTAINER_TYPE_CODE);
}

/* Appends b, holding card bits, as r's container for key: as it is when dense, else as an array (b freed). */
static void append_bitset(roaring_bitmap_t *r, uint16_t key, bitset_container_t *b, uint32_t card) {
    if (card > DEFAULT_MAX_SIZE) {
        b->cardinality = (int32_t)card;
        ra_append(&r->high_low_container, key, b, BITSET_CONTAINER_TYPE_CODE);
        return;
    }
    if (card) {
        array_container_t *a = array_container_create_given_capacity((int32_t)card);
        if (!a) abort();
        int32_t k = 0;
        for (uint32_t i = 0; i < WORDS; i++)
            for (uint64_t x = b->array[i]; x; x &= x - 1) a->array[k++] = (uint16_t)(i * 64 + (uint32_t)__builtin_ctzll(x));
        a->cardinality = k;
        ra_append(&r->high_low_container, key, a, ARRAY_CONTAINER_TYPE_CODE);
    }
    bitset_container_free(b);
}

roaring_bitmap_t *dense_scan(const dense_col *c, const roaring_bitmap_t *mask, const dense_test *t) {
    pthread_once(&words_once, pick_words);
    roaring_bitmap_t *out = roaring_bitmap_create();
    const roaring_array_t *ra = &mask->high_low_container;
    bool zero_passes = passes(t, 0);
    uint64_t runs[WORDS];
    uint16_t picked[DEFAULT_MAX_SIZE];
    for (int32_t i = 0; i < ra->size; i++) {
        uint16_t key = ra->keys[i];
        const uint32_t *vals = key < c->nchunk ? c->chunk[key] : NULL;
        uint8_t type = ra->typecodes[i];
        const void *ct = ra->containers[i];
        if (type == SHARED_CONTAINER_TYPE_CODE) {
            type = ((const shared_container_t *)ct)->typecode;
            ct = ((const shared_container_t *)ct)->container;
        }
        if (!vals) { /* every value is 0 */
            if (zero_passes) {
                void *copy = container_clone(ct, type);
                if (!copy) abort();
                ra_append(&out->high_low_container, key, copy, type);
            }
            continue;
        }
        if (type == ARRAY_CONTAINER_TYPE_CODE) { /* few ids: look each one up */
            append_array(out, key, picked, array_pick(ct, vals, t, picked));
            continue;
        }
        const uint64_t *in = ((const bitset_container_t *)ct)->array;
        if (type == RUN_CONTAINER_TYPE_CODE) {
            run_words(ct, runs);
            in = runs;
        }
        bitset_container_t *b = bitset_container_create();
        if (!b) abort();
        append_bitset(out, key, b, words(in, b->array, vals, t));
    }
    return out;
}
