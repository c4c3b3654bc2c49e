/* Unit tests for the segment language: the text parser, its errors, the canonical writer and the JSON form. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "api/segment_json.h"
#include "audience/segment.h"
#include "base/timeutil.h"

static const char example[] = "tag = \"宝妈\" and store = \"杭州西湖店\" and (spend_90d >= 30000 or orders >= 3) and "
                              "not tag = \"会员福利群\" and last_order within 30d";

/* ---- helpers ---- */

/* The character offset of the first occurrence of needle in s. */
static int cpos(const char *s, const char *needle) {
    const char *at = strstr(s, needle);
    assert_non_null(at);
    int n = 0;
    for (const char *c = s; c < at; c++)
        if (((unsigned char)*c & 0xC0) != 0x80) n++;
    return n;
}

/* The byte offset of character offset pos in s. */
static size_t byte_at(const char *s, int pos) {
    size_t i = 0;
    for (int n = 0; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80) {
            if (n == pos) return i;
            n++;
        }
    }
    return i;
}

static char *written(const seg_node *n) {
    yt_buf b = YT_BUF_INIT;
    seg_write_text(n, &b);
    return buf_take(&b);
}

static seg_node *parse_ok(yt_arena *a, const char *text) {
    seg_error err;
    seg_node *n = seg_parse_text(text, a, &err);
    if (!n) fail_msg("'%s' did not parse: %d: %s", text, err.pos, err.msg);
    return n;
}

static seg_node *json_ok(yt_arena *a, const char *json) {
    cJSON *j = cJSON_Parse(json);
    if (!j) fail_msg("bad JSON in the test: %s", json);
    seg_error err;
    seg_node *n = seg_parse_json(j, a, &err);
    cJSON_Delete(j);
    if (!n) fail_msg("'%s' did not parse: %s: %s", json, err.path, err.msg);
    return n;
}

static int32_t day_of(const char *ymd) {
    int y, m, d;
    assert_true(date_parse(ymd, &y, &m, &d));
    return (int32_t)days_from_civil(y, m, d);
}

static void assert_cmp(const seg_node *n, const char *attr, seg_op op) {
    assert_non_null(n);
    assert_int_equal(n->kind, SEG_CMP);
    assert_string_equal(n->attr, attr);
    assert_int_equal(n->op, op);
}

static void assert_text(const seg_value *v, const char *s) {
    assert_int_equal(v->type, SEGV_TEXT);
    assert_string_equal(v->text, s);
}

static void assert_number(const seg_value *v, double d, bool integral) {
    assert_int_equal(v->type, SEGV_NUMBER);
    assert_true(v->number == d);
    assert_int_equal(v->integral, integral);
}

/* ---- the text form ---- */

static void example_parses_into_a_left_leaning_and_chain(void **state) {
    (void)state;
    yt_arena a = {0};
    seg_node *n = parse_ok(&a, example);
    /* (((tag and store) and (spend or orders)) and not tag) and last_order */
    assert_int_equal(n->kind, SEG_AND);
    assert_int_equal(n->pos, 0);
    seg_node *last = n->b;
    assert_int_equal(last->kind, SEG_WITHIN);
    assert_string_equal(last->attr, "last_order");
    assert_int_equal(last->days, 30);
    assert_int_equal(last->pos, cpos(example, "last_order"));
    assert_int_equal(last->attr_pos, last->pos);

    seg_node *l1 = n->a;
    assert_int_equal(l1->kind, SEG_AND);
    assert_int_equal(l1->pos, 0);
    seg_node *neg = l1->b;
    assert_int_equal(neg->kind, SEG_NOT);
    assert_int_equal(neg->pos, cpos(example, "not"));
    assert_cmp(neg->a, "tag", SEG_EQ);
    assert_text(&neg->a->v, "会员福利群");
    assert_int_equal(neg->a->pos, cpos(example, "tag = \"会员"));
    assert_int_equal(neg->a->v.pos, cpos(example, "\"会员"));

    seg_node *l2 = l1->a;
    assert_int_equal(l2->kind, SEG_AND);
    seg_node *either = l2->b;
    assert_int_equal(either->kind, SEG_OR);
    assert_int_equal(either->pos, cpos(example, "spend_90d"));
    assert_cmp(either->a, "spend_90d", SEG_GE);
    assert_number(&either->a->v, 30000, true);
    assert_int_equal(either->a->v.pos, cpos(example, "30000"));
    assert_cmp(either->b, "orders", SEG_GE);
    assert_number(&either->b->v, 3, true);

    seg_node *l3 = l2->a;
    assert_int_equal(l3->kind, SEG_AND);
    assert_cmp(l3->a, "tag", SEG_EQ);
    assert_text(&l3->a->v, "宝妈");
    assert_int_equal(l3->a->v.pos, 6);
    assert_cmp(l3->b, "store", SEG_EQ);
    assert_text(&l3->b->v, "杭州西湖店");
    assert_int_equal(l3->b->pos, 15); /* characters, not bytes: 宝妈 is two */
    assert_int_equal(l3->b->attr_pos, 15);
    assert_int_equal(l3->b->v.pos, 23);

    char *w = written(n);
    assert_string_equal(w, example); /* already canonical */
    free(w);
    arena_free(&a);
}

