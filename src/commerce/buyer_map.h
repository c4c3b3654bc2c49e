/* Each buyer's quantity in one flash sale as this instance knows it: open addressing on the customer id. */
#ifndef YT_COMMERCE_BUYER_MAP_H
#define YT_COMMERCE_BUYER_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* A hint that refuses an order over the limit at once; the store's flash_buyers decide. Zeroed is empty.
 * Not locked: the sale's mutex guards it. Customer ids are positive (0 marks a free slot). */
typedef struct {
    int64_t *key, *qty;
    size_t cap, n;   /* the current table's slots (a power of two, at most half used), and customers in the map */
    size_t used;     /* slots used in the current table */
    int64_t *okey, *oqty; /* while the map grows: the old table, moved into the current one a step a call */
    size_t ocap, moved;   /* its slots, and how many of them (from the first) are moved */
} buyer_map;

/* The customer's quantity, made (as 0) when the map has none: valid until the next buyer_slot or
 * buyer_forget. */
int64_t *buyer_slot(buyer_map *m, int64_t customer);
/* Removes a slot buyer_slot gave (one holding nothing: an absent customer has 0), so ids that never bought,
 * such as an unknown customer's refused order, leave nothing behind. */
void buyer_forget(buyer_map *m, int64_t *slot);
/* Frees the map's memory; it is empty after. */
void buyer_map_free(buyer_map *m);

#endif
