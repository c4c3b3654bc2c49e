/* The segment language's text form: a parser into the syntax tree (errors at character offsets) and the canonical writer. */
#include "segment.h"
#include "../base/text.h"
#include "../base/alloc.h"
#include "../base/timeutil.h"
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SEG_MAX_MAGNITUDE 9.2e18
#define SEG_MAX_SIGNIFICANT 18 /* significant digits of a number as written */
#define SEG_MAX_DECIMALS 18    /* digits after its decimal point */

static const char *const keywords[] = {"and",   "or",    "not",     "in",       "between", "within",
                                       "before", "after", "any_tag", "all_tags", "count"};
static const char *const op_text[] = {"=", "!=", "<", "<=", ">", ">="};

static bool is_digit(int c) { return c >= '0' && c <= '9'; }
static bool is_lower(int c) { return (c >= 'a' && c <= 'z') || c == '_'; }
static bool is_alpha(int c) { return is_lower(c) || (c >= 'A' && c <= 'Z'); }

static bool is_keyword(const char *s, size_t n) {
    for (size_t k = 0; k < sizeof keywords / sizeof *keywords; k++)
        if (strlen(keywords[k]) == n && memcmp(keywords[k], s, n) == 0) return true;
    return false;
}

/* An attribute (event: an event type) that the text form writes bare. */
static bool name_ok(const char *s, size_t n, bool event) {
    if (n == 0 || !is_lower((unsigned char)s[0])) return false;
    for (size_t i = 1; i < n; i++) {
        int c = (unsigned char)s[i];
        if (!is_lower(c) && !is_digit(c) && !(event && c == '.')) return false;
    }
    return event || !is_keyword(s, n);
}

bool seg_name_ok(const char *name, bool event) { return name && name_ok(name, strlen(name), event); }

/* ---- numbers ---- */

/* The fewest significant digits that read back as v: digits without sign or trailing zeros, and the power of
 * ten of the first digit. */
static void shortest_digits(double v, char *digits, int *exp10) {
    char tmp[48];
    for (int prec = 0; prec < 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*e", prec, v);
        if (strtod(tmp, NULL) == v) break;
    }
    const char *s = tmp + (tmp[0] == '-');
    int n = 0;
    for (; *s && *s != 'e'; s++)
        if (is_digit((unsigned char)*s)) digits[n++] = *s;
    *exp10 = *s == 'e' ? atoi(s + 1) : 0;
    while (n > 1 && digits[n - 1] == '0') n--;
    digits[n] = '\0';
}

/* Digits after the decimal point in what put_number writes (".0" aside). */
static int shortest_decimals(double v) {
    char d[24];
    int e;
    shortest_digits(v, d, &e);
    int dec = (int)strlen(d) - 1 - e;
    return dec > 0 ? dec : 0;
}

const char *seg_number_problem(double v, bool integral) {
    if (!isfinite(v)) return "the number is not finite";
    if (fabs(v) > SEG_MAX_MAGNITUDE) return "the number is out of range (at most ±9.2e18)";
    if (integral && v != trunc(v)) return "the number is not whole";
    if (shortest_decimals(v) > SEG_MAX_DECIMALS) return "the number has more than 18 decimals";
    return NULL;
}

/* Fixed notation, never an exponent: the shortest digits that read back as v, and ".0" on a number written
 * with a fraction whose value is whole, so it reads back as not integral. */
static void put_number(yt_buf *out, double v, bool integral) {
    if (!isfinite(v)) {
        buf_putc(out, '0');
        return;
    }
    char d[24];
    int e;
    shortest_digits(v, d, &e);
    int n = (int)strlen(d);
    if (signbit(v)) buf_putc(out, '-');
    if (e < 0) {
        buf_puts(out, "0.");
        for (int i = 0; i < -e - 1; i++) buf_putc(out, '0');
        buf_puts(out, d);
        return;
    }
    for (int i = 0; i <= e; i++) buf_putc(out, i < n ? d[i] : '0');
    if (n > e + 1) {
        buf_putc(out, '.');
        buf_append(out, d + e + 1, (size_t)(n - e - 1));
    } else if (!integral) {
        buf_puts(out, ".0");
    }
}

/* ---- the parser ---- */

typedef enum { T_END, T_WORD, T_STR, T_NUM, T_DATE, T_DUR, T_OP, T_LP, T_RP, T_LB, T_RB, T_COMMA, T_ERR } tok_kind;

typedef struct {
    tok_kind k;
    int b0, b1;     /* its bytes [b0, b1) in the text */
    int pos;        /* the character offset of b0 */
    seg_op op;      /* T_OP */
    char *str;      /* T_STR: unescaped (arena) */
    double num;     /* T_NUM */
    bool integral;
    int32_t day;    /* T_DATE */
    int64_t days;   /* T_DUR: the window in days, not yet checked against the limits */
} tok;

