/* The context every domain call gets: the connection, who is acting, a request arena, the error slot. */
#ifndef YT_CTX_H
#define YT_CTX_H
#include "../base/arena.h"
#include "../store/store.h"
#include <stdbool.h>
#include <stdint.h>

/* Error kinds named by the HTTP status they map to, so the api layer needs no table for them. */
enum { YT_OK = 0, YT_ERETRY = 1 /* internal: a concurrent writer won a race; run the unit again */, YT_EINVAL = 400, YT_EAUTH = 401, YT_EFORBIDDEN = 403, YT_ENOTFOUND = 404,
       YT_ECONFLICT = 409, YT_ERATE = 429, YT_EINTERNAL = 500 };

typedef struct {
    int code;
    char field[96];
    char msg[256];
    int retry_after; /* seconds, for YT_ERATE */
} yt_err;

/* Permissions, one bit each; roles are sets of them (staff/roles.c). */
enum {
    PERM_CUSTOMERS_READ = 1u << 0,
    PERM_CUSTOMERS_WRITE = 1u << 1,
    PERM_PII_READ = 1u << 2,
    PERM_TAGS_WRITE = 1u << 3,
    PERM_EVENTS_WRITE = 1u << 4,
    PERM_STAFF_READ = 1u << 5,
    PERM_STAFF_WRITE = 1u << 6,
    PERM_AUDIT_READ = 1u << 7,
    PERM_TOKENS_WRITE = 1u << 8,
    PERM_IMPORT_RUN = 1u << 9,
    PERM_STORES_WRITE = 1u << 10,
    PERM_TAGS_MANAGE = 1u << 11, /* create, rename, regroup, delete tags and groups (changes every customer) */
    PERM_SEGMENTS_READ = 1u << 12,
    PERM_SEGMENTS_WRITE = 1u << 13,
    PERM_COMMERCE_READ = 1u << 14,  /* the catalog, activities and orders */
    PERM_COMMERCE_WRITE = 1u << 15, /* products, stock, activities */
    PERM_ORDERS_WRITE = 1u << 16,   /* place orders for customers */
    PERM_POINTS_WRITE = 1u << 17,   /* give or take a customer's points by hand */
    PERM_ALL = (PERM_POINTS_WRITE << 1) - 1, /* keep PERM_POINTS_WRITE the highest bit, or move this */
};

typedef struct {
    int64_t staff_id;       /* 0 for the system (CLI, demo seeding) */
    char username[64];
    char role[16];
    int64_t store_id;
    uint32_t perms;
    bool own_customers_only; /* guides */
    int64_t token_id;
    int64_t member_id;       /* a member signed in with their link token (no staff, no permissions); else 0 */
} yt_actor;

typedef struct {
    yt_db *db;
    const yt_actor *who;
    yt_arena *arena;
    yt_err err;
} yt_ctx;

/* Ends a unit of work begun with db_begin: commits when rc is YT_OK, else rolls back; returns the outcome. */
int yt_finish(yt_ctx *x, int rc, const char *what);

/* Sets x->err and returns the code, for `return yt_fail(x, ...)`. */
int yt_fail(yt_ctx *x, int code, const char *field, const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A text field: min to max characters of readable UTF-8, or a 400 naming field. NULL (not given) passes. */
int yt_check_text(yt_ctx *x, const char *field, const char *v, size_t min, size_t max);
/* A store error: logged with the SQL error, reported to the caller as a generic 500. */
int yt_fail_db(yt_ctx *x, const char *what);
/* The system actor used by the CLI and demo seeding: every permission. */
const yt_actor *yt_system_actor(void);

#endif
