/* The index of a connection's prepared statements, shared by the drivers: sets of STMT_WAYS entries, a text's
 * hash picks its set and the least recently used entry of the set makes room, so the few texts that share a set
 * do not keep pushing each other out. Each driver keeps its statements in an array alongside the entries. */
#ifndef YT_STMT_CACHE_H
#define YT_STMT_CACHE_H
#include <stdbool.h>
#include <stdint.h>

#define STMT_WAYS 4

typedef struct {
    char *sql;     /* NULL: empty */
    uint32_t hash;
    bool pinned;   /* in use (its rows are being read): neither handed out again nor replaced */
    uint64_t used; /* when last handed out, on the cache's clock */
} stmt_entry;

typedef struct {
    stmt_entry *e; /* sets * STMT_WAYS of them */
    uint32_t sets;
    uint64_t clock;
} stmt_cache;

/* The entry holding sql (*hit true), or else the one to fill: an empty one, else the least recently used that
 * is not pinned. -1 when sql's entry or every entry of its set is pinned (the caller uses a statement of its own). */
int stmt_cache_find(stmt_cache *c, const char *sql, bool *hit);
/* Puts sql in entry i, whose statement the caller has let go of. */
void stmt_cache_fill(stmt_cache *c, int i, const char *sql);
/* Empties every entry. */
void stmt_cache_clear(stmt_cache *c);

#endif