typedef struct {
    const char *s;
    int n;
    yt_arena *a;
    seg_error *err;
    bool failed;
    int i;                /* the lexer's byte offset */
    int cache_b, cache_c; /* a byte offset and its character offset */
    tok cur, prev;
    int depth, nconds;
} parser;

/* The character offset of byte b (the text is valid UTF-8 by then, or b is where it stops being). */
static int chpos(parser *p, int b) {
    if (b < p->cache_b) p->cache_b = p->cache_c = 0;
    while (p->cache_b < b) {
        if (((unsigned char)p->s[p->cache_b] & 0xC0) != 0x80) p->cache_c++;
        p->cache_b++;
    }
    return p->cache_c;
}

__attribute__((format(printf, 3, 4))) static void *fail(parser *p, int pos, const char *fmt, ...) {
    if (p->failed) return NULL;
    p->failed = true;
    p->err->pos = pos;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(p->err->msg, sizeof p->err->msg, fmt, ap);
    va_end(ap);
    utf8_trim_cut(p->err->msg);
    return NULL;
}

/* Bytes [b0, b1) of the text for a message: at most 32 bytes, cut between characters, "..." when cut. */
static void snippet(const parser *p, int b0, int b1, char *out, size_t outsz) {
    int n = b1 - b0, max = (int)outsz - 4;
    bool cut = n > max;
    if (cut) {
        n = max;
        while (n > 0 && ((unsigned char)p->s[b0 + n] & 0xC0) == 0x80) n--;
    }
    snprintf(out, outsz, "%.*s%s", n, p->s + b0, cut ? "..." : "");
}

/* A token for a message: 'and', '>=', "宝妈", or "the end". */
static void describe(const parser *p, const tok *t, char *out, size_t outsz) {
    if (t->k == T_END) {
        snprintf(out, outsz, "the end");
        return;
    }
    char s[36];
    snippet(p, t->b0, t->b1, s, sizeof s);
    snprintf(out, outsz, t->k == T_STR ? "%s" : "'%s'", s);
}

static int hex4(const char *s) {
    int v = 0;
    for (int k = 0; k < 4; k++) {
        int c = (unsigned char)s[k], h;
        if (is_digit(c)) h = c - '0';
        else if (c >= 'a' && c <= 'f') h = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F') h = c - 'A' + 10;
        else return -1;
        v = v * 16 + h;
    }
    return v;
}

static int put_utf8(char *o, uint32_t cp) {
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | (cp >> 6));
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | (cp >> 12));
        o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* In the lexer: reports the error and makes the token T_ERR. */
#define LEX_FAIL(...)            \
    do {                         \
        fail(p, __VA_ARGS__);    \
        t->k = T_ERR;            \
        return;                  \
    } while (0)

static void lex_string(parser *p, tok *t) {
    const char *s = p->s;
    int i = t->b0 + 1, o = 0, end = i;
    while (end < p->n && s[end] != '"') end += s[end] == '\\' ? 2 : 1; /* unescaped, it is no longer */
    char *out = arena_alloc(p->a, (size_t)(end - i + 1));
    for (;;) {
        if (i >= p->n) {
            LEX_FAIL(t->pos, "unterminated string: the closing \" is missing");
        }
        unsigned char c = (unsigned char)s[i];
        if (c == '"') {
            i++;
            break;
        }
        if (c == '\\') {
            int at = chpos(p, i);
            char e = i + 1 < p->n ? s[i + 1] : '\0';
            if (e == '"' || e == '\\') out[o++] = e;
            else if (e == 'n') out[o++] = '\n';
            else if (e == 't') out[o++] = '\t';
            else if (e == 'u') {
                int cp = i + 6 <= p->n ? hex4(s + i + 2) : -1;
                if (cp < 0) {
                    LEX_FAIL(at, "expected four hex digits after \\u");
                }
                if (cp >= 0xD800 && cp <= 0xDBFF) {
                    int lo = i + 12 <= p->n && s[i + 6] == '\\' && s[i + 7] == 'u' ? hex4(s + i + 8) : -1;
                    if (lo < 0xDC00 || lo > 0xDFFF) {
                        LEX_FAIL(at, "lone surrogate \\u%.4s: it must be followed by its pair, as in \\uD83D\\uDE00",
                             s + i + 2);
                    }
                    cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                    i += 6;
                } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                    LEX_FAIL(at, "lone surrogate \\u%.4s: it must follow a \\uD800 to \\uDBFF", s + i + 2);
                } else if (cp == 0) {
                    LEX_FAIL(at, "\\u0000 is not allowed in text");
                }
                o += put_utf8(out + o, (uint32_t)cp);
                i += 4;
            } else if (e == '\0') {
                LEX_FAIL(t->pos, "unterminated string: the closing \" is missing");
            } else {
                if (e > ' ' && e < 0x7f) LEX_FAIL(at, "unknown escape \\%c: use \\\", \\\\, \\n, \\t or \\uXXXX", e);
                LEX_FAIL(at, "unknown escape: use \\\", \\\\, \\n, \\t or \\uXXXX");
            }
            i += 2;
            continue;
        }
        if (c < 0x20 || c == 0x7f) {
            LEX_FAIL(chpos(p, i), "control character in a string: write \\n for a line break, \\t for a tab");
        }
        out[o++] = (char)c;
        i++;
    }
    out[o] = '\0';
    t->str = out;
    t->b1 = i;
    t->k = T_STR;
}

