/* Lists of row ids: sorted ascending without repeats (for one-statement IN lists and lock order), and found by bsearch. */
#ifndef YT_IDS_H
#define YT_IDS_H
#include <stddef.h>
#include <stdint.h>

/* qsort and bsearch order for int64_t ids, ascending. */
int ids_cmp(const void *a, const void *b);
/* Sorts ids[0..n) ascending and drops repeats in place; returns how many are left. */
size_t ids_sort_unique(int64_t *ids, size_t n);
/* Where sorted ids[0..n) holds id, or NULL. */
const int64_t *ids_find(const int64_t *ids, size_t n, int64_t id);

#endif
