/* Unit tests for the streaming CSV reader and writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include "importer/csv.h"

static FILE *mem(const char *s) { return fmemopen((void *)s, strlen(s), "r"); }

static void reads_quotes_newlines_and_crlf(void **state) {
    (void)state;
    FILE *f = mem("\xEF\xBB\xBFname,note\r\n王小明,\"a,b\"\r\n\"x\"\"y\",\"line1\nline2\"\nlast,1");
    csv_reader r;
    csv_init(&r, f);
    assert_int_equal(csv_next(&r), 2);
    assert_string_equal(csv_field(&r, 0), "name"); /* BOM dropped */
    assert_int_equal(csv_next(&r), 2);
    assert_int_equal(r.line, 2);
    assert_string_equal(csv_field(&r, 0), "王小明");
    assert_string_equal(csv_field(&r, 1), "a,b");
    assert_int_equal(csv_next(&r), 2);
    assert_string_equal(csv_field(&r, 0), "x\"y");
    assert_string_equal(csv_field(&r, 1), "line1\nline2");
    assert_int_equal(csv_next(&r), 2);
    assert_int_equal(r.line, 5);
    assert_string_equal(csv_field(&r, 0), "last");
    assert_int_equal(csv_next(&r), -1);
    csv_free(&r);
    fclose(f);
}

static void reports_unterminated_quote(void **state) {
    (void)state;
    FILE *f = mem("a,\"open");
    csv_reader r;
    csv_init(&r, f);
    assert_int_equal(csv_next(&r), -2);
    assert_non_null(r.error);
    csv_free(&r);
    fclose(f);
}

static void writer_quotes_and_defuses_formulas(void **state) {
    (void)state;
    yt_buf b = YT_BUF_INIT;
    csv_put_field(&b, "plain", true);
    csv_put_field(&b, "a,b", false);
    csv_put_field(&b, "=HYPERLINK(\"x\")", false);
    assert_string_equal(b.p, "plain,\"a,b\",\"'=HYPERLINK(\"\"x\"\")\"");
    buf_free(&b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_quotes_newlines_and_crlf),
        cmocka_unit_test(reports_unterminated_quote),
        cmocka_unit_test(writer_quotes_and_defuses_formulas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
