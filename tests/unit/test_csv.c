/* Unit tests for the streaming CSV reader and writer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
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

/* A multi-megabyte quoted field: reported on its line, not kept (the buffer stays near the record limit),
 * and the next record is read normally. */
static void over_long_field_is_skipped_not_buffered(void **state) {
    (void)state;
    size_t big = 8u << 20;
    char *s = malloc(big + 64);
    size_t n = (size_t)sprintf(s, "a,b\n1,\"");
    memset(s + n, 'x', big);
    n += big;
    s[n - 1000] = '\n'; /* a line break inside the quotes still counts as a line */
    n += (size_t)sprintf(s + n, "\"\nok,2\n");
    FILE *f = fmemopen(s, n, "r");
    csv_reader r;
    csv_init(&r, f);
    assert_int_equal(csv_next(&r), 2);
    assert_int_equal(csv_next(&r), -2);
    assert_int_equal(r.line, 2);
    assert_non_null(strstr(r.error, "64 KiB"));
    assert_true(r.rec.cap <= 2 * CSV_MAX_RECORD);
    assert_int_equal(csv_next(&r), 2);
    assert_int_equal(r.line, 4);
    assert_string_equal(csv_field(&r, 0), "ok");
    assert_string_equal(csv_field(&r, 1), "2");
    assert_int_equal(csv_next(&r), -1);
    csv_free(&r);
    fclose(f);
    free(s);
}

/* An unclosed quote swallows the rest of the file as one record, but never buffers it. */
static void unterminated_huge_field_stays_bounded(void **state) {
    (void)state;
    size_t big = 8u << 20;
    char *s = malloc(big + 16);
    size_t n = (size_t)sprintf(s, "h\n\"");
    memset(s + n, 'y', big);
    n += big;
    FILE *f = fmemopen(s, n, "r");
    csv_reader r;
    csv_init(&r, f);
    assert_int_equal(csv_next(&r), 1);
    assert_int_equal(csv_next(&r), -2);
    assert_int_equal(r.line, 2);
    assert_true(r.rec.cap <= 2 * CSV_MAX_RECORD);
    assert_int_equal(csv_next(&r), -1);
    csv_free(&r);
    fclose(f);
    free(s);
}

/* A record just under the limit is still read whole; the first byte over it makes it an error. */
static void record_at_the_limit(void **state) {
    (void)state;
    size_t n = CSV_MAX_RECORD;
    char *s = malloc(2 * n + 16);
    memset(s, 'z', n);
    size_t len = n;
    len += (size_t)sprintf(s + len, "\n");
    memset(s + len, 'w', n + 1);
    len += n + 1;
    len += (size_t)sprintf(s + len, "\nend\n");
    FILE *f = fmemopen(s, len, "r");
    csv_reader r;
    csv_init(&r, f);
    assert_int_equal(csv_next(&r), 1);
    assert_int_equal(strlen(csv_field(&r, 0)), n);
    assert_int_equal(csv_next(&r), -2);
    assert_int_equal(csv_next(&r), 1);
    assert_string_equal(csv_field(&r, 0), "end");
    assert_int_equal(r.line, 3);
    csv_free(&r);
    fclose(f);
    free(s);
}

/* Every cell a spreadsheet would read as a formula is prefixed with ' inside quotes. */
static void writer_defuses_tab_cr_and_full_width_formulas(void **state) {
    (void)state;
    static const struct {
        const char *in, *out;
    } cases[] = {
        {"\t=1+1", "\"'\t=1+1\""},
        {"\r=1+1", "\"'\r=1+1\""},
        {"-2", "\"'-2\""},
        {"+86 138", "\"'+86 138\""},
        {"@SUM(A1)", "\"'@SUM(A1)\""},
        {"\xEF\xBC\x9D" "1+1", "\"'\xEF\xBC\x9D" "1+1\""}, /* ＝ */
        {"\xEF\xBC\x8B" "1", "\"'\xEF\xBC\x8B" "1\""},     /* ＋ */
        {"\xEF\xBC\x8D" "1", "\"'\xEF\xBC\x8D" "1\""},     /* － */
        {"\xEF\xBC\xA0" "x", "\"'\xEF\xBC\xA0" "x\""},     /* ＠ */
        {"王小明", "王小明"},
        {"a=b", "a=b"},
        {"", ""},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        yt_buf b = YT_BUF_INIT;
        csv_put_field(&b, cases[i].in, true);
        assert_string_equal(b.p ? b.p : "", cases[i].out);
        buf_free(&b);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_quotes_newlines_and_crlf),
        cmocka_unit_test(reports_unterminated_quote),
        cmocka_unit_test(writer_quotes_and_defuses_formulas),
        cmocka_unit_test(over_long_field_is_skipped_not_buffered),
        cmocka_unit_test(unterminated_huge_field_stays_bounded),
        cmocka_unit_test(record_at_the_limit),
        cmocka_unit_test(writer_defuses_tab_cr_and_full_width_formulas),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
