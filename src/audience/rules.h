/* Auto-tag rules: a segment condition (or an event trigger, which is a condition on an event count) adds or
 * removes tags; applied to everyone when a rule is made or changed, and again after every batch of writes;
 * a history of what each rule did; a rule set that would loop is refused with the loop named. */
#ifndef YT_TAG_RULES_H
#define YT_TAG_RULES_H
#include "../base/json.h"
#include "index.h"
#include "lifecycle.h"

#define RULE_MAX_TAGS 20
#define RULE_NAME_MAX 100

typedef struct {
    int64_t id;
    const char *name, *query;  /* query: segment text (for an event trigger, count(type, Nd) >= 1) */
    const char *event;         /* the trigger's event type, or NULL for a condition rule */
    int32_t event_days;
    const char *add[RULE_MAX_TAGS], *remove[RULE_MAX_TAGS];
    int nadd, nremove;
    bool active;
    int64_t created_by, created_at, updated_at;
} tag_rule;

/* The text and tree of an event trigger's condition: count(type, Nd) >= 1. */
const char *tag_rule_event_query(yt_arena *arena, const char *type, int32_t days);

/* Checks the rule (names, tags, its condition against the index) and that the active rules with it would not
 * loop; on a loop returns YT_EINVAL with x->err naming it and cycle[] (arena) the tags around it, start
 * repeated at the end. */
int tag_rule_check(audience *a, yt_ctx *x, const tag_rule *r, const char ***cycle, int *ncycle, seg_error *serr);
/* The loop check alone: the active tag rules (candidate in place of its saved self; NULL: none new) and
 * the stage rules (stages NULL: those in force), in one graph of tags and the lifecycle stage. */
int audience_loop_check(yt_ctx *x, const tag_rule *candidate, const lifecycle_rule *stages, int nstages, const char ***cycle,
                        int *ncycle);
/* Held from a loop check to the save it allows (tag rules and stage rules), so two saves at once cannot each
 * pass the check and loop together: a transaction that holds the rules' lock in the store (other instances
 * on PostgreSQL wait for it; SQLite's write transactions queue anyway) and a mutex in this process. The
 * check reads the rules inside it. begin: YT_OK, or a store error (nothing held). */
int audience_rules_begin(yt_ctx *x);
/* Commits when rc is YT_OK, else rolls back, and lets go. Returns rc, or the commit's store error. */
int audience_rules_end(yt_ctx *x, int rc);
/* Saves (id 0: creates, *id set; else updates every field) with an audit entry. */
int tag_rule_save(yt_ctx *x, tag_rule *r);
int tag_rule_delete(yt_ctx *x, int64_t id);
int tag_rule_get(yt_ctx *x, int64_t id, tag_rule *out);
void tag_rule_write_json(yt_jw *w, const tag_rule *r);
int tag_rule_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor);
int tag_rule_history_json(yt_ctx *x, yt_jw *w, int64_t rule_id, int limit, int64_t cursor);

/* Applies the active rules (only_rule: just that one) as x->who: adds and removes what their conditions call
 * for on the index as it is, recording history. *added and *removed (may be NULL) count tag changes. */
int tag_rules_apply(audience *a, yt_ctx *x, int64_t only_rule, int64_t *added, int64_t *removed);

#endif
