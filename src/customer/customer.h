/* Customer profiles (客户档案): create, read, update, search, tag, transfer, PIPL export; merge and erase
 * (merge.c); remarks are in remark.h, orders in order/order.h. */
#ifndef YT_CUSTOMER_H
#define YT_CUSTOMER_H
#include "../base/json.h"
#include "../domain/ctx.h"
#include "identity.h"

typedef struct {
    const char *platform;
    const char *id;
} buyer_ref;

/* Input for create and update; NULL / has_* false means "not given". Strings are borrowed. */
typedef struct {
    const char *name, *nickname, *avatar_url, *gender, *birthday, *city, *lifecycle;
    bool has_store, has_owner, has_level, has_points;
    int64_t store_id, owner_id, member_level, points;
    bool null_avatar, null_birthday;
    const char *consent, *consent_source; /* "granted" | "withdrawn" | "unknown" */
    identity_values ids; /* phone, email, unionid, openid, external_userid (identity.h) */
    const buyer_ref *buyers;
    int nbuyers;
    const char *const *tags;
    int ntags;
} customer_input;

#define CUSTOMER_MAX_TAG_FILTERS 20

typedef struct {
    const char *q;
    const char *const *tags;
    int ntags;
    int64_t owner_id, store_id;      /* 0 = any */
    const char *lifecycle;
    const char *id_kind, *id_value; /* identity filter (not buyer ids, which need a platform) */
    int limit;
    int64_t cursor;                  /* 0 = from the newest */
} customer_query;

int customer_create(yt_ctx *x, const customer_input *in, int64_t *id);
int customer_update(yt_ctx *x, int64_t id, const customer_input *in);
/* Follows merges to the live record and applies the guide's ownership rule; YT_ENOTFOUND otherwise. */
int customer_resolve(yt_ctx *x, int64_t id, int64_t *live);
/* customer_resolve for changes: an erased customer is a 409, so no personal data is attached to it again. */
int customer_resolve_for_write(yt_ctx *x, int64_t id, int64_t *live);
int customer_write_json(yt_ctx *x, yt_jw *w, int64_t id);
int customer_list_json(yt_ctx *x, yt_jw *w, const customer_query *q);
/* Customers by id, newest first: ids descending, at most limit + 1 of them (the extra one says a next page
 * exists). as_page: {items, next_cursor}; else the items array alone. The caller has checked access. */
int customer_ids_json(yt_ctx *x, yt_jw *w, const int64_t *ids, int n, int limit, bool as_page);
/* merge.c: the absorbed record's rows move to the survivor, which fills its blanks from it. */
int customer_merge(yt_ctx *x, int64_t survivor, int64_t absorbed);
/* merge.c: a writer's guard against a merge or an erasure running alongside it. Merges and erasures lock
 * their customers' rows first (ascending ids); a writer that locks its customer's row, still live, before it
 * writes anything either waits for the merge and then sees the customer gone, or holds the merge back until
 * its commit. customer_hold locks one row inside the caller's transaction: YT_OK live (and locked); merged,
 * erased or unknown, a failure of code gone (YT_ECONFLICT: "merged or erased just now; try again", for a
 * customer the caller had found live; YT_ENOTFOUND otherwise); a store error failed as doing.
 * customers_live reads the live ones of ids (ascending, distinct): id and owner_id, ascending; with lock,
 * share-locked in one statement (PostgreSQL; SQLite has one writer at a time and needs none). The caller
 * frees the rows; NULL on a store error. */
int customer_hold(yt_ctx *x, int64_t customer, int gone, const char *doing);
yt_rows *customers_live(yt_db *db, const int64_t *ids, size_t n, bool lock);
/* Locks the rows of ids for update in ascending ids, inside the caller's transaction, before one statement
 * updates them all (PostgreSQL; nothing on SQLite). Such a statement locks rows in the order its plan meets them
 * (a bitmap or sequential scan: the table's order), so without this it could hold one customer of a merge and wait
 * for the other while the merge, which locks ascending, holds that one and waits: a deadlock. YT_OK, or a store
 * error failed as doing. */
int customers_lock_ascending(yt_ctx *x, const int64_t *ids, size_t n, const char *doing);
/* Adds one identity to a customer, audited. YT_ECONFLICT when another customer holds it. */
int customer_identity_add(yt_ctx *x, int64_t id, const char *kind, const char *platform, const char *value);
/* merge.c: PIPL erasure; orders stay, linked to an anonymous shell. */
int customer_erase(yt_ctx *x, int64_t id);
int customer_export_json(yt_ctx *x, yt_jw *w, int64_t id);
int customer_transfer(yt_ctx *x, const int64_t *ids, int n, int64_t owner_id, int *updated);
int customer_tag(yt_ctx *x, int64_t id, const char *const *add, int nadd, const char *const *remove, int nremove);
/* The same change on many customers, all or nothing: every id is checked first (err.field names a bad one). */
int customer_tag_bulk(yt_ctx *x, const int64_t *ids, int n, const char *const *add, int nadd, const char *const *remove,
                      int nremove);
/* Refreshes the customer's row in the full-text index (SQLite); a no-op on PostgreSQL. */
int customer_index(yt_ctx *x, int64_t id);
/* A bare customer for an identity seen first in an event or an import. Caller holds a transaction, and
 * records the change that names the customer (customer.events, customer.orders). */
int customer_create_bare(yt_ctx *x, const char *name, int64_t *id);
bool lifecycle_valid(const char *stage);
/* Checks a name by the same rule as every customer name (1..64 characters, no control characters); fails on err.field "name". */
int customer_name_check(yt_ctx *x, const char *name);
/* The relationship ladder, from stranger to partner, in order, then the two ways off it: churn risk (a
 * repeat buyer gone quiet) and dormant (no purchase in a year). */
#define LIFECYCLE_NSTAGES 9
extern const char *const lifecycle_stages[LIFECYCLE_NSTAGES];
#define CUSTOMER_NGENDERS 3
extern const char *const customer_genders[CUSTOMER_NGENDERS];
#define CUSTOMER_NCONSENTS 3
extern const char *const customer_consents[CUSTOMER_NCONSENTS];

#endif
