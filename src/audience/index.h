/* The audience index: every live customer's tags, categories and numbers as roaring bitmaps in memory,
 * built from the store at start and kept current by following the change feed; segments evaluate on it. */
#ifndef YT_AUDIENCE_INDEX_H
#define YT_AUDIENCE_INDEX_H
#include "../domain/ctx.h"
#include "clv_model.h"
#include "segment.h"
#include <roaring/roaring.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct audience audience;

/* An empty index; audience_build fills it. */
audience *audience_new(void);
void audience_free(audience *a);
/* Reads every live customer from the store and notes the change feed position first, so that
 * audience_sync applies everything committed after. -1 (logged) on a store error. */
int audience_build(audience *a, yt_db *db);
/* Applies every change committed since the last build or sync (its own writes and other processes'),
 * and moves windowed figures (spend_90d) to today. Cheap when nothing changed. -1 on a store error. */
int audience_sync(audience *a, yt_db *db);

/* change_listen's callback: a transaction of this process that recorded changes has committed (tx); the
 * next sync reads its changes even while the feed's horizon holds them back (PostgreSQL). */
void audience_own_commit(void *arg, int64_t tx);

/* Today for the index: the real day unless audience_set_today pinned one (tests, the demo clock). */
int32_t audience_today(const audience *a);
void audience_set_today(audience *a, int32_t day);

/* Predictions (P(alive), expected orders and value over 90 days) come from this model from now on;
 * recomputed for every customer. The model is copied. -1 on a store error. */
int audience_use_model(audience *a, yt_db *db, const clv_model *model);
/* Predictions come from this model (copied) from the next build on, which reads the orders once for both
 * (start-up); audience_use_model is for an index already built. */
void audience_set_model(audience *a, const clv_model *model);
/* The model in use: false when none. */
bool audience_model(audience *a, clv_model *out);

#define AUDIENCE_MAX_UNKNOWN 16

/* What a segment selects. members is owned by the result (audience_result_free). */
typedef struct {
    roaring_bitmap_t *members;
    const char *unknown[AUDIENCE_MAX_UNKNOWN]; /* tag, store or owner names that match nothing (yet) */
    int nunknown;
} audience_result;

/* Evaluates the tree for x->who (a guide sees only their own customers). The store resolves names (tags,
 * stores, owners) and counts events; x->arena holds the unknown names. On a mistake in the segment
 * (unknown attribute, wrong kind of value) returns YT_EINVAL with *err naming the position; a store error
 * is YT_EINTERNAL (x->err). */
int audience_eval(audience *a, yt_ctx *x, const seg_node *n, audience_result *out, seg_error *err);
void audience_result_free(audience_result *r);

/* The live customers, and those whose lifecycle stage is stage now (new bitmaps the caller frees). */
roaring_bitmap_t *audience_live_members(audience *a);
roaring_bitmap_t *audience_stage_members(audience *a, const char *stage);
/* The live customers whose stage was set by hand (the lifecycle rules leave them). */
roaring_bitmap_t *audience_pinned_members(audience *a);
/* Writes derived from the index (rule tags, stage moves, segment events, bulk actions) take this lock in
 * their transaction, so that instances and requests doing them at once queue instead of deadlocking. */
#define AUDIENCE_WRITE_LOCK 0x79745F61756469LL
/* The ids in b, ascending, as a heap array the caller frees (never NULL); *n how many. */
int64_t *audience_ids(const roaring_bitmap_t *b, size_t *n);
/* The customers with tag_id now (a new bitmap the caller frees; empty for an unknown tag). */
roaring_bitmap_t *audience_tag_members(audience *a, int64_t tag_id);

/* The attribute names segments may use, for error messages and the console: a NULL-terminated list. */
const char *const *audience_attribute_names(void);

typedef struct {
    uint64_t customers;       /* live customers */
    uint64_t bytes;           /* held by the bitmaps */
    int64_t build_ms;         /* the last build's duration */
    uint64_t changes_applied; /* since the build */
    int64_t synced_at;        /* ms of the last sync */
} audience_stats;
void audience_get_stats(audience *a, audience_stats *s);
/* Changes applied since the build (cheap: for noticing that a sync brought something). */
uint64_t audience_changes_applied(audience *a);

#endif
