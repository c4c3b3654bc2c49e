/* Saved segments: a name and a query in the segment language, stored; members are always evaluated live. */
#ifndef YT_SEGMENTS_H
#define YT_SEGMENTS_H
#include "../domain/ctx.h"

#define SEGMENT_NAME_MAX 100 /* characters */

typedef struct {
    int64_t id, created_by, created_at, updated_at;
    const char *name, *query; /* in the arena of the call */
} segment_row;

/* query is canonical segment text the caller has parsed and evaluated. */
int segment_create(yt_ctx *x, const char *name, const char *query, int64_t *id);
/* name or query NULL: unchanged. A new query comes with its members (tracking.h's text form) as the new
 * baseline, written in the same statement so no comparison sees the new query against the old members. */
int segment_update(yt_ctx *x, int64_t id, const char *name, const char *query, const char *members);
int segment_delete(yt_ctx *x, int64_t id);
int segment_get(yt_ctx *x, int64_t id, segment_row *out);
/* A page, newest first: up to limit rows below cursor (0: from the newest) in *rows (arena); *more when
 * a next page exists. */
int segment_list(yt_ctx *x, int limit, int64_t cursor, segment_row **rows, int *n, bool *more);
/* Checks a segment name: 1 to SEGMENT_NAME_MAX readable characters. */
int segment_name_check(yt_ctx *x, const char *name);

#endif
