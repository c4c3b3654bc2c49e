/* The audience index's insides, shared by the files that build it (index.c) and evaluate on it (eval.c). */
#ifndef YT_AUDIENCE_INTERNAL_H
#define YT_AUDIENCE_INTERNAL_H
#include "index.h"
#include "bsi.h"
#include "dense.h"
#include "clv_model.h"
#include <pthread.h>
#include <stdatomic.h>

enum { CAT_STORE, CAT_OWNER, CAT_CITY, CAT_GENDER, CAT_CONSENT, CAT_LIFECYCLE, NCAT };
enum {
    NUM_MEMBER_LEVEL, NUM_POINTS, NUM_CREATED,                                   /* from the customer row */
    NUM_PAID_LEVEL, NUM_PAID_UNTIL,                                              /* from paid memberships */
    NUM_SPEND, NUM_ORDERS, NUM_SPEND_30D, NUM_SPEND_90D, NUM_SPEND_365D,         /* from orders */
    NUM_ORDERS_30D, NUM_ORDERS_90D, NUM_ORDERS_365D, NUM_FIRST_ORDER, NUM_LAST_ORDER,
    NUM_LAST_SEEN,                                                               /* from events */
    NUM_P_ALIVE, NUM_EXPECTED_90D, NUM_VALUE_90D,      /* from the lifetime-value model: x10000, x100, fen */
    NNUM
};

/* One category: each customer's value as a code, and a bitmap per code. Text values get codes from a
 * dictionary; stores and owners use their row id as the code. */
typedef struct {
    dense_col code;           /* per customer id (0: none) */
    roaring_bitmap_t **bm;    /* per code */
    uint32_t nbm;
    char **text;              /* text categories: text[code - 1] */
    uint32_t ntext, cap_text;
    uint32_t *slots;          /* open addressing over codes, hcap slots */
    uint32_t hcap;
} cat_col;

struct audience {
    pthread_rwlock_t lock;    /* readers evaluate; a sync applies under the write lock */
    pthread_mutex_t sync_mu;  /* one sync at a time */
    roaring_bitmap_t *live;   /* customers neither merged away nor erased */
    roaring_bitmap_t *pinned; /* customers whose lifecycle stage was set by hand */
    roaring_bitmap_t **tags;  /* per tag id */
    uint32_t ntags;
    cat_col cat[NCAT];
    bsi num[NNUM];
    int64_t feed_pos;
    int32_t asof_day;         /* the day windowed figures are as of */
    _Atomic int32_t pinned_day; /* 0: the real day */
    pthread_mutex_t own_mu;   /* own_txs: this process's committed transactions with changes (PostgreSQL), */
    int64_t *own_txs;         /* read at the next sync before the feed's horizon passes them */
    size_t nown, cap_own;
    bool has_model;           /* model: the lifetime-value model predictions are made with */
    clv_model model;
    int64_t build_ms, synced_at;
    uint64_t changes_applied;
};

/* r becomes its live customers that who may see (a guide: their own). Under the read lock. */
void audience_restrict(audience *a, const yt_actor *who, roaring_bitmap_t *r);
/* The code of a text category value; 0 when no customer has it. Under the read lock. */
uint32_t audience_text_code(audience *a, int cat, const char *s);

#endif
