/* Fuzzes the segment language (text and JSON forms): what parses is written as text that parses to the same tree. */
#include "api/segment_json.h"
#include "audience/segment.h"
#include "base/text.h"
#include "fuzz_check.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Code points before byte b of s (valid UTF-8 up to b). */
static int chars_before(const char *s, size_t b) {
    int n = 0;
    for (size_t i = 0; i < b; i++)
        if (((unsigned char)s[i] & 0xC0) != 0x80) n++;
    return n;
}

/* The byte offset of character pos in s, or -1 when s has fewer characters. */
static long byte_of(const char *s, int pos) {
    int n = 0;
    for (size_t i = 0; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) == 0x80) continue;
        if (n++ == pos) return (long)i;
    }
    return -1;
}

/* Positions in a tree parsed from text point at what they name. */
static void check_positions(const char *text, const seg_node *n) {
    long at = byte_of(text, n->pos);
    FUZZ_CHECK(at >= 0, "node position %d beyond '%s'", n->pos, text);
    if (n->kind == SEG_AND || n->kind == SEG_OR) {
        FUZZ_CHECK(n->pos == n->a->pos, "an operator at %d, its left side at %d", n->pos, n->a->pos);
        check_positions(text, n->a);
        check_positions(text, n->b);
    } else if (n->kind == SEG_NOT) {
        FUZZ_CHECK(strncmp(text + at, "not", 3) == 0, "'not' at %d in '%s'", n->pos, text);
        check_positions(text, n->a);
    } else if (n->attr) {
        FUZZ_CHECK(n->attr_pos == n->pos && strncmp(text + at, n->attr, strlen(n->attr)) == 0,
                   "attribute '%s' at %d in '%s'", n->attr, n->attr_pos, text);
    }
}

static char *write_text(const seg_node *n) {
    yt_buf b = YT_BUF_INIT;
    seg_write_text(n, &b);
    return buf_take(&b);
}

/* A tree written out parses back to itself, and writing that gives the same text. */
static void check_rewrite(const seg_node *n, const char *from) {
    char *w = write_text(n);
    FUZZ_CHECK(strlen(w) <= SEG_MAX_TEXT, "'%s' written as %zu bytes", from, strlen(w));
    FUZZ_CHECK(utf8_valid(w, strlen(w)), "'%s' written as invalid UTF-8", from);
    yt_arena a = {0};
    seg_error err;
    seg_node *back = seg_parse_text(w, &a, &err);
    FUZZ_CHECK(back, "'%s' written as '%s', which does not parse: %d: %s", from, w, err.pos, err.msg);
    FUZZ_CHECK(seg_equal(n, back), "'%s' written as '%s', which parses to another tree", from, w);
    char *again = write_text(back);
    FUZZ_CHECK(strcmp(w, again) == 0, "'%s' written as '%s' then '%s'", from, w, again);
    check_positions(w, back);
    free(again);
    free(w);
    arena_free(&a);
}

static void check_error(const seg_error *err, int maxpos, const char *from) {
    FUZZ_CHECK(err->pos >= 0 && err->pos <= maxpos, "'%s': error at %d of %d characters", from, err->pos, maxpos);
    FUZZ_CHECK(err->msg[0] && utf8_valid(err->msg, strlen(err->msg)), "'%s': message '%s'", from, err->msg);
    FUZZ_CHECK(err->path[0] == '\0', "'%s': path '%s' for the text form", from, err->path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 3 * SEG_MAX_TEXT) return 0;
    char *s = malloc(size + 1);
    memcpy(s, data, size);
    s[size] = '\0';
    size_t len = strlen(s); /* the text stops at a NUL */

    yt_arena a = {0};
    seg_error err;
    seg_node *n = seg_parse_text(s, &a, &err);
    if (n) {
        FUZZ_CHECK(len <= SEG_MAX_TEXT && utf8_valid(s, len), "'%s' parsed", s);
        check_positions(s, n);
        check_rewrite(n, s);
    } else {
        check_error(&err, chars_before(s, len < SEG_MAX_TEXT ? len : SEG_MAX_TEXT), s);
    }
    arena_free(&a);

    /* the same bytes as the JSON form: a tree it builds is one the text form carries */
    cJSON *j = cJSON_ParseWithLength((const char *)data, size);
    if (j) {
        n = seg_parse_json(j, &a, &err);
        if (n) check_rewrite(n, "(JSON)");
        else FUZZ_CHECK(err.pos == -1 && err.msg[0] && utf8_valid(err.msg, strlen(err.msg)) &&
                            utf8_valid(err.path, strlen(err.path)),
                        "JSON error %d %s: %s", err.pos, err.path, err.msg);
        cJSON_Delete(j);
        arena_free(&a);
    }
    free(s);
    return 0;
}