/* A run starting with a digit (or '-' and a digit): a date, a window, or a number. */
static void lex_numeric(parser *p, tok *t) {
    const char *s = p->s;
    int i = t->b0, j = i + 1;
    while (j < p->n) {
        int c = (unsigned char)s[j];
        if (!is_alpha(c) && !is_digit(c) && c != '.' && c != '-') break;
        j++;
    }
    t->b1 = j;
    const char *w = s + i;
    int len = j - i;
    char shown[40];
    snippet(p, i, j, shown, sizeof shown);

    if (len == 10 && w[4] == '-' && w[7] == '-') {
        bool digits = true;
        for (int k = 0; k < 10; k++)
            if (k != 4 && k != 7 && !is_digit((unsigned char)w[k])) digits = false;
        if (digits) {
            char d[11];
            memcpy(d, w, 10);
            d[10] = '\0';
            int y, m, dd;
            if (!date_parse(d, &y, &m, &dd)) {
                y = atoi(d);
                if (y < 1900 || y > 2999) LEX_FAIL(t->pos, "invalid date %s: years run from 1900 to 2999", d);
                LEX_FAIL(t->pos, "invalid date %s", d);
            }
            t->day = (int32_t)days_from_civil(y, m, dd);
            t->k = T_DATE;
            return;
        }
    }
    int k = w[0] == '-', nd = 0;
    while (k < len && is_digit((unsigned char)w[k])) k++, nd++;
    if (w[0] != '-' && nd == len - 1 && (w[len - 1] == 'd' || w[len - 1] == 'w')) {
        int64_t n = 0;
        for (int q = 0; q < nd; q++) n = n < 100000000 ? n * 10 + (w[q] - '0') : n;
        t->days = w[len - 1] == 'w' ? n * 7 : n;
        t->k = T_DUR;
        return;
    }
    int frac = 0;
    bool shape = nd > 0;
    if (shape && k < len && w[k] == '.') {
        k++;
        while (k < len && is_digit((unsigned char)w[k])) k++, frac++;
        shape = frac > 0;
    }
    if (shape && k == len) {
        /* significant digits: leading zeros and trailing zeros aside */
        int first = -1, last = -1, idx = 0;
        for (int q = 0; q < len; q++) {
            if (!is_digit((unsigned char)w[q])) continue;
            if (w[q] != '0') {
                if (first < 0) first = idx;
                last = idx;
            }
            idx++;
        }
        if (frac > SEG_MAX_DECIMALS) {
            LEX_FAIL(t->pos, "the number %s has more than %d decimals", shown, SEG_MAX_DECIMALS);
        }
        if (first >= 0 && last - first + 1 > SEG_MAX_SIGNIFICANT) {
            LEX_FAIL(t->pos, "the number %s has more than %d digits", shown, SEG_MAX_SIGNIFICANT);
        }
        char *end;
        double v = strtod(w, &end);
        if (end != w + len || !isfinite(v) || fabs(v) > SEG_MAX_MAGNITUDE) {
            LEX_FAIL(t->pos, "the number %s is out of range (at most ±9.2e18)", shown);
        }
        t->num = v;
        t->integral = frac == 0;
        t->k = T_NUM;
        return;
    }
    if (len > 5 && nd == 4 && w[4] == '-') LEX_FAIL(t->pos, "invalid date %s: write dates as YYYY-MM-DD", shown);
    if (nd > 0 && k < len && (w[k] == 'e' || w[k] == 'E'))
        LEX_FAIL(t->pos, "invalid number %s: write numbers out in full, without an exponent", shown);
    if (nd > 0 && k == nd + (w[0] == '-') && is_keyword(w + k, (size_t)(len - k)))
        LEX_FAIL(t->pos, "invalid number %s: put a space before '%.*s'", shown, len - k, w + k);
    if (w[0] != '-' && nd > 0 && w[nd] && strchr("dwDW", w[nd]))
        LEX_FAIL(t->pos, "invalid window %s: write days as 30d or weeks as 4w", shown);
    LEX_FAIL(t->pos, "invalid number %s", shown);
}

