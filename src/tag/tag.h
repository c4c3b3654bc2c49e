/* Tags (标签) in tag groups (标签组): create, rename, delete, attach to and detach from customers. */
#ifndef YT_TAG_H
#define YT_TAG_H
#include "../base/json.h"
#include "../domain/ctx.h"

/* Checks a tag or group name: 1..32 characters, no control characters. */
int tag_name_check(yt_ctx *x, const char *field, const char *name);
/* Finds the tag by name, creating it (ungrouped) when missing. */
int tag_ensure(yt_ctx *x, const char *name, int64_t *id);
/* Attaches tags by name (created when missing) to one customer. Caller holds a transaction. */
int tag_attach(yt_ctx *x, int64_t customer_id, const char *const *names, int n);
int tag_detach(yt_ctx *x, int64_t customer_id, const char *name);
/* Writes the customer's tag names as a JSON array. */
/* Adds (add) or removes tag_id on the customers ids[0..n) in one statement, recording the change for the
 * feed; *changed (arena, may be NULL) gets the ids whose tags did change, *nchanged how many. The caller
 * holds a transaction; ids are live customers. */
int tag_set_many(yt_ctx *x, int64_t tag_id, bool add, const int64_t *ids, size_t n, int64_t **changed, size_t *nchanged);
int tag_names_json(yt_ctx *x, yt_jw *w, int64_t customer_id);

int tag_create(yt_ctx *x, const char *name, int64_t group_id, int64_t *id);
int tag_update(yt_ctx *x, int64_t id, const char *name, bool set_group, int64_t group_id);
int tag_delete(yt_ctx *x, int64_t id);
int tag_list_json(yt_ctx *x, yt_jw *w);
int tag_write_json(yt_ctx *x, yt_jw *w, int64_t id);

int tag_group_create(yt_ctx *x, const char *name, int64_t *id);
int tag_group_rename(yt_ctx *x, int64_t id, const char *name);
int tag_group_delete(yt_ctx *x, int64_t id);
int tag_group_list_json(yt_ctx *x, yt_jw *w);
int tag_group_write_json(yt_ctx *x, yt_jw *w, int64_t id);

#endif
