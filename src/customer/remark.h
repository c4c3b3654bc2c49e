/* Remarks and follow-ups (备注, 跟进) that staff write on a customer. */
#ifndef YT_REMARK_H
#define YT_REMARK_H
#include "../base/json.h"
#include "../domain/ctx.h"

/* kind: "remark" (NULL) or "follow_up"; audited, and the remark is searchable with the customer. */
int remark_add(yt_ctx *x, int64_t customer_id, const char *kind, const char *body, int64_t *remark_id);
int remark_write_json(yt_ctx *x, yt_jw *w, int64_t remark_id);
/* A page, newest first. */
int remark_list_json(yt_ctx *x, yt_jw *w, int64_t customer_id, int limit, int64_t cursor);
/* Every remark of the customer as a JSON array, oldest first (the PIPL export). */
int remark_all_json(yt_ctx *x, yt_jw *w, int64_t customer_id);

#endif