/* The length of the UTF-8 sequence at s[i] (the text is valid by now). */
static int seq_len(unsigned char c) { return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2; }

static void next(parser *p) {
    p->prev = p->cur;
    tok *t = &p->cur;
    memset(t, 0, sizeof *t);
    const char *s = p->s;
    int i = p->i;
    while (i < p->n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r')) i++;
    t->b0 = t->b1 = i;
    t->pos = chpos(p, i);
    if (p->failed) {
        t->k = T_ERR;
        return;
    }
    if (i >= p->n) {
        t->k = T_END;
        p->i = i;
        return;
    }
    int c = (unsigned char)s[i];
    int c1 = i + 1 < p->n ? (unsigned char)s[i + 1] : 0;
    t->b1 = i + 1;
    if (is_alpha(c)) {
        int j = i + 1;
        while (j < p->n && (is_alpha((unsigned char)s[j]) || is_digit((unsigned char)s[j]) || s[j] == '.')) j++;
        t->b1 = j;
        t->k = T_WORD;
    } else if (is_digit(c) || (c == '-' && is_digit(c1))) {
        lex_numeric(p, t);
    } else if (c == '"') {
        lex_string(p, t);
    } else if (c == '(') t->k = T_LP;
    else if (c == ')') t->k = T_RP;
    else if (c == '[') t->k = T_LB;
    else if (c == ']') t->k = T_RB;
    else if (c == ',') t->k = T_COMMA;
    else if (c == '=' || c == '<' || c == '>' || c == '!') {
        t->k = T_OP;
        if (c == '=' && c1 == '=') {
            fail(p, t->pos, "use '=' to compare, not '=='");
            t->k = T_ERR;
        } else if (c == '=') t->op = SEG_EQ;
        else if (c == '!' && c1 == '=') t->op = SEG_NE, t->b1 = i + 2;
        else if (c == '!') {
            fail(p, t->pos, "unexpected '!': use 'not' or '!='");
            t->k = T_ERR;
        } else if (c1 == '=') t->op = c == '<' ? SEG_LE : SEG_GE, t->b1 = i + 2;
        else t->op = c == '<' ? SEG_LT : SEG_GT;
    } else if (c == '\'') {
        fail(p, t->pos, "use double quotes (\") around text, not single quotes");
        t->k = T_ERR;
    } else if (c >= 0x80) {
        int n = seq_len((unsigned char)c);
        char ch[5] = {0};
        memcpy(ch, s + i, (size_t)n);
        if (!strcmp(ch, "“") || !strcmp(ch, "”") || !strcmp(ch, "‘") || !strcmp(ch, "’") || !strcmp(ch, "「") ||
            !strcmp(ch, "」"))
            fail(p, t->pos, "use ASCII double quotes (\") around text, not %s", ch);
        else if (!strcmp(ch, "（") || !strcmp(ch, "）")) fail(p, t->pos, "use ASCII '(' and ')', not %s", ch);
        else if (!strcmp(ch, "，")) fail(p, t->pos, "use an ASCII ',' between values, not %s", ch);
        else if (!strcmp(ch, "【") || !strcmp(ch, "】")) fail(p, t->pos, "use ASCII '[' and ']', not %s", ch);
        else fail(p, t->pos, "unexpected '%s': text goes in double quotes, as in tag = \"宝妈\"", ch);
        t->k = T_ERR;
    } else if (c < 0x20 || c == 0x7f) {
        fail(p, t->pos, "unexpected control character U+%04X", (unsigned)c);
        t->k = T_ERR;
    } else {
        fail(p, t->pos, "unexpected '%c'", c);
        t->k = T_ERR;
    }
    p->i = t->b1;
}

static bool word_is(const parser *p, const tok *t, const char *w) {
    size_t n = strlen(w);
    return t->k == T_WORD && (size_t)(t->b1 - t->b0) == n && memcmp(p->s + t->b0, w, n) == 0;
}

static bool tok_keyword(const parser *p, const tok *t) {
    return t->k == T_WORD && is_keyword(p->s + t->b0, (size_t)(t->b1 - t->b0));
}

/* A word that is a keyword once lowercased ("AND"). */
static bool tok_upper_keyword(const parser *p, const tok *t) {
    int n = t->b1 - t->b0;
    if (t->k != T_WORD || n > 16) return false;
    char low[17];
    bool upper = false;
    for (int k = 0; k < n; k++) {
        char c = p->s[t->b0 + k];
        if (c >= 'A' && c <= 'Z') c = (char)(c - 'A' + 'a'), upper = true;
        low[k] = c;
    }
    return upper && is_keyword(low, (size_t)n);
}

static seg_node *leaf(parser *p, seg_kind k, int pos) {
    if (++p->nconds > SEG_MAX_NODES) return fail(p, pos, "more than %d conditions", SEG_MAX_NODES);
    seg_node *n = arena_alloc(p->a, sizeof *n);
    n->kind = k;
    n->pos = pos;
    return n;
}

static seg_node *pair(parser *p, seg_kind k, seg_node *l, seg_node *r) {
    seg_node *n = arena_alloc(p->a, sizeof *n);
    n->kind = k;
    n->pos = l->pos;
    n->a = l;
    n->b = r;
    return n;
}

/* After a whole condition, where only 'and', 'or' and the closer (')' or the end) may come. */
static void *unexpected_after_condition(parser *p, const char *closer) {
    const tok *t = &p->cur;
    char d[48];
    describe(p, t, d, sizeof d);
    if (t->k == T_WORD && tok_upper_keyword(p, t))
        return fail(p, t->pos, "unknown word %s: expected 'and', 'or' or %s (keywords are lowercase)", d, closer);
    if (t->k == T_WORD && !tok_keyword(p, t))
        return fail(p, t->pos, "unknown word %s: expected 'and', 'or' or %s", d, closer);
    return fail(p, t->pos, "unexpected %s: expected 'and', 'or' or %s", d, closer);
}

static bool value(parser *p, seg_value *v) {
    const tok *t = &p->cur;
    if (t->k == T_STR || t->k == T_NUM || t->k == T_DATE) {
        v->type = t->k == T_STR ? SEGV_TEXT : t->k == T_NUM ? SEGV_NUMBER : SEGV_DATE;
        v->text = t->str;
        v->number = t->num;
        v->integral = t->integral;
        v->day = t->day;
        v->pos = t->pos;
        next(p);
        return true;
    }
    char after[48];
    describe(p, &p->prev, after, sizeof after);
    fail(p, t->pos, "expected a value after %s (a number, a \"string\" or a date)%s", after,
         t->k == T_WORD ? "; text goes in double quotes" : "");
    return false;
}

static bool list(parser *p, seg_value **out, int *count) {
    char after[48];
    describe(p, &p->prev, after, sizeof after);
    if (p->cur.k != T_LB) {
        fail(p, p->cur.pos, "expected '[' after %s, as in [\"a\", \"b\"]", after);
        return false;
    }
    int open = p->cur.pos;
    next(p);
    int n = 0, cap = 8;
    seg_value *vals = yt_malloc(sizeof *vals * (size_t)cap);
    for (;;) {
        if (n == SEG_MAX_LIST) {
            fail(p, p->cur.pos, "a list holds at most %d values", SEG_MAX_LIST);
            break;
        }
        if (n == cap) {
            cap *= 2;
            vals = yt_realloc(vals, sizeof *vals * (size_t)cap);
        }
        memset(&vals[n], 0, sizeof vals[n]);
        if (!value(p, &vals[n])) break;
        n++;
        if (p->cur.k == T_COMMA) {
            next(p);
            continue;
        }
        if (p->cur.k == T_RB) {
            next(p);
            break;
        }
        fail(p, p->cur.pos, "expected ',' or ']' in the list that opens at %d", open);
        break;
    }
    if (!p->failed) {
        *out = arena_alloc(p->a, sizeof *vals * (size_t)n);
        memcpy(*out, vals, sizeof *vals * (size_t)n);
        *count = n;
    }
    free(vals);
    return !p->failed;
}

static bool window(parser *p, int32_t *days) {
    const tok *t = &p->cur;
    if (t->k != T_DUR) {
        char after[48];
        describe(p, &p->prev, after, sizeof after);
        fail(p, t->pos, "expected a window like 30d or 4w after %s", after);
        return false;
    }
    if (t->days < 1 || t->days > SEG_MAX_DAYS) {
        fail(p, t->pos, "window must be between 1d and %dd", SEG_MAX_DAYS);
        return false;
    }
    *days = (int32_t)t->days;
    next(p);
    return true;
}

static seg_node *count_cond(parser *p) {
    seg_node *n = leaf(p, SEG_COUNT, p->cur.pos);
    if (!n) return NULL;
    next(p);
    if (p->cur.k != T_LP) return fail(p, p->cur.pos, "expected '(' after 'count', as in count(page_viewed, 7d) >= 3");
    int open = p->cur.pos;
    next(p);
    const tok *t = &p->cur;
    if (t->k == T_STR) {
        if (!*t->str) return fail(p, t->pos, "the event type must not be empty");
        n->event = t->str;
    } else if (t->k == T_WORD) {
        char d[48];
        describe(p, t, d, sizeof d);
        if (!name_ok(p->s + t->b0, (size_t)(t->b1 - t->b0), true))
            return fail(p, t->pos, "%s is not an event type: use lowercase letters, digits, _ and ., or quote it",
                        d);
        n->event = arena_strndup(p->a, p->s + t->b0, (size_t)(t->b1 - t->b0));
    } else {
        return fail(p, t->pos, "expected an event type after 'count(', like page_viewed or \"order.paid\"");
    }
    next(p);
    if (p->cur.k != T_COMMA) return fail(p, p->cur.pos, "expected ',' and a window after the event type");
    next(p);
    if (!window(p, &n->days)) return NULL;
    if (p->cur.k != T_RP) return fail(p, p->cur.pos, "expected ')' to close 'count(' at %d", open);
    next(p);
    if (p->cur.k != T_OP) return fail(p, p->cur.pos, "expected an operator (=, !=, <, <=, >, >=) after 'count(...)'");
    n->op = p->cur.op;
    next(p);
    return value(p, &n->v) ? n : NULL;
}

static seg_node *condition(parser *p) {
    const tok t = p->cur;
    char d[48];
    describe(p, &t, d, sizeof d);
    if (t.k == T_END) {
        bool after = p->prev.k == T_WORD || p->prev.k == T_LP;
        char pd[48];
        describe(p, &p->prev, pd, sizeof pd);
        return after ? fail(p, t.pos, "expected a condition after %s", pd) : fail(p, t.pos, "expected a condition");
    }
    if (t.k != T_WORD) return fail(p, t.pos, "expected a condition, found %s", d);
    if (word_is(p, &t, "any_tag") || word_is(p, &t, "all_tags")) {
        seg_node *n = leaf(p, word_is(p, &t, "any_tag") ? SEG_ANY_TAG : SEG_ALL_TAGS, t.pos);
        if (!n) return NULL;
        next(p);
        return list(p, &n->list, &n->nlist) ? n : NULL;
    }
    if (word_is(p, &t, "count")) return count_cond(p);
    if (tok_keyword(p, &t)) return fail(p, t.pos, "expected a condition, found %s", d);
    if (tok_upper_keyword(p, &t)) return fail(p, t.pos, "unknown word %s: keywords are lowercase", d);
    if (!name_ok(p->s + t.b0, (size_t)(t.b1 - t.b0), false))
        return fail(p, t.pos, "%s is not an attribute name: use lowercase letters, digits and _", d);

    seg_node *n = leaf(p, SEG_CMP, t.pos);
    if (!n) return NULL;
    n->attr = arena_strndup(p->a, p->s + t.b0, (size_t)(t.b1 - t.b0));
    n->attr_pos = t.pos;
    next(p);
    const tok *o = &p->cur;
    if (o->k == T_OP) {
        n->op = o->op;
        next(p);
        return value(p, &n->v) ? n : NULL;
    }
    if (word_is(p, o, "in")) {
        n->kind = SEG_IN;
        next(p);
        return list(p, &n->list, &n->nlist) ? n : NULL;
    }
    if (word_is(p, o, "between")) {
        n->kind = SEG_BETWEEN;
        next(p);
        if (!value(p, &n->v)) return NULL;
        if (!word_is(p, &p->cur, "and"))
            return fail(p, p->cur.pos,
                        "expected 'and' between the two values of 'between', as in orders between 2 and 5");
        next(p);
        return value(p, &n->v2) ? n : NULL;
    }
    if (word_is(p, o, "within")) {
        n->kind = SEG_WITHIN;
        next(p);
        return window(p, &n->days) ? n : NULL;
    }
    if (word_is(p, o, "before") || word_is(p, o, "after")) {
        n->kind = word_is(p, o, "before") ? SEG_BEFORE : SEG_AFTER;
        char kw[16];
        describe(p, o, kw, sizeof kw);
        next(p);
        if (p->cur.k != T_DATE) return fail(p, p->cur.pos, "expected a date like 2026-01-01 after %s", kw);
        return value(p, &n->v) ? n : NULL;
    }
    return fail(p, o->pos, "expected an operator (=, !=, <, <=, >, >=, in, between, within, before, after) after %s",
                d);
}

static seg_node *parse_or(parser *p);

static seg_node *unary(parser *p) {
    bool is_not = word_is(p, &p->cur, "not");
    if (!is_not && p->cur.k != T_LP) return condition(p);
    int pos = p->cur.pos;
    if (p->depth >= SEG_MAX_DEPTH)
        return fail(p, pos, "nested more than %d levels deep (parentheses and 'not')", SEG_MAX_DEPTH);
    p->depth++;
    next(p);
    seg_node *n;
    if (is_not) {
        seg_node *a = unary(p);
        if (!a) return NULL;
        n = arena_alloc(p->a, sizeof *n);
        n->kind = SEG_NOT;
        n->pos = pos;
        n->a = a;
    } else {
        n = parse_or(p);
        if (!n) return NULL;
        if (p->cur.k != T_RP) {
            char closer[48];
            snprintf(closer, sizeof closer, "')' to close '(' at %d", pos);
            if (p->cur.k == T_WORD) return unexpected_after_condition(p, closer);
            return fail(p, p->cur.pos, "expected %s", closer);
        }
        next(p);
    }
    p->depth--;
    return n;
}

static seg_node *parse_and(parser *p) {
    seg_node *l = unary(p);
    while (l && word_is(p, &p->cur, "and")) {
        next(p);
        seg_node *r = unary(p);
        l = r ? pair(p, SEG_AND, l, r) : NULL;
    }
    return l;
}

static seg_node *parse_or(parser *p) {
    seg_node *l = parse_and(p);
    while (l && word_is(p, &p->cur, "or")) {
        next(p);
        seg_node *r = parse_and(p);
        l = r ? pair(p, SEG_OR, l, r) : NULL;
    }
    return l;
}

/* The byte offset of the first byte that is not well-formed UTF-8, or -1. */
static int utf8_bad(const unsigned char *s, int n) {
    int i = 0;
    while (i < n) {
        unsigned char c = s[i];
        if (c < 0x80) {
            i++;
            continue;
        }
        int len;
        uint32_t cp;
        if (c >= 0xC2 && c <= 0xDF) len = 2, cp = c & 0x1F;
        else if (c >= 0xE0 && c <= 0xEF) len = 3, cp = c & 0x0F;
        else if (c >= 0xF0 && c <= 0xF4) len = 4, cp = c & 0x07;
        else return i;
        if (i + len > n) return i;
        for (int k = 1; k < len; k++) {
            if ((s[i + k] & 0xC0) != 0x80) return i;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10FFFF))) return i;
        if (cp >= 0xD800 && cp <= 0xDFFF) return i;
        i += len;
    }
    return -1;
}

