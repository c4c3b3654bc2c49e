/* The change feed: changes to what in-memory indexes follow, written in the same transaction as the change
 * and read in commit order, so other processes on the same store (another instance, a CLI import) are seen. */
#ifndef YT_CHANGES_H
#define YT_CHANGES_H
#include "ctx.h"

/* Kinds of change, noun.verb. customer_id names the customer (0: none); ref_id a tag or other row (0). */
#define CHANGE_CUSTOMER_CREATED "customer.created"
#define CHANGE_CUSTOMER_UPDATED "customer.updated"   /* profile, owner, identities */
#define CHANGE_CUSTOMER_TAGGED "customer.tagged"     /* tags added or removed */
#define CHANGE_CUSTOMER_MERGED "customer.merged"     /* both records: the survivor and the absorbed */
#define CHANGE_CUSTOMER_ERASED "customer.erased"
#define CHANGE_CUSTOMER_EVENTS "customer.events"     /* new events (once per customer per batch) */
#define CHANGE_CUSTOMER_ORDERS "customer.orders"     /* new orders */
#define CHANGE_TAG_DELETED "tag.deleted"             /* ref_id: the tag; its customers lost it */
#define CHANGE_TAG_RENAMED "tag.renamed"

/* Records a change in the current transaction (the caller holds one). */
int change_record(yt_ctx *x, const char *kind, int64_t customer_id, int64_t ref_id);
/* The same change for the customers ids[0..*n), in one statement: for batches and imports. Sorts ids and
 * drops repeats in place first (*n becomes the number of distinct customers). */
int change_record_customers(yt_ctx *x, const char *kind, int64_t *ids, size_t *n);

typedef struct {
    int64_t seq, at, customer_id, ref_id;
    const char *kind; /* valid during the callback */
} feed_change;

typedef void (*change_fn)(void *arg, const feed_change *c);

/* Where a follower that has everything up to now starts reading (after building from the store). */
int change_feed_position(yt_db *db, int64_t *pos);
/* Calls fn for each change committed after *pos, in commit order, and moves *pos past them. Changes of
 * transactions still running are left for a later call. -1 on a store error. */
int change_feed_read(yt_db *db, int64_t *pos, change_fn fn, void *arg);

/* PostgreSQL holds a change back from the feed while any older transaction of the database runs (see
 * change_feed_read). So that a process sees its own committed changes at once, fn is told the id of each
 * of its transactions that recorded changes, once it commits; change_feed_read_tx reads those. One
 * listener per process (the audience index); NULL stops it. SQLite needs none: its feed is never held. */
typedef void (*change_commit_fn)(void *arg, int64_t tx);
void change_listen(change_commit_fn fn, void *arg);
/* Calls fn for each change of the transactions txs[0..n) (committed ones; PostgreSQL only). */
int change_feed_read_tx(yt_db *db, const int64_t *txs, size_t n, change_fn fn, void *arg);

#endif
