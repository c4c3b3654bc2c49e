/* Allocation wrappers that abort on out-of-memory, so callers never NULL-check. */
#ifndef YT_ALLOC_H
#define YT_ALLOC_H
#include <stddef.h>

void *yt_malloc(size_t n);
void *yt_calloc(size_t n, size_t size);
void *yt_realloc(void *p, size_t n);
/* Returns a heap copy the caller frees with free(); NULL in gives NULL out. */
char *yt_strdup(const char *s);
char *yt_strndup(const char *s, size_t n);

#endif