seg_node *seg_parse_text(const char *text, yt_arena *a, seg_error *err) {
    memset(err, 0, sizeof *err);
    if (!text) text = "";
    parser p = {.s = text, .a = a, .err = err};
    size_t len = strnlen(text, SEG_MAX_TEXT + 1);
    if (len > SEG_MAX_TEXT) {
        p.n = SEG_MAX_TEXT;
        return fail(&p, chpos(&p, SEG_MAX_TEXT), "the segment is longer than %d bytes", SEG_MAX_TEXT);
    }
    p.n = (int)len;
    int bad = utf8_bad((const unsigned char *)text, p.n);
    if (bad >= 0) return fail(&p, chpos(&p, bad), "the text is not valid UTF-8 here");
    next(&p);
    seg_node *n = parse_or(&p);
    if (n && p.cur.k != T_END) {
        if (p.cur.k == T_RP) fail(&p, p.cur.pos, "unexpected ')': there is no '(' to close");
        else unexpected_after_condition(&p, "the end");
    }
    if (p.failed) return NULL;
    /* the canonical text (spaces around operators, "14d" for "2w") must fit the limit too, so that it parses
     * again: text packed close to the limit can grow past it */
    yt_buf b = YT_BUF_INIT;
    seg_write_text(n, &b);
    size_t wlen = b.len;
    buf_free(&b);
    if (wlen > SEG_MAX_TEXT)
        return fail(&p, p.cur.pos, "the segment is longer than %d bytes once written out in full", SEG_MAX_TEXT);
    return n;
}

