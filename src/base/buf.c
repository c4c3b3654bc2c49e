/* Growable byte buffer, always NUL-terminated; the base of the JSON and CSV writers. */
#include "buf.h"
#include "alloc.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void buf_reserve(yt_buf *b, size_t extra) {
    size_t need = b->len + extra + 1;
    if (need <= b->cap) return;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < need) cap *= 2;
    b->p = yt_realloc(b->p, cap);
    b->cap = cap;
}

void buf_append(yt_buf *b, const void *data, size_t n) {
    buf_reserve(b, n);
    if (n) memcpy(b->p + b->len, data, n);
    b->len += n;
    b->p[b->len] = '\0';
}

void buf_puts(yt_buf *b, const char *s) { buf_append(b, s, strlen(s)); }

const char *fmt_uint(char out[24], uint64_t v) {
    char *p = out + 23;
    *p = '\0';
    do *--p = (char)('0' + v % 10);
    while (v /= 10);
    return p;
}

void buf_put_int(yt_buf *b, int64_t v) {
    char num[24];
    const char *d = fmt_uint(num, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
    if (v < 0) buf_putc(b, '-');
    buf_append(b, d, (size_t)(num + 23 - d));
}

void buf_putc(yt_buf *b, char c) {
    buf_reserve(b, 1);
    b->p[b->len++] = c;
    b->p[b->len] = '\0';
}

void buf_vprintf(yt_buf *b, const char *fmt, va_list ap) {
    va_list cp;
    va_copy(cp, ap);
    size_t room = b->cap > b->len ? b->cap - b->len : 0; /* the spare room, with the NUL's byte */
    int n = vsnprintf(room ? b->p + b->len : NULL, room, fmt, cp); /* one pass when it fits */
    va_end(cp);
    if (n <= 0) return;
    if ((size_t)n >= room) {
        buf_reserve(b, (size_t)n);
        vsnprintf(b->p + b->len, (size_t)n + 1, fmt, ap);
    }
    b->len += (size_t)n;
}

void buf_printf(yt_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void buf_reset(yt_buf *b) {
    b->len = 0;
    if (b->p) b->p[0] = '\0';
}

void buf_recycle(yt_buf *b, size_t keep) {
    if (b->cap > keep) buf_free(b);
    else buf_reset(b);
}

void buf_free(yt_buf *b) {
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

char *buf_take(yt_buf *b) {
    if (!b->p) buf_reserve(b, 0);
    char *p = b->p;
    b->p = NULL;
    b->len = b->cap = 0;
    return p;
}
