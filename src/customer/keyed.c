/* Every customer-keyed table, and what a merge and a PIPL erasure do to its rows: the one list they walk. */
#include "keyed.h"
#include <stddef.h>

const customer_keyed customer_keyed_tables[] = {
    {"identities", "customer_id", "UPDATE identities SET customer_id = ? WHERE customer_id = ?",
     "DELETE FROM identities WHERE customer_id = ?", 1, NULL},
    /* a tag both records carry is kept once; the absorbed record's rows go */
    {"customer_tags", "customer_id",
     "INSERT INTO customer_tags(customer_id, tag_id, created_at) SELECT ?, tag_id, created_at FROM customer_tags"
     " WHERE customer_id = ? ON CONFLICT(customer_id, tag_id) DO NOTHING",
     "DELETE FROM customer_tags WHERE customer_id = ?", 1, NULL},
    {"remarks", "customer_id", "UPDATE remarks SET customer_id = ? WHERE customer_id = ?",
     "DELETE FROM remarks WHERE customer_id = ?", 1, NULL},
    {"events", "customer_id", "UPDATE events SET customer_id = ? WHERE customer_id = ?",
     "DELETE FROM events WHERE customer_id = ?", 1, NULL},
    {"orders", "customer_id", "UPDATE orders SET customer_id = ? WHERE customer_id = ?", NULL, 0,
     "orders stay for the brand's books, linked to the anonymous shell; their keys hold no buyer id"},
    /* stored Idempotency-Key answers may hold the profile; answers about records merged into this one
     * (before merges moved them) hold old copies */
    {"idempotency_keys", "customer_id", "UPDATE idempotency_keys SET customer_id = ? WHERE customer_id = ?",
     "DELETE FROM idempotency_keys WHERE customer_id = ? OR customer_id IN (SELECT id FROM customers WHERE merged_into = ?)",
     2, NULL},
    /* the change feed names customers and kinds of change, nothing personal; followers read it in order */
    {"changes", "customer_id", NULL, NULL, 0, "a change holds only ids and a kind, and followers read the feed in order"},
    /* records merged into the absorbed one now point at the survivor; an erasure blanks them with it */
    {"customers", "merged_into", "UPDATE customers SET merged_into = ? WHERE merged_into = ?", NULL, 0,
     "the record and those merged into it stay as anonymous shells (customer_erase blanks them)"},
};

const int customer_keyed_count = (int)(sizeof customer_keyed_tables / sizeof customer_keyed_tables[0]);