/* ---- the writer ---- */

static void put_string(yt_buf *out, const char *s) {
    buf_putc(out, '"');
    for (const unsigned char *c = (const unsigned char *)(s ? s : ""); *c; c++) {
        if (*c == '"' || *c == '\\') {
            buf_putc(out, '\\');
            buf_putc(out, (char)*c);
        } else if (*c == '\n') buf_puts(out, "\\n");
        else if (*c == '\t') buf_puts(out, "\\t");
        else if (*c < 0x20 || *c == 0x7f) buf_printf(out, "\\u%04x", *c);
        else buf_putc(out, (char)*c);
    }
    buf_putc(out, '"');
}

static void put_date(yt_buf *out, int32_t day) {
    int y, m, d;
    civil_from_days(day, &y, &m, &d);
    buf_printf(out, "%04d-%02d-%02d", y, m, d);
}

static void put_value(yt_buf *out, const seg_value *v) {
    if (v->type == SEGV_TEXT) put_string(out, v->text);
    else if (v->type == SEGV_DATE) put_date(out, v->day);
    else put_number(out, v->number, v->integral);
}

static void put_list(yt_buf *out, const seg_value *list, int n) {
    buf_putc(out, '[');
    for (int i = 0; i < n; i++) {
        if (i) buf_puts(out, ", ");
        put_value(out, &list[i]);
    }
    buf_putc(out, ']');
}

