/* Streaming JSON writer into a yt_buf: no DOM, commas and escaping handled here. */
#include "json.h"
#include "timeutil.h"
#include <assert.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void jw_init(yt_jw *w, yt_buf *b) {
    memset(w, 0, sizeof *w);
    w->b = b;
    w->first[0] = true;
}

static void sep(yt_jw *w) {
    if (w->after_key) { w->after_key = false; return; }
    if (!w->first[w->depth]) buf_putc(w->b, ',');
    w->first[w->depth] = false;
}

static void open(yt_jw *w, char c) {
    sep(w);
    buf_putc(w->b, c);
    assert(w->depth + 1 < JW_MAX_DEPTH);
    w->depth++;
    w->first[w->depth] = true;
}

void jw_obj(yt_jw *w) { open(w, '{'); }
void jw_arr(yt_jw *w) { open(w, '['); }
void jw_obj_end(yt_jw *w) { w->depth--; buf_putc(w->b, '}'); }
void jw_arr_end(yt_jw *w) { w->depth--; buf_putc(w->b, ']'); }

/* Length of the well-formed UTF-8 sequence at s (at most n bytes), or 0 when it is not one
 * (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, or cut short). */
static size_t utf8_seq(const unsigned char *s, size_t n) {
    unsigned char c = s[0];
    size_t len;
    unsigned char lo = 0x80, hi = 0xBF; /* the range of the second byte */
    if (c >= 0xC2 && c <= 0xDF) len = 2;
    else if (c >= 0xE0 && c <= 0xEF) {
        len = 3;
        if (c == 0xE0) lo = 0xA0;
        if (c == 0xED) hi = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        len = 4;
        if (c == 0xF0) lo = 0x90;
        if (c == 0xF4) hi = 0x8F;
    } else return 0;
    if (n < len || s[1] < lo || s[1] > hi) return 0;
    for (size_t k = 2; k < len; k++)
        if (s[k] < 0x80 || s[k] > 0xBF) return 0;
    return len;
}

/* The output is always UTF-8: a byte that does not start a well-formed sequence (a string cut inside a
 * character, say) is written as U+FFFD, so no answer carries text a strict parser refuses. */
void json_escape(yt_buf *b, const char *s, size_t n) {
    static const char hex[] = "0123456789abcdef";
    buf_reserve(b, n + 2);
    buf_putc(b, '"');
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c >= 0x80) {
            size_t len = utf8_seq((const unsigned char *)s + i, n - i);
            if (len) {
                i += len - 1;
                continue;
            }
            buf_append(b, s + run, i - run);
            run = i + 1;
            buf_puts(b, "\xEF\xBF\xBD");
            continue;
        }
        if (c >= 0x20 && c != '"' && c != '\\') continue;
        buf_append(b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': buf_puts(b, "\\\""); break;
        case '\\': buf_puts(b, "\\\\"); break;
        case '\n': buf_puts(b, "\\n"); break;
        case '\r': buf_puts(b, "\\r"); break;
        case '\t': buf_puts(b, "\\t"); break;
        default: {
            char e[6] = {'\\', 'u', '0', '0', hex[c >> 4], hex[c & 15]};
            buf_append(b, e, 6);
        }
        }
    }
    buf_append(b, s + run, n - run);
    buf_putc(b, '"');
}

void jw_key(yt_jw *w, const char *k) {
    sep(w);
    json_escape(w->b, k, strlen(k));
    buf_putc(w->b, ':');
    w->after_key = true;
}

void jw_strn(yt_jw *w, const char *s, size_t n) {
    sep(w);
    json_escape(w->b, s, n);
}

void jw_str(yt_jw *w, const char *s) {
    if (!s) { jw_null(w); return; }
    jw_strn(w, s, strlen(s));
}

void jw_int(yt_jw *w, int64_t v) { sep(w); buf_put_int(w->b, v); }

void jw_dbl(yt_jw *w, double v) {
    sep(w);
    if (!isfinite(v)) {
        buf_puts(w->b, "null");
        return;
    }
    char s[32]; /* the shortest of 15, 16 or 17 digits that reads back as v: 0.1, not 0.10000000000000001 */
    for (int digits = 15; digits <= 17; digits++) {
        snprintf(s, sizeof s, "%.*g", digits, v);
        if (strtod(s, NULL) == v) break;
    }
    buf_puts(w->b, s);
}

void jw_bool(yt_jw *w, bool v) { sep(w); buf_puts(w->b, v ? "true" : "false"); }
void jw_null(yt_jw *w) { sep(w); buf_puts(w->b, "null"); }

void jw_raw(yt_jw *w, const char *json) {
    sep(w);
    buf_puts(w->b, json ? json : "null");
}

void jw_next_cursor(yt_jw *w, bool more, int64_t last_id) {
    jw_key(w, "next_cursor");
    if (!more) {
        jw_null(w);
        return;
    }
    char cur[24];
    snprintf(cur, sizeof cur, "%lld", (long long)last_id);
    jw_str(w, cur);
}

void jw_raw_members(yt_jw *w, const char *members) {
    if (!members || !*members) return;
    sep(w);
    buf_puts(w->b, members);
}

void jw_kstr(yt_jw *w, const char *k, const char *s) { jw_key(w, k); jw_str(w, s); }
void jw_kint(yt_jw *w, const char *k, int64_t v) { jw_key(w, k); jw_int(w, v); }
void jw_kbool(yt_jw *w, const char *k, bool v) { jw_key(w, k); jw_bool(w, v); }
void jw_knull(yt_jw *w, const char *k) { jw_key(w, k); jw_null(w); }
void jw_kraw(yt_jw *w, const char *k, const char *json) { jw_key(w, k); jw_raw(w, json); }

void jw_ktime(yt_jw *w, const char *k, int64_t ms) {
    char ts[40];
    time_fmt(ms, ts, sizeof ts);
    jw_kstr(w, k, ts);
}
