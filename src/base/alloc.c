/* Allocation wrappers that abort on out-of-memory, so callers never NULL-check. */
#include "alloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void oom(size_t n) {
    fprintf(stderr, "{\"level\":\"fatal\",\"msg\":\"out of memory\",\"bytes\":%zu}\n", n);
    abort();
}

void *yt_malloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) oom(n);
    return p;
}

void *yt_calloc(size_t n, size_t size) {
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) oom(n * size);
    return p;
}

void *yt_realloc(void *p, size_t n) {
    void *q = realloc(p, n ? n : 1);
    if (!q) oom(n);
    return q;
}

char *yt_strdup(const char *s) {
    if (!s) return NULL;
    return yt_strndup(s, strlen(s));
}

char *yt_strndup(const char *s, size_t n) {
    if (!s) return NULL;
    char *p = yt_malloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}