static void put_node(yt_buf *out, const seg_node *n);

static void put_sub(yt_buf *out, const seg_node *n, bool parens) {
    if (parens) buf_putc(out, '(');
    put_node(out, n);
    if (parens) buf_putc(out, ')');
}

static bool is_bool(const seg_node *n) { return n->kind == SEG_AND || n->kind == SEG_OR; }

static void put_node(yt_buf *out, const seg_node *n) {
    switch (n->kind) {
    case SEG_AND: /* left-leaning: a right operand that is itself an AND keeps its parentheses */
        put_sub(out, n->a, n->a->kind == SEG_OR);
        buf_puts(out, " and ");
        put_sub(out, n->b, is_bool(n->b));
        return;
    case SEG_OR:
        put_sub(out, n->a, false);
        buf_puts(out, " or ");
        put_sub(out, n->b, n->b->kind == SEG_OR);
        return;
    case SEG_NOT:
        buf_puts(out, "not ");
        put_sub(out, n->a, is_bool(n->a));
        return;
    case SEG_ANY_TAG:
    case SEG_ALL_TAGS:
        buf_puts(out, n->kind == SEG_ANY_TAG ? "any_tag " : "all_tags ");
        put_list(out, n->list, n->nlist);
        return;
    case SEG_COUNT:
        buf_puts(out, "count(");
        if (seg_name_ok(n->event, true)) buf_puts(out, n->event);
        else put_string(out, n->event);
        buf_printf(out, ", %dd) %s ", (int)n->days, op_text[n->op]);
        put_value(out, &n->v);
        return;
    default:
        break;
    }
    buf_puts(out, n->attr ? n->attr : "");
    switch (n->kind) {
    case SEG_CMP:
        buf_printf(out, " %s ", op_text[n->op]);
        put_value(out, &n->v);
        break;
    case SEG_IN:
        buf_puts(out, " in ");
        put_list(out, n->list, n->nlist);
        break;
    case SEG_BETWEEN:
        buf_puts(out, " between ");
        put_value(out, &n->v);
        buf_puts(out, " and ");
        put_value(out, &n->v2);
        break;
    case SEG_WITHIN: buf_printf(out, " within %dd", (int)n->days); break;
    case SEG_BEFORE:
    case SEG_AFTER:
        buf_puts(out, n->kind == SEG_BEFORE ? " before " : " after ");
        put_value(out, &n->v);
        break;
    default: break;
    }
}

