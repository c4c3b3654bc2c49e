/* Growable byte buffer, always NUL-terminated; the base of the JSON and CSV writers. */
#ifndef YT_BUF_H
#define YT_BUF_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

typedef struct {
    char *p;     /* owned; NUL-terminated when cap > 0 */
    size_t len;
    size_t cap;
} yt_buf;

#define YT_BUF_INIT {NULL, 0, 0}

void buf_reserve(yt_buf *b, size_t extra);
void buf_append(yt_buf *b, const void *data, size_t n);
void buf_puts(yt_buf *b, const char *s);
void buf_putc(yt_buf *b, char c);
/* v in decimal, without printf (answers and log lines write many numbers). */
void buf_put_int(yt_buf *b, int64_t v);
/* v's decimal digits, written at the end of out; returns where they begin. */
const char *fmt_uint(char out[24], uint64_t v);
void buf_printf(yt_buf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void buf_vprintf(yt_buf *b, const char *fmt, va_list ap);
void buf_reset(yt_buf *b);
/* Empties b for its next use, keeping its memory when it holds at most keep bytes (else freeing it). */
void buf_recycle(yt_buf *b, size_t keep);
void buf_free(yt_buf *b);
/* Hands the bytes to the caller (free() them) and leaves b empty. Never NULL. */
char *buf_take(yt_buf *b);

#endif