static void each_construct_parses(void **state) {
    (void)state;
    yt_arena a = {0};
    seg_node *n = parse_ok(&a, "store in [\"杭州西湖店\", \"上海店\", 3, 2026-01-01]");
    assert_int_equal(n->kind, SEG_IN);
    assert_string_equal(n->attr, "store");
    assert_int_equal(n->nlist, 4);
    assert_text(&n->list[0], "杭州西湖店");
    assert_text(&n->list[1], "上海店");
    assert_number(&n->list[2], 3, true);
    assert_int_equal(n->list[3].type, SEGV_DATE);
    assert_int_equal(n->list[3].day, day_of("2026-01-01"));
    assert_int_equal(n->list[1].pos, 19);

    n = parse_ok(&a, "orders between 2 and 5");
    assert_int_equal(n->kind, SEG_BETWEEN);
    assert_number(&n->v, 2, true);
    assert_number(&n->v2, 5, true);
    assert_int_equal(n->v2.pos, 21);

    n = parse_ok(&a, "p_alive between 0.25 and -1.5");
    assert_number(&n->v, 0.25, false);
    assert_number(&n->v2, -1.5, false);

    n = parse_ok(&a, "last_order within 30d");
    assert_int_equal(n->kind, SEG_WITHIN);
    assert_int_equal(n->days, 30);
    n = parse_ok(&a, "last_order within 4w");
    assert_int_equal(n->days, 28);
    n = parse_ok(&a, "last_order within 36600d");
    assert_int_equal(n->days, 36600);

    n = parse_ok(&a, "first_order before 2026-01-01");
    assert_int_equal(n->kind, SEG_BEFORE);
    assert_int_equal(n->v.type, SEGV_DATE);
    assert_int_equal(n->v.day, 20454);
    assert_int_equal(n->v.pos, 19);
    n = parse_ok(&a, "first_order after 2024-02-29");
    assert_int_equal(n->kind, SEG_AFTER);
    assert_int_equal(n->v.day, day_of("2024-02-29"));

    n = parse_ok(&a, "any_tag [\"宝妈\", \"学生\"]");
    assert_int_equal(n->kind, SEG_ANY_TAG);
    assert_int_equal(n->nlist, 2);
    assert_text(&n->list[1], "学生");
    n = parse_ok(&a, "all_tags [\"宝妈\"]");
    assert_int_equal(n->kind, SEG_ALL_TAGS);
    assert_int_equal(n->nlist, 1);

    n = parse_ok(&a, "count(page_viewed, 7d) >= 3");
    assert_int_equal(n->kind, SEG_COUNT);
    assert_string_equal(n->event, "page_viewed");
    assert_int_equal(n->days, 7);
    assert_int_equal(n->op, SEG_GE);
    assert_number(&n->v, 3, true);
    n = parse_ok(&a, "count( order.paid2 ,2w)<1");
    assert_string_equal(n->event, "order.paid2");
    assert_int_equal(n->days, 14);
    assert_int_equal(n->op, SEG_LT);
    n = parse_ok(&a, "count(\"下单 成功\", 1d) != 0");
    assert_string_equal(n->event, "下单 成功");
    assert_int_equal(n->op, SEG_NE);

    const struct { const char *t; seg_op op; } ops[] = {{"x = 1", SEG_EQ}, {"x != 1", SEG_NE}, {"x < 1", SEG_LT},
                                                        {"x <= 1", SEG_LE}, {"x > 1", SEG_GT}, {"x>=1", SEG_GE}};
    for (size_t i = 0; i < sizeof ops / sizeof *ops; i++) assert_cmp(parse_ok(&a, ops[i].t), "x", ops[i].op);

    /* strings: escapes, \u, a surrogate pair */
    n = parse_ok(&a, "x = \"a\\\"b\\\\c\\nd\\te\\u5b9D\\uD83D\\uDE00\"");
    assert_text(&n->v, "a\"b\\c\nd\te宝😀");
    /* numbers */
    n = parse_ok(&a, "x = -0.000000000000000001");
    assert_number(&n->v, -1e-18, false);
    n = parse_ok(&a, "x = 5.0");
    assert_number(&n->v, 5, false);
    n = parse_ok(&a, "x = 9200000000000000000");
    assert_number(&n->v, 9.2e18, true);
    n = parse_ok(&a, "x = 123456789012345678");
    assert_number(&n->v, 123456789012345678.0, true);
    arena_free(&a);
}

static void precedence_and_parentheses(void **state) {
    (void)state;
    yt_arena a = {0};
    /* not > and > or */
    seg_node *n = parse_ok(&a, "a = 1 or b = 2 and c = 3");
    assert_int_equal(n->kind, SEG_OR);
    assert_cmp(n->a, "a", SEG_EQ);
    assert_int_equal(n->b->kind, SEG_AND);
    assert_int_equal(n->b->pos, 9);

    n = parse_ok(&a, "not a = 1 and b = 2");
    assert_int_equal(n->kind, SEG_AND);
    assert_int_equal(n->a->kind, SEG_NOT);
    assert_cmp(n->a->a, "a", SEG_EQ);

    n = parse_ok(&a, "not (a = 1 and b = 2)");
    assert_int_equal(n->kind, SEG_NOT);
    assert_int_equal(n->a->kind, SEG_AND);
    assert_int_equal(n->a->pos, 5);

    n = parse_ok(&a, "not not a = 1");
    assert_int_equal(n->kind, SEG_NOT);
    assert_int_equal(n->a->kind, SEG_NOT);
    assert_int_equal(n->a->pos, 4);

    n = parse_ok(&a, "(a = 1 or b = 2) and c = 3");
    assert_int_equal(n->kind, SEG_AND);
    assert_int_equal(n->a->kind, SEG_OR);

    n = parse_ok(&a, "a = 1 and b = 2 and c = 3");
    assert_int_equal(n->kind, SEG_AND);
    assert_int_equal(n->a->kind, SEG_AND);
    assert_cmp(n->b, "c", SEG_EQ);
    n = parse_ok(&a, "a = 1 or b = 2 or c = 3");
    assert_int_equal(n->a->kind, SEG_OR);
    assert_cmp(n->b, "c", SEG_EQ);

    /* between takes its own 'and' */
    n = parse_ok(&a, "x between 1 and 5 and y = 2");
    assert_int_equal(n->kind, SEG_AND);
    assert_int_equal(n->a->kind, SEG_BETWEEN);
    assert_cmp(n->b, "y", SEG_EQ);
    n = parse_ok(&a, "y = 2 and x between 1 and 5 or not x between 2026-01-01 and \"z\"");
    assert_int_equal(n->kind, SEG_OR);
    assert_int_equal(n->a->b->kind, SEG_BETWEEN);
    assert_int_equal(n->b->a->kind, SEG_BETWEEN);
    assert_int_equal(n->b->a->v.type, SEGV_DATE);

    /* whitespace is free, parentheses leave no node */
    n = parse_ok(&a, " \t\n((a=1))\r\n");
    assert_cmp(n, "a", SEG_EQ);
    assert_int_equal(n->pos, 5);

    /* 32 levels of nesting are fine */
    char deep[200] = "";
    for (int i = 0; i < 32; i++) strcat(deep, "(");
    strcat(deep, "a = 1");
    for (int i = 0; i < 32; i++) strcat(deep, ")");
    assert_cmp(parse_ok(&a, deep), "a", SEG_EQ);
    arena_free(&a);
}

