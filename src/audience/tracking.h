/* Saved segments' membership over time: each segment's members are kept in the store, and when they change
 * every customer who entered or left gets a segment_entered or segment_exited event. */
#ifndef YT_SEGMENT_TRACKING_H
#define YT_SEGMENT_TRACKING_H
#include "index.h"

/* Compares every saved segment's members now with those last recorded; records the difference as events
 * and the members as the new baseline. A segment seen for the first time gets a baseline and no events.
 * With several instances, one records each change (the baseline carries a version). *events counts them. */
int segments_track(audience *a, yt_ctx *x, int64_t *events);

/* members as a baseline's text (base64 of the portable roaring form); the caller frees it. */
char *segment_members_text(const roaring_bitmap_t *members);
/* Records members as the segment's baseline (a new segment, or a new query: no events for that). */
int segment_baseline(yt_ctx *x, int64_t id, const roaring_bitmap_t *members);

#endif
