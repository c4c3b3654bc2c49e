/* The lifecycle ladder (stranger → weak tie → customer → repeat → fan → iron fan → partner, plus churn risk
 * and dormant): each stage a segment condition, tried in order (the first that holds wins, stranger when
 * none does); moves are applied after writes and as days pass, recorded, and counted per week. */
#ifndef YT_LIFECYCLE_H
#define YT_LIFECYCLE_H
#include "../base/json.h"
#include "index.h"

typedef struct {
    const char *stage, *query;
} lifecycle_rule;

#define LIFECYCLE_MAX_RULES 16

/* The rules in force: saved ones, or the defaults; *n set. Strings live in x->arena or are static. */
int lifecycle_rules(yt_ctx *x, lifecycle_rule *out, int *n, bool *defaults);
/* Checks (stages known, each once, not stranger; conditions evaluate and do not read lifecycle; with the
 * tag rules they make no loop, else *cycle names it) and saves them in order, audited; an error names
 * rules[i] in x->err.field and *pos the position in its query. */
int lifecycle_rules_save(audience *a, yt_ctx *x, const lifecycle_rule *rules, int n, int *pos, const char ***cycle, int *ncycle);
/* Moves every customer whose stage the rules now say differs; *moved (may be NULL) counts them. */
int lifecycle_apply(audience *a, yt_ctx *x, int64_t *moved);
/* {stages: [{stage, count}], flows: [{week, from, to, count}] over the last `weeks` weeks}. */
int lifecycle_report_json(audience *a, yt_ctx *x, yt_jw *w, int weeks);

#endif