static void canonical_text(void **state) {
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        {"((a = 1))", "a = 1"},
        {"(a = 1 and b = 2) and c = 3", "a = 1 and b = 2 and c = 3"},
        {"a = 1 and (b = 2 and c = 3)", "a = 1 and (b = 2 and c = 3)"},
        {"a = 1 or (b = 2 and c = 3)", "a = 1 or b = 2 and c = 3"},
        {"(a = 1 or b = 2) or c = 3", "a = 1 or b = 2 or c = 3"},
        {"a = 1 or (b = 2 or c = 3)", "a = 1 or (b = 2 or c = 3)"},
        {"(a = 1 or b = 2) and c = 3", "(a = 1 or b = 2) and c = 3"},
        {"not (a = 1)", "not a = 1"},
        {"not (a = 1 or b = 2)", "not (a = 1 or b = 2)"},
        {"not(not(a=1))", "not not a = 1"},
        {"x  within 2w", "x within 14d"},
        {"x>=-5", "x >= -5"},
        {"x = 00012", "x = 12"},
        {"x = 1.50", "x = 1.5"},
        {"x = 5.0", "x = 5.0"},
        {"x = 0.1", "x = 0.1"},
        {"x = -0", "x = -0"},
        {"x = 100000000000000000.0", "x = 100000000000000000.0"},
        {"x = 0.000000000000000001", "x = 0.000000000000000001"},
        {"x = 9200000000000000000", "x = 9200000000000000000"},
        {"x in [1,\"a\" ,2026-03-01]", "x in [1, \"a\", 2026-03-01]"},
        {"x = \"a\\\"b\\\\c\\nd\\te\\u0001\\u007f\\u5b9d\"", "x = \"a\\\"b\\\\c\\nd\\te\\u0001\\u007f宝\""},
        {"count(order.paid,7d)>=1", "count(order.paid, 7d) >= 1"},
        {"count(\"order paid\", 1w) = 1", "count(\"order paid\", 7d) = 1"},
        {"count(\"page_viewed\", 1d) = 1", "count(page_viewed, 1d) = 1"},
        {"any_tag[\"a\"]and all_tags [\"b\",\"c\"]", "any_tag [\"a\"] and all_tags [\"b\", \"c\"]"},
        {"first_order before 1900-01-01 or y after 2999-12-31", "first_order before 1900-01-01 or y after 2999-12-31"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        yt_arena a = {0};
        seg_node *n = parse_ok(&a, cases[i].in);
        char *w = written(n);
        if (strcmp(w, cases[i].out) != 0) fail_msg("'%s' written as '%s', not '%s'", cases[i].in, w, cases[i].out);
        seg_node *back = parse_ok(&a, w);
        assert_true(seg_equal(n, back));
        free(w);
        arena_free(&a);
    }
}

typedef struct {
    const char *text;
    int pos;
    const char *msg; /* a part of the message */
} bad_case;

static void errors_name_the_character(void **state) {
    (void)state;
    static const bad_case cases[] = {
        {"", 0, "expected a condition"},
        {"tag = \"宝妈\" adn x = 1", 11, "unknown word 'adn': expected 'and', 'or' or the end"},
        {"tag = \"宝妈", 6, "unterminated string"},
        {"tag = \"宝妈\\", 6, "unterminated string"},
        {"first_order before 2026-02-30", 19, "invalid date 2026-02-30"},
        {"first_order before 2025-02-29", 19, "invalid date 2025-02-29"},
        {"x = 2026-13-01", 4, "invalid date 2026-13-01"},
        {"x = 1899-12-31", 4, "years run from 1900 to 2999"},
        {"x between 2026-1-1 and 1", 10, "write dates as YYYY-MM-DD"},
        {"last_order within 0d", 18, "window must be between 1d and 36600d"},
        {"last_order within 36601d", 18, "window must be between 1d and 36600d"},
        {"last_order within 5229w", 18, "window must be between 1d and 36600d"},
        {"last_order within 99999999999999999999d", 18, "window must be between 1d and 36600d"},
        {"last_order within 30", 18, "expected a window like 30d or 4w after 'within'"},
        {"last_order within 30days", 18, "invalid window"},
        {"a=1 and (b=2", 12, "expected ')' to close '(' at 8"},
        {"(宝 = 1", 1, "unexpected '宝'"},
        {"(tag = \"宝妈\" or x = 1 ]", 21, "expected ')' to close '(' at 0"},
        {"(tag = \"宝妈\" adn x = 1)", 12, "unknown word 'adn': expected 'and', 'or' or ')' to close '(' at 0"},
        {"tag = \"a\" )", 10, "unexpected ')'"},
        {"tag = \"a\" \"b\"", 10, "unexpected \"b\": expected 'and', 'or' or the end"},
        {"tag = \"a\" in", 10, "unexpected 'in'"},
        {"spend_90d >= ", 13, "expected a value after '>=' (a number, a \"string\" or a date)"},
        {"spend_90d >= abc", 13, "text goes in double quotes"},
        {"spend_90d 30000", 10,
         "expected an operator (=, !=, <, <=, >, >=, in, between, within, before, after) after 'spend_90d'"},
        {"spend_90d", 9, "expected an operator"},
        {"tag = “宝妈”", 6, "use ASCII double quotes"},
        {"tag = '宝妈'", 6, "double quotes"},
        {"tag = 宝妈", 6, "text goes in double quotes"},
        {"x in [1，2]", 7, "ASCII ','"},
        {"x = 1 and", 9, "expected a condition after 'and'"},
        {"not", 3, "expected a condition after 'not'"},
        {"(", 1, "expected a condition after '('"},
        {"x = 1 and and y = 2", 10, "expected a condition, found 'and'"},
        {"x = 1 and )", 10, "expected a condition, found ')'"},
        {"   ", 3, "expected a condition"},
        {"Tag = \"a\"", 0, "lowercase"},
        {"x = 1 AND y = 2", 6, "unknown word 'AND': expected 'and', 'or' or the end (keywords are lowercase)"},
        {"x.y = 1", 0, "'x.y' is not an attribute name"},
        {"count = 1", 6, "expected '(' after 'count'"},
        {"in = 1", 0, "expected a condition, found 'in'"},
        {"x = 1e5", 4, "without an exponent"},
        {"x = 1.", 4, "invalid number"},
        {"x = 1-2", 4, "invalid number"},
        {"x = 5and y = 1", 4, "put a space before 'and'"},
        {"x within 3D", 9, "invalid window"},
        {"x = -", 4, "unexpected '-'"},
        {"x = 1234567890123456789", 4, "more than 18 digits"},
        {"x = 0.0000000000000000001", 4, "more than 18 decimals"},
        {"x = 9300000000000000000", 4, "out of range"},
        {"x = \"\\uD83D\"", 5, "lone surrogate"},
        {"x = \"\\uDE00\\uD83D\"", 5, "lone surrogate"},
        {"x = \"\\uD83Dx\"", 5, "lone surrogate"},
        {"x = \"宝\\u12\"", 6, "four hex digits"},
        {"x = \"a\\q\"", 6, "unknown escape \\q"},
        {"x = \"\\u0000\"", 5, "\\u0000"},
        {"x = \"a\tb\"", 6, "control character"},
        {"x = 1 \x01", 6, "control character"},
        {"x == 1", 2, "use '=' to compare"},
        {"x ! 1", 2, "'not' or '!='"},
        {"x in []", 6, "expected a value after '['"},
        {"x in [1,", 8, "expected a value after ','"},
        {"x in [1 2]", 8, "expected ',' or ']' in the list that opens at 5"},
        {"x in 1", 5, "expected '[' after 'in'"},
        {"any_tag \"a\"", 8, "expected '[' after 'any_tag'"},
        {"x between 1 or 5", 12, "expected 'and'"},
        {"x before \"2026-01-01\"", 9, "expected a date like 2026-01-01 after 'before'"},
        {"x after 5", 8, "expected a date like 2026-01-01 after 'after'"},
        {"count(page_viewed 7d) >= 3", 18, "expected ','"},
        {"count(page_viewed, 7d >= 3", 22, "expected ')' to close 'count(' at 5"},
        {"count(Page, 7d) >= 3", 6, "'Page' is not an event type"},
        {"count(\"\", 7d) >= 3", 6, "must not be empty"},
        {"count(7, 7d) >= 3", 6, "expected an event type"},
        {"count(a, 7d) in [1]", 13, "expected an operator (=, !=, <, <=, >, >=) after 'count(...)'"},
        {"count(a, 0d) = 1", 9, "window must be between"},
        {"tag = \"宝妈\" and x = \"\xff\"", 20, "not valid UTF-8"},
        {"\xe5\xae", 0, "not valid UTF-8"},
        {"宝\xed\xa0\x80", 1, "not valid UTF-8"}, /* a surrogate */
        {"x = \"\xc0\xaf\"", 5, "not valid UTF-8"}, /* overlong */
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        yt_arena a = {0};
        seg_error err;
        seg_node *n = seg_parse_text(cases[i].text, &a, &err);
        if (n) fail_msg("'%s' parsed", cases[i].text);
        if (err.pos != cases[i].pos || !strstr(err.msg, cases[i].msg))
            fail_msg("'%s': %d: %s (wanted %d: %s)", cases[i].text, err.pos, err.msg, cases[i].pos, cases[i].msg);
        assert_string_equal(err.path, "");
        arena_free(&a);
    }
}

