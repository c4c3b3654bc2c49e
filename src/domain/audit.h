/* Audit log: every write records who, what, when and a before/after summary. */
#ifndef YT_AUDIT_H
#define YT_AUDIT_H
#include "ctx.h"

/* Records an audit entry in the current transaction. summary_json is a JSON object or NULL. */
int audit_record(yt_ctx *x, const char *action, const char *entity, int64_t entity_id, const char *summary_json);

#endif
