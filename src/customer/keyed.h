/* What a merge and a PIPL erasure do to the rows of a customer-keyed table (module entries list them). */
#ifndef YT_KEYED_H
#define YT_KEYED_H
#include "../domain/ctx.h"
#include <stdint.h>

/* A table that holds rows about a customer, by a column naming the customer's id. A module lists its own in
 * its entry (module.h); tests/unit/test_keyed.c fails while the schema has one that no entry lists. */
typedef struct {
    const char *table, *column;
    /* Moves the absorbed record's rows to the survivor in a merge; binds (survivor, absorbed).
     * NULL: the rows stay with the absorbed record (kept_because says why), unless merge_fn moves them. */
    const char *merge_sql;
    /* Removes what is personal in an erased customer's rows; binds the id erase_nparams times.
     * NULL: the rows stay (kept_because says why and how they are made anonymous). */
    const char *erase_sql;
    int erase_nparams;
    const char *kept_because;
    /* Run after merge_sql when the move could not take every row (a row the survivor already has, under a
     * unique key): drops what is left on the absorbed record; binds (absorbed). NULL: merge_sql moved all. */
    const char *merge_drop_sql;
    /* Moves the absorbed record's rows where one statement cannot (rows whose values change with the move), in
     * the merge's transaction, before merge_sql; a yt status, the failure recorded on x. NULL: merge_sql does. */
    int (*merge_fn)(yt_ctx *x, int64_t survivor, int64_t absorbed);
} customer_keyed;


#endif
