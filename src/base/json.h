/* Streaming JSON writer into a yt_buf: no DOM, commas and escaping handled here. */
#ifndef YT_JSON_H
#define YT_JSON_H
#include "buf.h"
#include <stdbool.h>
#include <stdint.h>

#define JW_MAX_DEPTH 32

typedef struct {
    yt_buf *b;               /* borrowed */
    int depth;
    bool first[JW_MAX_DEPTH];
    bool after_key;
} yt_jw;

void jw_init(yt_jw *w, yt_buf *b);
void jw_obj(yt_jw *w);
void jw_obj_end(yt_jw *w);
void jw_arr(yt_jw *w);
void jw_arr_end(yt_jw *w);
void jw_key(yt_jw *w, const char *k);
void jw_str(yt_jw *w, const char *s);          /* NULL writes null */
void jw_strn(yt_jw *w, const char *s, size_t n);
void jw_int(yt_jw *w, int64_t v);
void jw_dbl(yt_jw *w, double v);
void jw_bool(yt_jw *w, bool v);
void jw_null(yt_jw *w);
void jw_raw(yt_jw *w, const char *json);       /* already-valid JSON text; NULL writes null */
/* Appends already-written members ("\"a\":1,\"b\":2") to the open object, as if written one by one. */
void jw_raw_members(yt_jw *w, const char *members);
/* key + value shorthands */
void jw_kstr(yt_jw *w, const char *k, const char *s);
void jw_kint(yt_jw *w, const char *k, int64_t v);
void jw_kbool(yt_jw *w, const char *k, bool v);
void jw_knull(yt_jw *w, const char *k);
/* A time in UTC milliseconds as an RFC 3339 string member. */
void jw_ktime(yt_jw *w, const char *k, int64_t ms);
void jw_kraw(yt_jw *w, const char *k, const char *json);
/* The end of a list page: "next_cursor" is the last id as a string when there is more, else null. */
void jw_next_cursor(yt_jw *w, bool more, int64_t last_id);
/* Appends s as a JSON string literal (with quotes) to b. */
void json_escape(yt_buf *b, const char *s, size_t n);

#endif
