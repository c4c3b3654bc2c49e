/* Each buyer's quantity in one flash sale as this instance knows it: open addressing with linear probing,
 * grown a step at a time (the sale's mutex is held for each call, and a sale of many first-time buyers once
 * stopped every order for 20-46 ms while the whole table was copied into one twice its size). */
#include "buyer_map.h"
#include "../base/alloc.h"
#include <stdlib.h>

#define MOVED INT64_MIN  /* an old table's slot whose customer is in the current table now (or was forgotten there) */
#define MOVE_STEP 64     /* old slots moved on each call while the table grows */

/* Where a customer's slot would be in a table of cap (a power of two, at least 2) slots, before probing: the
 * top bits of a multiplicative hash, which every bit of the id moves (ids a large power of two apart do not
 * share a home). */
static size_t home_of(int64_t customer, size_t cap) {
    return (size_t)((uint64_t)customer * 0x9E3779B97F4A7C15ull >> (64 - __builtin_ctzll(cap)));
}

/* The customer's slot in a table, or the free slot that ends its run. */
static size_t find(const int64_t *key, size_t cap, int64_t customer) {
    size_t j = home_of(customer, cap);
    while (key[j] && key[j] != customer) j = (j + 1) & (cap - 1);
    return j;
}

/* Moves up to MOVE_STEP of the old table's slots into the current one; frees the old table once all are. An old
 * slot keeps its key when its customer moves (marked MOVED), so every run of the old table stays whole. */
static void move_some(buyer_map *m) {
    for (size_t k = 0; k < MOVE_STEP && m->moved < m->ocap; k++, m->moved++) {
        size_t i = m->moved;
        if (!m->okey[i] || m->oqty[i] == MOVED) continue;
        size_t j = find(m->key, m->cap, m->okey[i]); /* not there: it would be marked MOVED */
        m->key[j] = m->okey[i], m->qty[j] = m->oqty[i], m->used++;
        m->oqty[i] = MOVED;
    }
    if (m->moved < m->ocap) return;
    free(m->okey);
    free(m->oqty);
    m->okey = m->oqty = NULL;
    m->ocap = m->moved = 0;
}

/* A table twice the size becomes the current one; the old one is moved into it over the next calls. While that
 * lasts the current table holds at most half the old one's slots plus one new customer a call, a quarter full. */
static void grow(buyer_map *m) {
    size_t cap = m->cap ? m->cap * 2 : 64;
    m->okey = m->key, m->oqty = m->qty, m->ocap = m->cap, m->moved = 0;
    m->key = yt_calloc(cap, sizeof *m->key);
    m->qty = yt_calloc(cap, sizeof *m->qty);
    m->cap = cap;
    m->used = 0;
}

int64_t *buyer_slot(buyer_map *m, int64_t customer) {
    if (!m->okey && 2 * (m->used + 1) > m->cap) grow(m); /* the first table (cap 0) leaves nothing to move */
    if (m->okey) move_some(m);
    size_t j = find(m->key, m->cap, customer);
    if (m->key[j]) return &m->qty[j];
    int64_t qty = 0;
    bool known = false;
    if (m->okey) { /* not moved yet: it moves now */
        size_t o = find(m->okey, m->ocap, customer);
        if (m->okey[o] && m->oqty[o] != MOVED) qty = m->oqty[o], m->oqty[o] = MOVED, known = true;
    }
    m->key[j] = customer, m->qty[j] = qty, m->used++;
    if (!known) m->n++;
    return &m->qty[j];
}

/* Empties the slot and moves each later key of its run whose home is at or before the hole back into it, so
 * every key stays reachable from its home without gaps (no tombstones). The slot is in the current table, and
 * the customer's old slot, if any, is marked MOVED: nothing brings the quantity back. */
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
    m->used--;
    m->n--;
}

void buyer_map_free(buyer_map *m) {
    free(m->key);
    free(m->qty);
    free(m->okey);
    free(m->oqty);
    *m = (buyer_map){0};
}