static void limits_end_in_errors_not_overflows(void **state) {
    (void)state;
    yt_arena a = {0};
    seg_error err;
    /* 100000 '(' : over the length limit, refused at once */
    char *huge = malloc(100001);
    memset(huge, '(', 100000);
    huge[100000] = '\0';
    clock_t t0 = clock();
    assert_null(seg_parse_text(huge, &a, &err));
    assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 0.5);
    assert_int_equal(err.pos, SEG_MAX_TEXT);
    assert_non_null(strstr(err.msg, "longer than 8192 bytes"));
    /* 8000 '(' and 'not' x 2000: within the length, beyond the nesting */
    huge[8000] = '\0';
    assert_null(seg_parse_text(huge, &a, &err));
    assert_int_equal(err.pos, 32);
    assert_non_null(strstr(err.msg, "nested more than 32 levels"));
    for (int i = 0; i < 2000; i++) memcpy(huge + 4 * i, "not ", 4);
    strcpy(huge + 8000, "a=1");
    assert_null(seg_parse_text(huge, &a, &err));
    assert_int_equal(err.pos, 4 * 32);
    /* not and '(' count together */
    strcpy(huge, "");
    for (int i = 0; i < 16; i++) strcat(huge, "not (");
    strcat(huge, "not a = 1");
    assert_null(seg_parse_text(huge, &a, &err));
    assert_int_equal(err.pos, 16 * 5);
    /* exactly the length limit is fine */
    memset(huge, ' ', SEG_MAX_TEXT);
    memcpy(huge, "a = 1", 5);
    huge[SEG_MAX_TEXT] = '\0';
    assert_non_null(seg_parse_text(huge, &a, &err));
    /* 256 conditions, not 257 */
    yt_buf b = YT_BUF_INIT;
    for (int i = 0; i < 257; i++) buf_printf(&b, "%sa = %d", i ? " or " : "", i % 10);
    assert_null(seg_parse_text(b.p, &a, &err));
    assert_int_equal(err.pos, 256 * 9); /* "a = 0 or " */
    assert_non_null(strstr(err.msg, "more than 256 conditions"));
    b.p[256 * 9 - 4] = '\0';
    assert_non_null(seg_parse_text(b.p, &a, &err));
    /* a list of 1000 values, not 1001 */
    buf_reset(&b);
    buf_puts(&b, "x in [");
    for (int i = 0; i < 1001; i++) buf_printf(&b, "%s%d", i ? "," : "", i % 10);
    buf_puts(&b, "]");
    assert_null(seg_parse_text(b.p, &a, &err));
    assert_int_equal(err.pos, 6 + 2 * 1000);
    assert_non_null(strstr(err.msg, "at most 1000 values"));
    b.p[6 + 2 * 1000 - 1] = ']';
    b.p[6 + 2 * 1000] = '\0';
    seg_node *n = seg_parse_text(b.p, &a, &err);
    assert_non_null(n);
    assert_int_equal(n->nlist, 1000);
    /* within the limit as typed, beyond it once written out with spaces: refused, so that what is written parses */
    buf_reset(&b);
    for (int l = 0; l < 4; l++) {
        buf_puts(&b, l ? " or x in[" : "x in[");
        for (int i = 0; i < 1000; i++) buf_puts(&b, i ? ",0" : "0");
        buf_putc(&b, ']');
    }
    assert_true(b.len <= SEG_MAX_TEXT);
    assert_null(seg_parse_text(b.p, &a, &err));
    assert_int_equal(err.pos, (int)b.len);
    assert_non_null(strstr(err.msg, "once written out in full"));
    buf_free(&b);
    free(huge);
    /* NULL text is empty text */
    assert_null(seg_parse_text(NULL, &a, &err));
    assert_int_equal(err.pos, 0);
    arena_free(&a);
}

/* ---- random trees ---- */

static uint64_t rng_state;
static uint64_t rnd(void) {
    rng_state ^= rng_state << 13;
    rng_state ^= rng_state >> 7;
    rng_state ^= rng_state << 17;
    return rng_state;
}
static int rnd_below(int n) { return (int)(rnd() % (uint64_t)n); }

static const char *const attrs[] = {"tag", "store", "city", "spend_90d", "p_alive", "orders", "last_order", "_x9",
                                    "first_order", "a"};
static const char *const texts[] = {"宝妈", "杭州西湖店", "", "a\"b", "back\\slash", "line\nbreak\ttab", "\x01\x1f\x7f",
                                    "😀 emoji", "“全角”", "and", "not (x)", "[1, 2]", "会员福利群", "é"};
static const char *const events[] = {"page_viewed", "order.paid", "a", "下单", "has space", "Upper", "x.y.z_1",
                                     "count", "9lives", "\"q\""};

