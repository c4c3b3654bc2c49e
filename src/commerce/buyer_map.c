/* Each buyer's quantity in one flash sale as this instance knows it: open addressing with linear probing. */
#include "buyer_map.h"
#include "../base/alloc.h"
#include <stdlib.h>

/* Where a customer's slot would be in a table of cap (a power of two, at least 2) slots, before probing: the
 * top bits of a multiplicative hash, which every bit of the id moves (ids a large power of two apart do not
 * share a home). */
static size_t home_of(int64_t customer, size_t cap) {
    return (size_t)((uint64_t)customer * 0x9E3779B97F4A7C15ull >> (64 - __builtin_ctzll(cap)));
}

int64_t *buyer_slot(buyer_map *m, int64_t customer) {
    if (2 * (m->n + 1) > m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        int64_t *key = yt_calloc(cap, sizeof *key), *qty = yt_calloc(cap, sizeof *qty);
        for (size_t i = 0; i < m->cap; i++)
            if (m->key[i]) {
                size_t j = home_of(m->key[i], cap);
                while (key[j]) j = (j + 1) & (cap - 1);
                key[j] = m->key[i];
                qty[j] = m->qty[i];
            }
        free(m->key);
        free(m->qty);
        m->key = key;
        m->qty = qty;
        m->cap = cap;
    }
    size_t j = home_of(customer, m->cap);
    while (m->key[j] && m->key[j] != customer) j = (j + 1) & (m->cap - 1);
    if (!m->key[j]) {
        m->key[j] = customer;
        m->n++;
    }
    return &m->qty[j];
}

/* Empties the slot and moves each later key of its run whose home is at or before the hole back into it, so
 * every key stays reachable from its home without gaps (no tombstones). */
void buyer_forget(buyer_map *m, int64_t *slot) {
    size_t hole = (size_t)(slot - m->qty), mask = m->cap - 1;
    for (size_t j = (hole + 1) & mask; m->key[j]; j = (j + 1) & mask) {
        size_t home = home_of(m->key[j], m->cap);
        if (((j - home) & mask) >= ((j - hole) & mask)) {
            m->key[hole] = m->key[j], m->qty[hole] = m->qty[j];
            hole = j;
        }
    }
    m->key[hole] = 0, m->qty[hole] = 0;
    m->n--;
}

void buyer_map_free(buyer_map *m) {
    free(m->key);
    free(m->qty);
    *m = (buyer_map){0};
}
