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

/* out[w] = in[w] with only the bits whose value passes, for the 1024 words of one chunk. */
typedef void (*words_fn)(const uint64_t *in, uint64_t *out, const uint32_t *vals, const dense_test *t);

static void words_plain(const uint64_t *in, uint64_t *out, const uint32_t *vals, const dense_test *t) {
    for (uint32_t w = 0; w < WORDS; w++) {
        uint64_t m = 0;
        if (in[w])
            for (uint32_t j = 0; j < 64; j++) m |= (uint64_t)passes(t, vals[w * 64 + j]) << j;
        out[w] = in[w] & m;
    }
}

#ifdef DENSE_X86
/* Eight values per compare: unsigned order by flipping the sign bit, then signed greater-than. */
__attribute__((target("avx2"))) static void words_avx2(const uint64_t *in, uint64_t *out, const uint32_t *vals,
                                                       const dense_test *t) {
    const __m256i flip = _mm256_set1_epi32(INT32_MIN), zero = _mm256_setzero_si256();
    const __m256i lo = _mm256_set1_epi32((int32_t)(t->lo ^ 0x80000000u)), hi = _mm256_set1_epi32((int32_t)(t->hi ^ 0x80000000u));
    const uint32_t keep_outside = t->invert ? 0xff : 0, drop_zero = t->invert && !t->zero_too;
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
    }
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

/* A container (unwrapped) as 1024 words. */
static void container_words(const void *c, uint8_t type, uint64_t *w) {
    if (type == BITSET_CONTAINER_TYPE_CODE) {
        memcpy(w, ((const bitset_container_t *)c)->array, WORDS * sizeof *w);
        return;
    }
    memset(w, 0, WORDS * sizeof *w);
    if (type == ARRAY_CONTAINER_TYPE_CODE) {
        const array_container_t *a = c;
        for (int32_t k = 0; k < a->cardinality; k++) w[a->array[k] >> 6] |= (uint64_t)1 << (a->array[k] & 63);
        return;
    }
    const run_container_t *run = c;
    for (int32_t k = 0; k < run->n_runs; k++) {
        uint32_t from = run->runs[k].value, to = from + run->runs[k].length; /* inclusive */
        for (uint32_t v = from; v <= to;) {
            uint32_t bit = v & 63, n = 64 - bit < to - v + 1 ? 64 - bit : to - v + 1;
            w[v >> 6] |= (n == 64 ? ~(uint64_t)0 : (((uint64_t)1 << n) - 1)) << bit;
            v += n;
        }
    }
}

/* Appends the words as r's container for key (an array or a bitset, by cardinality); nothing when empty. */
static void append_words(roaring_bitmap_t *r, uint16_t key, const uint64_t *w) {
    int32_t card = 0;
    for (uint32_t i = 0; i < WORDS; i++) card += __builtin_popcountll(w[i]);
    if (card == 0) return;
    if (card > DEFAULT_MAX_SIZE) {
        bitset_container_t *b = bitset_container_create();
        if (!b) abort();
        memcpy(b->array, w, WORDS * sizeof *w);
        b->cardinality = card;
        ra_append(&r->high_low_container, key, b, BITSET_CONTAINER_TYPE_CODE);
        return;
    }
    array_container_t *a = array_container_create_given_capacity(card);
    if (!a) abort();
    int32_t k = 0;
    for (uint32_t i = 0; i < WORDS; i++)
        for (uint64_t x = w[i]; x; x &= x - 1) a->array[k++] = (uint16_t)(i * 64 + (uint32_t)__builtin_ctzll(x));
    a->cardinality = card;
    ra_append(&r->high_low_container, key, a, ARRAY_CONTAINER_TYPE_CODE);
}

roaring_bitmap_t *dense_scan(const dense_col *c, const roaring_bitmap_t *mask, const dense_test *t) {
    pthread_once(&words_once, pick_words);
    roaring_bitmap_t *out = roaring_bitmap_create();
    const roaring_array_t *ra = &mask->high_low_container;
    bool zero_passes = passes(t, 0);
    uint64_t in[WORDS], kept[WORDS];
    for (int32_t i = 0; i < ra->size; i++) {
        uint16_t key = ra->keys[i];
        const uint32_t *vals = key < c->nchunk ? c->chunk[key] : NULL;
        uint8_t type = ra->typecodes[i];
        const void *ct = ra->containers[i];
        if (type == SHARED_CONTAINER_TYPE_CODE) {
            type = ((const shared_container_t *)ct)->typecode;
            ct = ((const shared_container_t *)ct)->container;
        }
        if (!vals && !zero_passes) continue;
        if (type == ARRAY_CONTAINER_TYPE_CODE) { /* few ids: look each one up */
            const array_container_t *a = ct;
            memset(kept, 0, sizeof kept);
            for (int32_t k = 0; k < a->cardinality; k++) {
                uint16_t low = a->array[k];
                if (vals ? passes(t, vals[low]) : zero_passes) kept[low >> 6] |= (uint64_t)1 << (low & 63);
            }
            append_words(out, key, kept);
            continue;
        }
        container_words(ct, type, in);
        if (vals) words(in, kept, vals, t);
        append_words(out, key, vals ? kept : in);
    }
    return out;
}
