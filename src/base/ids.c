/* Lists of row ids: sorting without repeats, and lookups in a sorted list. */
#include "ids.h"
#include <stdlib.h>

int ids_cmp(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

size_t ids_sort_unique(int64_t *ids, size_t n) {
    if (!n) return 0;
    qsort(ids, n, sizeof *ids, ids_cmp);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (k == 0 || ids[i] != ids[k - 1]) ids[k++] = ids[i];
    return k;
}

const int64_t *ids_find(const int64_t *ids, size_t n, int64_t id) {
    return n ? bsearch(&id, ids, n, sizeof *ids, ids_cmp) : NULL;
}
