/* A numeric column for every customer, held twice: as bit slices over roaring bitmaps (O'Neil & Quass 1997),
 * which give sums and k-th values in a few dozen bitmap operations, and as plain values in chunks, which
 * comparisons scan 64 ids at a time under the filter's bitmap. */
#ifndef YT_BSI_H
#define YT_BSI_H
#include "dense.h"
#include "segment.h"
#include <roaring/roaring.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define BSI_MAX_SLICES 63

typedef struct {
    roaring_bitmap_t *exists;      /* ids that have a value */
    roaring_bitmap_t *slice[BSI_MAX_SLICES]; /* slice[i]: ids whose value has bit i set */
    int nslices;                   /* bits in use: every value is below 2^nslices */
    dense_col vals;                /* value + 1 per id (0: none); UINT32_MAX from UINT32_MAX - 1 up, where
                                    * the slices answer instead */
} bsi;

void bsi_init(bsi *b);
void bsi_free(bsi *b);
/* Sets (or replaces) the value of id. */
void bsi_set(bsi *b, uint32_t id, uint64_t value);
void bsi_clear(bsi *b, uint32_t id);
bool bsi_get(const bsi *b, uint32_t id, uint64_t *value);

/* Builds in bulk: ids ascending and not yet in b. Much faster than bsi_set one by one. */
void bsi_add_sorted(bsi *b, const uint32_t *ids, const uint64_t *values, size_t n);

/* The ids of within (every id with a value when within is NULL) whose value `op` c. zero_absent: an id of
 * within with no value reads as 0 (sums and counts), so it is kept when 0 `op` c holds. The caller frees
 * the result. */
roaring_bitmap_t *bsi_compare(const bsi *b, seg_op op, uint64_t c, const roaring_bitmap_t *within, bool zero_absent);
/* lo <= value <= hi, the same way. */
roaring_bitmap_t *bsi_between(const bsi *b, uint64_t lo, uint64_t hi, const roaring_bitmap_t *within, bool zero_absent);
/* The sum of the values of the ids in filter (every id when NULL), and how many have one (*count). */
uint64_t bsi_sum(const bsi *b, const roaring_bitmap_t *filter, uint64_t *count);
/* The k-th smallest value (from 0) among the ids in filter that have one; false when there are not k + 1. */
bool bsi_kth(const bsi *b, const roaring_bitmap_t *filter, uint64_t k, uint64_t *value);
/* Bytes held by the bitmaps. */
size_t bsi_bytes(const bsi *b);
/* Compresses runs and frees spare capacity (after a bulk build). */
void bsi_optimize(bsi *b);

#endif
