/* Plain per-customer values in chunks of 65536 ids (one roaring container's worth), and scans of them under
 * a roaring mask: a comparison reads the values of the mask's ids 64 at a time instead of walking bit slices. */
#ifndef YT_DENSE_H
#define YT_DENSE_H
#include <roaring/roaring.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define DENSE_CHUNK_BITS 16
#define DENSE_CHUNK (1u << DENSE_CHUNK_BITS)

/* chunk[id >> 16][id & 0xffff]; a missing (NULL) chunk holds zeros. The column owns its chunks. */
typedef struct {
    uint32_t **chunk;
    uint32_t nchunk;
} dense_col;

void dense_free(dense_col *c);
void dense_set(dense_col *c, uint32_t id, uint32_t v);
static inline uint32_t dense_get(const dense_col *c, uint32_t id) {
    uint32_t k = id >> DENSE_CHUNK_BITS;
    return k < c->nchunk && c->chunk[k] ? c->chunk[k][id & (DENSE_CHUNK - 1)] : 0;
}
size_t dense_bytes(const dense_col *c);

/* What a scan keeps: values in [lo, hi]; with invert, values outside it, and zeros only when zero_too. */
typedef struct {
    uint32_t lo, hi;
    bool invert, zero_too;
} dense_test;

/* The ids of mask whose value passes t (a new bitmap the caller frees). */
roaring_bitmap_t *dense_scan(const dense_col *c, const roaring_bitmap_t *mask, const dense_test *t);
/* Tests: scans use the portable loop (true) or the fastest the CPU has (false, the default). */
void dense_use_portable(bool yes);

#endif
