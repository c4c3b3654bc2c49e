/* Every customer-keyed table, and what a merge and a PIPL erasure do to its rows: the one list they walk. */
#ifndef YT_KEYED_H
#define YT_KEYED_H

/* A table that holds rows about a customer, by a column naming the customer's id. A new table keyed by a
 * customer is added here (tests/unit/test_keyed.c fails while the schema has one that is not). */
typedef struct {
    const char *table, *column;
    /* Moves the absorbed record's rows to the survivor in a merge; binds (survivor, absorbed).
     * NULL: the rows stay with the absorbed record (kept_because says why). */
    const char *merge_sql;
    /* Removes what is personal in an erased customer's rows; binds the id erase_nparams times.
     * NULL: the rows stay (kept_because says why and how they are made anonymous). */
    const char *erase_sql;
    int erase_nparams;
    const char *kept_because;
} customer_keyed;

extern const customer_keyed customer_keyed_tables[];
extern const int customer_keyed_count;

#endif
