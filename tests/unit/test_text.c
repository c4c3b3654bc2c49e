/* Unit tests for text helpers: UTF-8 validation, phone normalising and masking, money in fen, time parsing, JSON writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/json.h"
#include "base/ratelimit.h"
#include "base/text.h"
#include "base/timeutil.h"

static void utf8_accepts_chinese_and_rejects_bad_bytes(void **state) {
    (void)state;
    const char *ok = "王小明 宝妈 🐟";
    assert_true(utf8_valid(ok, strlen(ok)));
    assert_int_equal(utf8_chars("王小明"), 3);
    assert_false(utf8_valid("\xff", 1));
    assert_false(utf8_valid("\xc0\xaf", 2));          /* overlong '/' */
    assert_false(utf8_valid("\xed\xa0\x80", 3));      /* surrogate */
    assert_false(utf8_valid("\xe7\x8e", 2));          /* truncated */
    assert_false(utf8_valid("a\0b", 3));              /* NUL */
    assert_false(utf8_valid("\xf4\x90\x80\x80", 4));  /* > U+10FFFF */
}

static void phone_normalises_and_masks(void **state) {
    (void)state;
    char out[32];
    assert_true(phone_normalize("+86 138-0013-8000", out, sizeof out));
    assert_string_equal(out, "13800138000");
    assert_true(phone_normalize("13800138000", out, sizeof out));
    assert_false(phone_normalize("1380013800a", out, sizeof out));
    assert_false(phone_normalize("123", out, sizeof out));
    assert_false(phone_normalize("'; DROP TABLE x; --", out, sizeof out));
    phone_mask("13812341234", out, sizeof out);
    assert_string_equal(out, "138****1234");
    phone_mask("138001384", out, sizeof out); /* nine digits: still four hidden, not two */
    assert_string_equal(out, "13****384");
    phone_mask("123456", out, sizeof out);
    assert_string_equal(out, "1****6");
    phone_mask("8613812341234", out, sizeof out);
    assert_string_equal(out, "861****1234");
    assert_int_equal(utf8_fit("王小明", 7), 6); /* never half a character */
    assert_int_equal(utf8_fit("王小明", 9), 9);
    assert_int_equal(utf8_fit("ab", 64), 2);
}

static void money_is_exact_fen(void **state) {
    (void)state;
    int64_t f;
    assert_true(money_to_fen("11.77", &f));
    assert_int_equal(f, 1177);
    assert_true(money_to_fen("29.33", &f));
    assert_int_equal(f, 2933);
    assert_true(money_to_fen("0.1", &f));
    assert_int_equal(f, 10);
    assert_true(money_to_fen("77", &f));
    assert_int_equal(f, 7700);
    assert_true(money_to_fen("1,234.50", &f));
    assert_int_equal(f, 123450);
    assert_true(money_to_fen("-3.05", &f));
    assert_int_equal(f, -305);
    assert_true(money_to_fen("1.230", &f));
    assert_int_equal(f, 123);
    assert_false(money_to_fen("1.234", &f)); /* would lose a fraction of a fen */
    assert_false(money_to_fen("abc", &f));
    assert_false(money_to_fen("", &f));
    assert_false(money_to_fen("99999999999999999999", &f));
    char s[32];
    fen_to_str(-305, s, sizeof s);
    assert_string_equal(s, "-3.05");
}

static void time_parses_rfc3339_and_dates(void **state) {
    (void)state;
    int64_t ms;
    assert_true(time_parse("2026-11-27T08:00:00Z", &ms));
    assert_int_equal(ms, 1795766400000LL);
    assert_true(time_parse("2026-11-27T16:00:00+08:00", &ms));
    assert_int_equal(ms, 1795766400000LL);
    assert_true(time_parse("2026-11-27T08:00:00.250Z", &ms));
    assert_int_equal(ms, 1795766400250LL);
    assert_true(time_parse("1997-01-01", &ms)); /* midnight in Shanghai */
    assert_int_equal(ms, 852076800000LL - 8 * 3600000LL);
    assert_false(time_parse("2026-02-30", &ms));
    assert_false(time_parse("2026-11-27T25:00:00Z", &ms));
    assert_false(time_parse("yesterday", &ms));
    assert_false(time_parse("2026-11-27T08:00:00", &ms)); /* no zone: ambiguous */
    char out[40];
    time_fmt(1795766400250LL, out, sizeof out);
    assert_string_equal(out, "2026-11-27T08:00:00.250Z");
}

static void json_writer_escapes(void **state) {
    (void)state;
    yt_buf b = YT_BUF_INIT;
    yt_jw w;
    jw_init(&w, &b);
    jw_obj(&w);
    jw_kstr(&w, "name", "王\"小\"明\n\x01");
    jw_key(&w, "tags");
    jw_arr(&w);
    jw_str(&w, "宝妈");
    jw_int(&w, -5);
    jw_null(&w);
    jw_arr_end(&w);
    jw_kbool(&w, "ok", true);
    jw_obj_end(&w);
    assert_string_equal(b.p, "{\"name\":\"王\\\"小\\\"明\\n\\u0001\",\"tags\":[\"宝妈\",-5,null],\"ok\":true}");
    buf_free(&b);
}

static void like_pattern_escapes_wildcards(void **state) {
    (void)state;
    char *p = like_contains("50%_off\\");
    assert_string_equal(p, "%50\\%\\_off\\\\%");
    free(p);
}

static void ratelimit_counts_per_key_and_window(void **state) {
    (void)state;
    yt_ratelimit *rl = ratelimit_new(2, 3600000);
    int retry = 0;
    assert_true(ratelimit_take(rl, "guide.li", &retry));
    assert_true(ratelimit_take(rl, "guide.li", &retry));
    assert_false(ratelimit_take(rl, "guide.li", &retry));
    assert_true(retry >= 1 && retry <= 3600);
    assert_true(ratelimit_take(rl, "guide.zhang", &retry)); /* another key has its own budget */
    assert_false(ratelimit_take_n(rl, "guide.zhang", 2, &retry)); /* all or nothing: one left, two asked */
    assert_true(ratelimit_take_n(rl, "guide.zhang", 1, &retry));
    assert_false(ratelimit_take_n(rl, "guide.wu", 3, &retry)); /* more than the whole budget: never */
    ratelimit_free(rl);
    /* a bucket: the budget at once, then one every window/limit, with no boundary that reopens it */
    yt_ratelimit *b = ratelimit_new(4, 400);
    for (int i = 0; i < 4; i++) assert_true(ratelimit_take(b, "k", &retry));
    assert_false(ratelimit_take(b, "k", &retry));
    usleep(130 * 1000); /* one cost (100 ms) has refilled, not two */
    assert_true(ratelimit_take(b, "k", &retry));
    assert_false(ratelimit_take(b, "k", &retry));
    ratelimit_free(b);
    yt_ratelimit *off = ratelimit_new(0, 60000);
    for (int i = 0; i < 100; i++) assert_true(ratelimit_take(off, "k", &retry));
    ratelimit_free(off);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utf8_accepts_chinese_and_rejects_bad_bytes),
        cmocka_unit_test(phone_normalises_and_masks),
        cmocka_unit_test(money_is_exact_fen),
        cmocka_unit_test(time_parses_rfc3339_and_dates),
        cmocka_unit_test(json_writer_escapes),
        cmocka_unit_test(like_pattern_escapes_wildcards),
        cmocka_unit_test(ratelimit_counts_per_key_and_window),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
