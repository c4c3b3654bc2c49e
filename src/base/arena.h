/* Request-scoped arena: allocate freely during a request, free everything in one go. */
#ifndef YT_ARENA_H
#define YT_ARENA_H
#include <stddef.h>

typedef struct yt_arena_block yt_arena_block;
typedef struct {
    yt_arena_block *head;
} yt_arena;

void *arena_alloc(yt_arena *a, size_t n);           /* zeroed, 16-byte aligned */
char *arena_strdup(yt_arena *a, const char *s);     /* NULL in gives NULL out */
char *arena_strndup(yt_arena *a, const char *s, size_t n);
/* Frees every block; the arena can be reused afterwards. */
void arena_free(yt_arena *a);
/* Empties the arena for its next use, keeping one block of the usual size (a connection's next request
 * then allocates nothing to start). */
void arena_reset(yt_arena *a);

#endif
