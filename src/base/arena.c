/* Request-scoped arena: allocate freely during a request, free everything in one go. */
#include "arena.h"
#include "alloc.h"
#include <stdlib.h>
#include <string.h>

struct yt_arena_block {
    yt_arena_block *next;
    size_t used, cap;
    _Alignas(16) unsigned char data[];
};

#define ARENA_BLOCK 8192

void *arena_alloc(yt_arena *a, size_t n) {
    n = (n + 15) & ~(size_t)15;
    yt_arena_block *b = a->head;
    if (!b || b->cap - b->used < n) {
        size_t cap = n > ARENA_BLOCK ? n : ARENA_BLOCK;
        b = yt_malloc(sizeof *b + cap);
        b->used = 0;
        b->cap = cap;
        b->next = a->head;
        a->head = b;
    }
    void *p = b->data + b->used;
    b->used += n;
    memset(p, 0, n);
    return p;
}

char *arena_strndup(yt_arena *a, const char *s, size_t n) {
    if (!s) return NULL;
    char *p = arena_alloc(a, n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_strdup(yt_arena *a, const char *s) { return s ? arena_strndup(a, s, strlen(s)) : NULL; }

void arena_reset(yt_arena *a) {
    yt_arena_block *keep = NULL;
    for (yt_arena_block *b = a->head, *n; b; b = n) {
        n = b->next;
        if (!keep && b->cap == ARENA_BLOCK) keep = b;
        else free(b);
    }
    if (keep) keep->used = 0, keep->next = NULL;
    a->head = keep;
}

void arena_free(yt_arena *a) {
    yt_arena_block *b = a->head;
    while (b) {
        yt_arena_block *n = b->next;
        free(b);
        b = n;
    }
    a->head = NULL;
}
