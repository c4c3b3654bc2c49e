/* Bulk actions on a segment's members: tag, untag, hand over to a guide; a chunk per transaction. */
#ifndef YT_SEGMENT_ACTIONS_H
#define YT_SEGMENT_ACTIONS_H
#include "../domain/ctx.h"
#include <stddef.h>

#define SEGMENT_ACTION_CHUNK 5000   /* members per transaction, so others' writes wait briefly */
#define SEGMENT_ACTION_MAX 1000000  /* members one action may touch */

/* ids: live customers, ascending. *affected: members whose tags or owner changed. */
int segment_tag_members(yt_ctx *x, int64_t segment_id, const int64_t *ids, size_t n, const char *const *tags, int ntags,
                        bool add, int64_t *affected);
int segment_assign_members(yt_ctx *x, int64_t segment_id, const int64_t *ids, size_t n, int64_t owner_id, int64_t *affected);

#endif