void seg_write_text(const seg_node *n, yt_buf *out) {
    if (n) put_node(out, n);
    else buf_puts(out, ""); /* out->p is a string even then */
}

/* ---- equality ---- */

static bool str_eq(const char *x, const char *y) { return x == y || (x && y && strcmp(x, y) == 0); }

static bool value_eq(const seg_value *x, const seg_value *y) {
    if (x->type != y->type) return false;
    if (x->type == SEGV_TEXT) return str_eq(x->text, y->text);
    if (x->type == SEGV_DATE) return x->day == y->day;
    return x->number == y->number && x->integral == y->integral;
}

bool seg_equal(const seg_node *x, const seg_node *y) {
    if (!x || !y) return x == y;
    if (x->kind != y->kind) return false;
    switch (x->kind) {
    case SEG_AND:
    case SEG_OR: return seg_equal(x->a, y->a) && seg_equal(x->b, y->b);
    case SEG_NOT: return seg_equal(x->a, y->a);
    case SEG_CMP: return str_eq(x->attr, y->attr) && x->op == y->op && value_eq(&x->v, &y->v);
    case SEG_BETWEEN: return str_eq(x->attr, y->attr) && value_eq(&x->v, &y->v) && value_eq(&x->v2, &y->v2);
    case SEG_WITHIN: return str_eq(x->attr, y->attr) && x->days == y->days;
    case SEG_BEFORE:
    case SEG_AFTER: return str_eq(x->attr, y->attr) && value_eq(&x->v, &y->v);
    case SEG_COUNT: return str_eq(x->event, y->event) && x->days == y->days && x->op == y->op && value_eq(&x->v, &y->v);
    case SEG_IN:
    case SEG_ANY_TAG:
    case SEG_ALL_TAGS:
        if ((x->kind == SEG_IN && !str_eq(x->attr, y->attr)) || x->nlist != y->nlist) return false;
        for (int i = 0; i < x->nlist; i++)
            if (!value_eq(&x->list[i], &y->list[i])) return false;
        return true;
    }
    return false;
}
