/* The segment language: text and JSON forms parsed into one syntax tree, and the tree written back as text. */
#ifndef YT_SEGMENT_H
#define YT_SEGMENT_H
#include "../base/arena.h"
#include "../base/buf.h"
#include <stdbool.h>
#include <stdint.h>

typedef enum {
    SEG_AND,      /* a and b */
    SEG_OR,       /* a or b */
    SEG_NOT,      /* not a */
    SEG_CMP,      /* attr op value              tag = "宝妈", spend_90d >= 30000, p_alive < 0.3 */
    SEG_IN,       /* attr in [v, ...]           store in ["杭州西湖店", "上海店"] */
    SEG_BETWEEN,  /* attr between v and v2      orders between 2 and 5 */
    SEG_WITHIN,   /* attr within Nd             last_order within 30d   (days in `days`) */
    SEG_BEFORE,   /* attr before DATE           first_order before 2026-01-01 */
    SEG_AFTER,    /* attr after DATE */
    SEG_ANY_TAG,  /* any_tag [v, ...] */
    SEG_ALL_TAGS, /* all_tags [v, ...] */
    SEG_COUNT,    /* count(event, Nd) op value  count(page_viewed, 7d) >= 3 */
} seg_kind;

typedef enum { SEG_EQ, SEG_NE, SEG_LT, SEG_LE, SEG_GT, SEG_GE } seg_op;

typedef enum {
    SEGV_TEXT,   /* "quoted" */
    SEGV_NUMBER, /* 30000, 0.3, -5 */
    SEGV_DATE,   /* 2026-01-01 (unquoted in text; "2026-01-01" in JSON before/after) */
} seg_vtype;

typedef struct {
    seg_vtype type;
    const char *text;  /* SEGV_TEXT: the string, unescaped UTF-8 (arena) */
    double number;     /* SEGV_NUMBER */
    bool integral;     /* SEGV_NUMBER written without a fraction or exponent */
    int32_t day;       /* SEGV_DATE: days since 1970-01-01 */
    int pos;           /* character offset of the value in the text (0 in JSON) */
} seg_value;

typedef struct seg_node seg_node;
struct seg_node {
    seg_kind kind;
    int pos;             /* character offset (Unicode code points from 0) where the node starts */
    seg_node *a, *b;     /* AND, OR: both; NOT: a */
    const char *attr;    /* CMP, IN, BETWEEN, WITHIN, BEFORE, AFTER: the attribute name as written */
    int attr_pos;        /* its character offset */
    seg_op op;           /* CMP, COUNT */
    seg_value v, v2;     /* CMP, COUNT: v; BETWEEN: v and v2; BEFORE, AFTER: v (a date) */
    seg_value *list;     /* IN, ANY_TAG, ALL_TAGS: nlist values */
    int nlist;
    int32_t days;        /* WITHIN: N of "Nd"; COUNT: the window N of "Nd" */
    const char *event;   /* COUNT: the event type */
};

typedef struct {
    int pos;             /* character offset of the error in the text; -1 for the JSON form */
    char path[128];      /* JSON form: where, e.g. "and[2].value"; "" for the text form */
    char msg[200];       /* what was expected, e.g. "expected a value after '>=' (a number, a \"string\" or a date)" */
} seg_error;

#define SEG_MAX_TEXT 8192     /* bytes of segment text */
#define SEG_MAX_DEPTH 32      /* nesting of parentheses / not / JSON objects */
#define SEG_MAX_NODES 256     /* conditions in one segment */
#define SEG_MAX_LIST 1000     /* values in one list */
#define SEG_MAX_DAYS 36600    /* windows up to 100 years */

/* Parses the text form; NULL with *err filled on an error. The tree lives in the arena. */
seg_node *seg_parse_text(const char *text, yt_arena *a, seg_error *err);
/* The JSON form (the console builder's) is parsed in the api layer: src/api/segment_json.h. */
/* Writes the tree as canonical text that seg_parse_text parses back to the same tree. */
void seg_write_text(const seg_node *n, yt_buf *out);
/* True when two trees are the same, positions aside. */
bool seg_equal(const seg_node *x, const seg_node *y);
/* For builders of trees other than the text parser (the JSON form): NULL when the text form can carry the
 * number, else why not (not finite, beyond ±9.2e18, more than 18 decimals); integral: a whole number. */
const char *seg_number_problem(double v, bool integral);
/* True when name can stand bare in the text: an attribute ([a-z_][a-z0-9_]*, not a keyword) or, with
 * event set, an event type ([a-z_][a-z0-9_.]*, keywords allowed). */
bool seg_name_ok(const char *name, bool event);

#endif
