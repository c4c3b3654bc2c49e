/* Unit tests for the range of time_parse: every accepted time formats as a UTC time that parses again. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <string.h>
#include "base/timeutil.h"

static void utc_form_of_an_accepted_time_parses_again(void **state) {
    (void)state;
    int64_t ms, back;
    char out[40];
    /* local times whose UTC instant falls in 3000 or in 1899 */
    assert_false(time_parse("2999-12-31T20:00:00-08:00", &ms));
    assert_false(time_parse("1900-01-01T00:00:00+08:00", &ms));
    assert_false(time_parse("1900-01-01", &ms)); /* midnight in Shanghai is still 1899 in UTC */
    /* the edges themselves */
    assert_true(time_parse("1900-01-01T00:00:00Z", &ms));
    assert_int_equal(ms, -2208988800000LL);
    assert_true(time_parse("1900-01-01T08:00:00+08:00", &ms));
    assert_int_equal(ms, -2208988800000LL);
    assert_true(time_parse("2999-12-31T23:59:59.999Z", &ms));
    time_fmt(ms, out, sizeof out);
    assert_string_equal(out, "2999-12-31T23:59:59.999Z");
    assert_true(time_parse("2999-12-31T16:00:00-07:59", &ms));
    time_fmt(ms, out, sizeof out);
    assert_true(time_parse(out, &back));
    assert_int_equal(back, ms);
    assert_true(time_parse("1900-01-02", &ms));
    time_fmt(ms, out, sizeof out);
    assert_string_equal(out, "1900-01-01T16:00:00Z");
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utc_form_of_an_accepted_time_parses_again),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
