/* Unit tests for the JSON writer's output: always UTF-8, even for a string cut inside a character. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "base/json.h"
#include "base/text.h"

static void escaped(const char *s, size_t n, char *out, size_t outsz) {
    yt_buf b = YT_BUF_INIT;
    json_escape(&b, s, n);
    assert_true(utf8_valid(b.p, b.len));
    snprintf(out, outsz, "%s", b.p);
    buf_free(&b);
}

static void cut_characters_become_replacement_characters(void **state) {
    (void)state;
    char out[128];
    /* "unknown field '%.64s'" can cut 一 (e4 b8 80) after its second byte */
    char detail[80];
    snprintf(detail, sizeof detail, "'%.7s'", "一二三");
    escaped(detail, strlen(detail), out, sizeof out);
    assert_string_equal(out, "\"'一二\xEF\xBF\xBD'\"");
    escaped("\xff", 1, out, sizeof out);
    assert_string_equal(out, "\"\xEF\xBF\xBD\"");
    escaped("a\xc0\xaf" "b", 4, out, sizeof out); /* overlong '/' */
    assert_string_equal(out, "\"a\xEF\xBF\xBD\xEF\xBF\xBD" "b\"");
    escaped("\xed\xa0\x80", 3, out, sizeof out); /* surrogate */
    assert_string_equal(out, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
    escaped("\xf4\x90\x80\x80", 4, out, sizeof out); /* beyond U+10FFFF */
    assert_string_equal(out, "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");
}

static void valid_text_is_unchanged(void **state) {
    (void)state;
    char out[128];
    const char *s = "王小明 宝妈 🐟 é \"q\"\n";
    escaped(s, strlen(s), out, sizeof out);
    assert_string_equal(out, "\"王小明 宝妈 🐟 é \\\"q\\\"\\n\"");
    escaped("\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf", 11, out, sizeof out); /* U+FFFF, U+10000, U+10FFFF */
    assert_string_equal(out, "\"\xef\xbf\xbf\xf0\x90\x80\x80\xf4\x8f\xbf\xbf\"");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(cut_characters_become_replacement_characters),
        cmocka_unit_test(valid_text_is_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
