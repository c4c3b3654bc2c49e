/* Audit log: every write records who, what, when and a before/after summary. */
#ifndef YT_AUDIT_H
#define YT_AUDIT_H
#include "ctx.h"
#include "../base/json.h"

/* Records an audit entry in the current transaction. summary_json is a JSON object or NULL. */
int audit_record(yt_ctx *x, const char *action, const char *entity, int64_t entity_id, const char *summary_json);
/* Writes a page of the audit log, newest first; entity, entity_id may be NULL, actor_id 0 for anyone. */
int audit_list_json(yt_ctx *x, yt_jw *w, const char *entity, const char *entity_id, int64_t actor_id, int limit,
                    int64_t cursor);

#endif