/* A number the text form accepts; json: integral exactly when the value is whole. */
static void random_number(seg_value *v, bool json) {
    char s[64];
    int form = rnd_below(8);
    long long m = (long long)(rnd() % 1000000000000000ULL); /* up to 15 digits */
    if (form < 3) m %= 1000;
    if (form == 0) {
        snprintf(s, sizeof s, "%lld", m);
    } else if (form < 6) {
        int scale = 1 + rnd_below(6);
        long long p = 1;
        for (int k = 0; k < scale; k++) p *= 10;
        long long frac = m % p;
        if (frac % 10 == 0) frac += 1 + rnd_below(9); /* a last digit that is not zero */
        snprintf(s, sizeof s, "%lld.%0*lld", m / p, scale, frac);
    } else if (form == 6) {
        static const char *const odd[] = {"0", "9200000000000000000", "0.000000000000000001", "123456789012345678",
                                          "0.1", "100000000000000000.5", "0.3", "99999999999999999"};
        snprintf(s, sizeof s, "%s", odd[rnd_below(8)]);
    } else {
        snprintf(s, sizeof s, "%lld", (long long)(rnd() % 1000000000000000000ULL));
    }
    v->type = SEGV_NUMBER;
    v->number = strtod(s, NULL) * (rnd_below(3) == 0 ? -1 : 1);
    v->integral = strchr(s, '.') == NULL;
    if (!json && form == 0 && rnd_below(4) == 0) v->integral = false; /* 5.0 */
    if (json) v->integral = v->number == trunc(v->number); /* what JSON can tell */
}

static void random_value(yt_arena *a, seg_value *v, bool json) {
    int k = rnd_below(3);
    if (k == 0) {
        v->type = SEGV_TEXT;
        v->text = texts[rnd_below(sizeof texts / sizeof *texts)];
    } else if (k == 1) {
        random_number(v, json);
    } else {
        v->type = SEGV_DATE;
        v->day = (int32_t)(day_of("1900-01-01") + rnd_below(day_of("2999-12-31") - day_of("1900-01-01") + 1));
    }
    (void)a;
}

static seg_node *random_tree(yt_arena *a, int depth, bool json) {
    seg_node *n = arena_alloc(a, sizeof *n);
    int k = depth >= 6 || rnd_below(10) < depth + 2 ? 3 + rnd_below(9) : rnd_below(3);
    n->kind = (seg_kind)k;
    switch (n->kind) {
    case SEG_AND:
    case SEG_OR:
        n->a = random_tree(a, depth + 1, json);
        n->b = random_tree(a, depth + 1, json);
        break;
    case SEG_NOT: n->a = random_tree(a, depth + 1, json); break;
    case SEG_ANY_TAG:
    case SEG_ALL_TAGS:
    case SEG_IN:
        n->nlist = 1 + rnd_below(4);
        n->list = arena_alloc(a, sizeof *n->list * (size_t)n->nlist);
        for (int i = 0; i < n->nlist; i++) random_value(a, &n->list[i], json);
        break;
    case SEG_COUNT:
        n->event = events[rnd_below(sizeof events / sizeof *events)];
        n->days = 1 + rnd_below(SEG_MAX_DAYS);
        n->op = (seg_op)rnd_below(6);
        random_value(a, &n->v, json);
        break;
    case SEG_CMP:
        n->op = (seg_op)rnd_below(6);
        random_value(a, &n->v, json);
        break;
    case SEG_BETWEEN:
        random_value(a, &n->v, json);
        random_value(a, &n->v2, json);
        break;
    case SEG_WITHIN: n->days = rnd_below(2) ? 1 + rnd_below(SEG_MAX_DAYS) : 7 * (1 + rnd_below(100)); break;
    case SEG_BEFORE:
    case SEG_AFTER:
        random_value(a, &n->v, json);
        if (n->v.type != SEGV_DATE) n->v.type = SEGV_DATE, n->v.day = rnd_below(20000);
        break;
    }
    if (n->kind >= SEG_CMP && n->kind <= SEG_AFTER) n->attr = attrs[rnd_below(sizeof attrs / sizeof *attrs)];
    return n;
}

/* Positions in a parsed tree point at what they name in the text. */
static void check_positions(const char *text, const seg_node *n) {
    const char *at = text + byte_at(text, n->pos);
    switch (n->kind) {
    case SEG_AND:
    case SEG_OR:
        assert_int_equal(n->pos, n->a->pos);
        check_positions(text, n->a);
        check_positions(text, n->b);
        return;
    case SEG_NOT:
        assert_memory_equal(at, "not", 3);
        check_positions(text, n->a);
        return;
    case SEG_ANY_TAG: assert_memory_equal(at, "any_tag", 7); break;
    case SEG_ALL_TAGS: assert_memory_equal(at, "all_tags", 8); break;
    case SEG_COUNT: assert_memory_equal(at, "count", 5); break;
    default:
        assert_int_equal(n->pos, n->attr_pos);
        assert_memory_equal(at, n->attr, strlen(n->attr));
    }
    const seg_value *vals[2] = {&n->v, &n->v2};
    int nv = n->kind == SEG_BETWEEN ? 2 : n->kind == SEG_CMP || n->kind >= SEG_BEFORE ? 1 : 0;
    if (n->list) nv = 0;
    for (int i = 0; i < nv + n->nlist; i++) {
        const seg_value *v = i < nv ? vals[i] : &n->list[i - nv];
        char c = text[byte_at(text, v->pos)];
        if (v->type == SEGV_TEXT) assert_int_equal(c, '"');
        else assert_true(c == '-' || (c >= '0' && c <= '9'));
    }
}

static void written_trees_parse_back_the_same(void **state) {
    (void)state;
    rng_state = 0x9E3779B97F4A7C15ULL;
    int done = 0, too_long = 0;
    for (int i = 0; i < 4000; i++) {
        yt_arena a = {0};
        seg_node *t = random_tree(&a, 0, false);
        char *w = written(t);
        if (strlen(w) > SEG_MAX_TEXT) {
            too_long++;
            free(w);
            arena_free(&a);
            continue;
        }
        seg_error err;
        seg_node *back = seg_parse_text(w, &a, &err);
        if (!back) fail_msg("tree %d written as '%s' does not parse: %d: %s", i, w, err.pos, err.msg);
        if (!seg_equal(t, back)) fail_msg("tree %d written as '%s' parses to another tree", i, w);
        char *again = written(back);
        assert_string_equal(w, again);
        check_positions(w, back);
        free(again);
        free(w);
        arena_free(&a);
        done++;
    }
    assert_true(done > 3900 && too_long < 100);
}

