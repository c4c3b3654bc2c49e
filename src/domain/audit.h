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

/* Runs one write statement with its audit entry, and its change for the feed (change NULL: none), in one
 * transaction. returned_id: the statement is an INSERT ... RETURNING id. A unique violation is a 409 naming
 * field; no row affected is a 404 for entity entity_id. */
int audited_write(yt_ctx *x, const char *sql, int n, const yt_param *p, int64_t *returned_id, const char *action,
                  const char *entity, int64_t entity_id, const char *field, const char *change);

#endif