static void equality_sees_every_field(void **state) {
    (void)state;
    yt_arena a = {0};
    const char *texts_[] = {"x = 1", "x = 1.0", "x = 2", "x = \"1\"", "x = 1970-01-02", "y = 1", "x != 1",
                            "x in [1]", "x in [1, 2]", "x in [2]", "any_tag [1]", "all_tags [1]", "x within 1d",
                            "x within 2d", "x before 1970-01-02", "x after 1970-01-02", "x before 1970-01-03",
                            "x between 1 and 2", "x between 1 and 3", "count(a, 1d) = 1", "count(b, 1d) = 1",
                            "count(a, 2d) = 1", "count(a, 1d) > 1", "count(a, 1d) = 2", "not x = 1",
                            "x = 1 and y = 1", "x = 1 or y = 1", "y = 1 and x = 1"};
    size_t n = sizeof texts_ / sizeof *texts_;
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < n; j++) {
            seg_node *x = parse_ok(&a, texts_[i]), *y = parse_ok(&a, texts_[j]);
            if (seg_equal(x, y) != (i == j)) fail_msg("'%s' vs '%s'", texts_[i], texts_[j]);
        }
    }
    arena_free(&a);
}

/* ---- the JSON form ---- */

static void json_form_matches_the_text_form(void **state) {
    (void)state;
    static const struct { const char *json, *text; } cases[] = {
        {"{\"and\": [{\"tag\": \"宝妈\"}, {\"attr\": \"store\", \"op\": \"=\", \"value\": \"杭州西湖店\"},"
         " {\"or\": [{\"attr\": \"spend_90d\", \"op\": \">=\", \"value\": 30000},"
         "           {\"attr\": \"orders\", \"op\": \">=\", \"value\": 3}]},"
         " {\"not\": {\"tag\": \"会员福利群\"}}, {\"attr\": \"last_order\", \"within\": \"30d\"}]}",
         example},
        {"{\"and\": [{\"tag\": \"a\"}]}", "tag = \"a\""},
        {"{\"or\": [{\"tag\": \"a\"}, {\"tag\": \"b\"}, {\"tag\": \"c\"}]}", "tag = \"a\" or tag = \"b\" or tag = \"c\""},
        {"{\"attr\": \"store\", \"in\": [\"杭州西湖店\", \"上海店\", 2, {\"date\": \"2026-01-01\"}]}",
         "store in [\"杭州西湖店\", \"上海店\", 2, 2026-01-01]"},
        {"{\"attr\": \"orders\", \"between\": [2, 5]}", "orders between 2 and 5"},
        {"{\"attr\": \"p_alive\", \"between\": [0.25, {\"date\": \"2026-01-01\"}]}", "p_alive between 0.25 and 2026-01-01"},
        {"{\"attr\": \"last_order\", \"within\": \"30d\"}", "last_order within 30d"},
        {"{\"attr\": \"last_order\", \"within\": \"4w\"}", "last_order within 28d"},
        {"{\"attr\": \"last_order\", \"within\": 90}", "last_order within 90d"},
        {"{\"attr\": \"first_order\", \"before\": \"2026-01-01\"}", "first_order before 2026-01-01"},
        {"{\"attr\": \"first_order\", \"after\": {\"date\": \"2024-02-29\"}}", "first_order after 2024-02-29"},
        {"{\"any_tag\": [\"a\", \"b\"]}", "any_tag [\"a\", \"b\"]"},
        {"{\"all_tags\": [\"a\", \"b\"]}", "all_tags [\"a\", \"b\"]"},
        {"{\"count\": {\"event\": \"page_viewed\", \"window\": \"7d\"}, \"op\": \">=\", \"value\": 3}",
         "count(page_viewed, 7d) >= 3"},
        {"{\"value\": 1, \"op\": \"<\", \"count\": {\"window\": 14, \"event\": \"下单 成功\"}}",
         "count(\"下单 成功\", 2w) < 1"},
        {"{\"not\": {\"not\": {\"attr\": \"p_alive\", \"op\": \"<\", \"value\": -0.3}}}", "not not p_alive < -0.3"},
        {"{\"attr\": \"x\", \"op\": \"!=\", \"value\": \"a\\\"b\\n\\u5b9d\"}", "x != \"a\\\"b\\n宝\""},
        {"{\"attr\": \"x\", \"op\": \"=\", \"value\": 1e-18}", "x = 0.000000000000000001"},
        {"{\"attr\": \"x\", \"op\": \"=\", \"value\": 9.2e18}", "x = 9200000000000000000"},
        {"{\"tag\": 5}", "tag = 5"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        yt_arena a = {0};
        seg_node *j = json_ok(&a, cases[i].json);
        seg_node *t = parse_ok(&a, cases[i].text);
        if (!seg_equal(j, t)) {
            char *w = written(j);
            fail_msg("JSON %zu written as '%s', not '%s'", i, w, cases[i].text);
        }
        char *w = written(j);
        assert_true(seg_equal(parse_ok(&a, w), j));
        free(w);
        arena_free(&a);
    }
}

typedef struct {
    const char *json;
    const char *path;
    const char *msg;
} bad_json;

static void json_errors_name_the_path(void **state) {
    (void)state;
    static const bad_json cases[] = {
        {"[1]", "", "expected a condition"},
        {"{}", "", "expected one of the keys and, or, not"},
        {"{\"and\": [{\"tag\": \"a\"}, {\"attr\": \"x\", \"op\": \"=~\", \"value\": 1}]}", "and[1].op",
         "expected one of =, !=, <, <=, >, >="},
        {"{\"attr\": \"x\", \"op\": \"=\", \"value\": 1, \"foo\": 2}", "foo", "unknown key 'foo'"},
        {"{\"and\": [{\"not\": {\"tag\": \"a\", \"宝妈\": 1}}]}", "and[0].not.宝妈", "unknown key '宝妈'"},
        {"{\"tag\": \"a\", \"tag\": \"b\"}", "tag", "duplicate key 'tag'"},
        {"{\"and\": []}", "and", "at least one condition"},
        {"{\"or\": {\"tag\": \"a\"}}", "or", "expected a list of conditions"},
        {"{\"tag\": \"a\", \"or\": [{\"tag\": \"b\"}]}", "", "'tag' and 'or' do not go together"},
        {"{\"count\": {\"event\": \"a\", \"window\": \"7d\"}, \"op\": \">=\", \"value\": 1, \"in\": [1]}", "in",
         "'in' does not go with 'count'"},
        {"{\"attr\": \"x\", \"op\": \"=\", \"value\": 1, \"in\": [1]}", "", "'op' and 'in' do not go together"},
        {"{\"attr\": \"x\"}", "", "expected one of op, in, between"},
        {"{\"attr\": \"x\", \"op\": \"=\"}", "value", "needs a value"},
        {"{\"attr\": \"x\", \"in\": [1], \"value\": 1}", "value", "only with 'op'"},
        {"{\"attr\": \"And\", \"op\": \"=\", \"value\": 1}", "attr", "not an attribute name"},
        {"{\"attr\": \"between\", \"op\": \"=\", \"value\": 1}", "attr", "not an attribute name"},
        {"{\"attr\": 5, \"op\": \"=\", \"value\": 1}", "attr", "expected an attribute name"},
        {"{\"attr\": \"x\", \"op\": \"=\", \"value\": true}", "value", "expected a value"},
        {"{\"attr\": \"x\", \"op\": \"=\", \"value\": {\"date\": \"2026-02-30\"}}", "value.date", "expected a date"},
        {"{\"attr\": \"x\", \"op\": \"=\", \"value\": {\"date\": \"2026-01-01\", \"y\": 1}}", "value",
         "expected a value"},
        {"{\"attr\": \"x\", \"op\": \"=\", \"value\": 1e-30}", "value", "more than 18 decimals"},
        {"{\"attr\": \"x\", \"op\": \"=\", \"value\": 0.0000000000000000015}", "value", "more than 18 decimals"},
        {"{\"attr\": \"x\", \"op\": \"=\", \"value\": 1e19}", "value", "out of range"},
        {"{\"attr\": \"x\", \"op\": \"=\", \"value\": 1e999}", "value", "not finite"},
        {"{\"attr\": \"x\", \"in\": []}", "in", "at least one value"},
        {"{\"attr\": \"x\", \"in\": \"a\"}", "in", "expected a list of values"},
        {"{\"any_tag\": [\"a\", null]}", "any_tag[1]", "expected a value"},
        {"{\"attr\": \"x\", \"between\": [1]}", "between", "two values"},
        {"{\"attr\": \"x\", \"between\": [1, []]}", "between[1]", "expected a value"},
        {"{\"attr\": \"x\", \"within\": \"0d\"}", "within", "window must be between 1d and 36600d"},
        {"{\"attr\": \"x\", \"within\": 36601}", "within", "window must be between 1d and 36600d"},
        {"{\"attr\": \"x\", \"within\": -3}", "within", "window must be between 1d and 36600d"},
        {"{\"attr\": \"x\", \"within\": 1.5}", "within", "whole number of days"},
        {"{\"attr\": \"x\", \"within\": \"30 days\"}", "within", "expected a window like \"30d\""},
        {"{\"attr\": \"x\", \"before\": \"2026-02-30\"}", "before", "expected a date"},
        {"{\"attr\": \"x\", \"after\": \"2026-1-1\"}", "after", "expected a date"},
        {"{\"attr\": \"x\", \"after\": 5}", "after", "expected a date"},
        {"{\"count\": {\"event\": \"\", \"window\": \"7d\"}, \"op\": \"=\", \"value\": 1}", "count.event",
         "expected an event type"},
        {"{\"count\": {\"event\": \"a\"}, \"op\": \"=\", \"value\": 1}", "count.window", "missing"},
        {"{\"count\": {\"event\": \"a\", \"window\": \"7d\", \"x\": 1}, \"op\": \"=\", \"value\": 1}", "count.x",
         "unknown key 'x'"},
        {"{\"count\": {\"event\": \"a\", \"window\": \"7d\"}, \"value\": 1}", "op", "missing"},
        {"{\"count\": {\"event\": \"a\", \"window\": \"7d\"}, \"op\": \"=\"}", "value", "needs a value"},
        {"{\"tag\": \"\\u00ff\", \"x\\u0000y\": 1}", "x", "unknown key"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        yt_arena a = {0};
        cJSON *j = cJSON_Parse(cases[i].json);
        if (!j) fail_msg("bad JSON in the test: %s", cases[i].json);
        seg_error err;
        if (seg_parse_json(j, &a, &err)) fail_msg("'%s' parsed", cases[i].json);
        if (strcmp(err.path, cases[i].path) != 0 || !strstr(err.msg, cases[i].msg) || err.pos != -1)
            fail_msg("'%s': %s: %s (wanted %s: %s)", cases[i].json, err.path, err.msg, cases[i].path, cases[i].msg);
        cJSON_Delete(j);
        arena_free(&a);
    }
}

static void json_limits(void **state) {
    (void)state;
    yt_arena a = {0};
    seg_error err;
    /* nesting: 31 nots over a leaf (32 objects) is fine, 32 is not */
    for (int depth = 31; depth <= 32; depth++) {
        cJSON *root = cJSON_CreateObject(), *at = root;
        for (int i = 0; i < depth; i++) {
            cJSON *inner = cJSON_CreateObject();
            cJSON_AddItemToObject(at, "not", inner);
            at = inner;
        }
        cJSON_AddStringToObject(at, "tag", "a");
        seg_node *n = seg_parse_json(root, &a, &err);
        if (depth == 31) {
            assert_non_null(n);
            char *w = written(n);
            assert_true(seg_equal(parse_ok(&a, w), n));
            free(w);
        } else {
            assert_null(n);
            assert_non_null(strstr(err.msg, "nested more than 32"));
        }
        cJSON_Delete(root);
    }
    /* 256 conditions, not 257 */
    for (int count = 256; count <= 257; count++) {
        cJSON *root = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(root, "or");
        for (int i = 0; i < count; i++) {
            cJSON *t = cJSON_CreateObject();
            cJSON_AddNumberToObject(t, "tag", i);
            cJSON_AddItemToArray(items, t);
        }
        seg_node *n = seg_parse_json(root, &a, &err);
        if (count == 256) {
            assert_non_null(n);
        } else {
            assert_null(n);
            assert_string_equal(err.path, "or[256]");
            assert_non_null(strstr(err.msg, "more than 256 conditions"));
        }
        cJSON_Delete(root);
    }
    /* lists: 1000 values, not 1001; and nothing longer than the text form takes */
    for (int count = 1000; count <= 1001; count++) {
        cJSON *root = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(root, "any_tag");
        for (int i = 0; i < count; i++) cJSON_AddItemToArray(items, cJSON_CreateNumber(i % 10));
        seg_node *n = seg_parse_json(root, &a, &err);
        if (count == 1000) {
            assert_non_null(n);
            assert_int_equal(n->nlist, 1000);
        } else {
            assert_null(n);
            assert_string_equal(err.path, "any_tag");
        }
        cJSON_Delete(root);
    }
    cJSON *root = cJSON_CreateObject(), *items = cJSON_AddArrayToObject(root, "any_tag");
    for (int i = 0; i < 200; i++) cJSON_AddItemToArray(items, cJSON_CreateString("一个相当长的标签名字，用来把文本撑长"));
    assert_null(seg_parse_json(root, &a, &err));
    assert_non_null(strstr(err.msg, "longer than 8192 bytes"));
    cJSON_Delete(root);
    assert_null(seg_parse_json(NULL, &a, &err));
    arena_free(&a);
}

static void put_date_json(cJSON *obj, const char *key, int32_t day) {
    time_t secs = (time_t)day * 86400;
    struct tm tm;
    gmtime_r(&secs, &tm);
    char s[16];
    snprintf(s, sizeof s, "%04d-%02d-%02d", tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    cJSON *d = cJSON_CreateObject();
    cJSON_AddStringToObject(d, "date", s);
    cJSON_AddItemToObject(obj, key, d);
}

static cJSON *json_value(const seg_value *v) {
    if (v->type == SEGV_TEXT) return cJSON_CreateString(v->text);
    if (v->type == SEGV_NUMBER) return cJSON_CreateNumber(v->number);
    cJSON *wrap = cJSON_CreateObject();
    put_date_json(wrap, "x", v->day);
    cJSON *d = cJSON_DetachItemFromObject(wrap, "x");
    cJSON_Delete(wrap);
    return d;
}

static cJSON *json_list(const seg_value *list, int n) {
    cJSON *arr = cJSON_CreateArray();
    for (int i = 0; i < n; i++) cJSON_AddItemToArray(arr, json_value(&list[i]));
    return arr;
}

static const char *const op_names[] = {"=", "!=", "<", "<=", ">", ">="};

/* The console builder's form of a tree; a left chain of one operator is sometimes one flat list. */
static cJSON *to_json(const seg_node *n) {
    cJSON *o = cJSON_CreateObject();
    switch (n->kind) {
    case SEG_AND:
    case SEG_OR: {
        const char *key = n->kind == SEG_AND ? "and" : "or";
        cJSON *arr = cJSON_AddArrayToObject(o, key);
        if (n->a->kind == n->kind && rnd_below(2)) {
            cJSON *left = to_json(n->a);
            cJSON *inner = cJSON_DetachItemFromObject(left, key);
            cJSON *it;
            while ((it = cJSON_DetachItemFromArray(inner, 0))) cJSON_AddItemToArray(arr, it);
            cJSON_Delete(inner);
            cJSON_Delete(left);
        } else {
            cJSON_AddItemToArray(arr, to_json(n->a));
        }
        cJSON_AddItemToArray(arr, to_json(n->b));
        break;
    }
    case SEG_NOT: cJSON_AddItemToObject(o, "not", to_json(n->a)); break;
    case SEG_ANY_TAG: cJSON_AddItemToObject(o, "any_tag", json_list(n->list, n->nlist)); break;
    case SEG_ALL_TAGS: cJSON_AddItemToObject(o, "all_tags", json_list(n->list, n->nlist)); break;
    case SEG_COUNT: {
        cJSON *c = cJSON_AddObjectToObject(o, "count");
        cJSON_AddStringToObject(c, "event", n->event);
        cJSON_AddNumberToObject(c, "window", n->days);
        cJSON_AddStringToObject(o, "op", op_names[n->op]);
        cJSON_AddItemToObject(o, "value", json_value(&n->v));
        break;
    }
    case SEG_CMP:
        if (!strcmp(n->attr, "tag") && n->op == SEG_EQ && rnd_below(2)) {
            cJSON_AddItemToObject(o, "tag", json_value(&n->v));
            break;
        }
        cJSON_AddStringToObject(o, "attr", n->attr);
        cJSON_AddStringToObject(o, "op", op_names[n->op]);
        cJSON_AddItemToObject(o, "value", json_value(&n->v));
        break;
    case SEG_IN:
        cJSON_AddStringToObject(o, "attr", n->attr);
        cJSON_AddItemToObject(o, "in", json_list(n->list, n->nlist));
        break;
    case SEG_BETWEEN: {
        cJSON_AddStringToObject(o, "attr", n->attr);
        cJSON *arr = cJSON_AddArrayToObject(o, "between");
        cJSON_AddItemToArray(arr, json_value(&n->v));
        cJSON_AddItemToArray(arr, json_value(&n->v2));
        break;
    }
    case SEG_WITHIN: {
        cJSON_AddStringToObject(o, "attr", n->attr);
        char w[16];
        if (n->days % 7 == 0 && rnd_below(2)) snprintf(w, sizeof w, "%dw", (int)n->days / 7);
        else snprintf(w, sizeof w, "%dd", (int)n->days);
        if (rnd_below(3)) cJSON_AddStringToObject(o, "within", w);
        else cJSON_AddNumberToObject(o, "within", n->days);
        break;
    }
    case SEG_BEFORE:
    case SEG_AFTER:
        cJSON_AddStringToObject(o, "attr", n->attr);
        put_date_json(o, n->kind == SEG_BEFORE ? "before" : "after", n->v.day);
        if (rnd_below(2)) { /* the plain string form */
            cJSON *d = cJSON_GetObjectItemCaseSensitive(o, n->kind == SEG_BEFORE ? "before" : "after");
            cJSON *s = cJSON_CreateString(cJSON_GetObjectItemCaseSensitive(d, "date")->valuestring);
            cJSON_ReplaceItemInObject(o, n->kind == SEG_BEFORE ? "before" : "after", s);
        }
        break;
    }
    return o;
}

static void json_trees_equal_their_text(void **state) {
    (void)state;
    rng_state = 0x2545F4914F6CDD1DULL;
    for (int i = 0; i < 3000; i++) {
        yt_arena a = {0};
        seg_node *t = random_tree(&a, 0, true);
        /* the tree itself: cJSON's printer rounds some doubles to 15 digits */
        cJSON *j = to_json(t);
        char *printed = cJSON_PrintUnformatted(j);
        seg_error err;
        seg_node *n = seg_parse_json(j, &a, &err);
        cJSON_Delete(j);
        char *w = written(t);
        if (strlen(w) > SEG_MAX_TEXT) {
            assert_null(n);
        } else {
            if (!n) fail_msg("tree %d as JSON %s: %s: %s", i, printed, err.path, err.msg);
            if (!seg_equal(n, t)) fail_msg("tree %d as JSON %s is not '%s'", i, printed, w);
            char *w2 = written(n);
            seg_node *back = seg_parse_text(w2, &a, &err);
            assert_non_null(back);
            assert_true(seg_equal(back, n));
            free(w2);
        }
        free(w);
        free(printed);
        arena_free(&a);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(example_parses_into_a_left_leaning_and_chain),
        cmocka_unit_test(each_construct_parses),
        cmocka_unit_test(precedence_and_parentheses),
        cmocka_unit_test(canonical_text),
        cmocka_unit_test(errors_name_the_character),
        cmocka_unit_test(limits_end_in_errors_not_overflows),
        cmocka_unit_test(written_trees_parse_back_the_same),
        cmocka_unit_test(equality_sees_every_field),
        cmocka_unit_test(json_form_matches_the_text_form),
        cmocka_unit_test(json_errors_name_the_path),
        cmocka_unit_test(json_limits),
        cmocka_unit_test(json_trees_equal_their_text),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
