/* Unit tests for the range of time_parse: every accepted time formats as a UTC time that parses again; and
 * time_fmt's arithmetic agrees with the C library's calendar (gmtime_r) across the whole range. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
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

/* The same text as gmtime_r and strftime give, for instants spread over 1900-2999 and for the edges of days,
 * months, leap years and the epoch (before it too). */
static void formats_as_the_c_library_does(void **state) {
    (void)state;
    uint64_t z = 0x2545f4914f6cdd1dULL;
    const int64_t lo = -2208988800000LL, span = 32503680000000LL - lo;
    const int64_t edges[] = {0, -1, -1000, -1001, 999, 1000, 86399999, 86400000, -86400000, -86400001, 951782400000LL,
                             951868799999LL, 4107542400000LL, -2203891200000LL, lo, 32503679999999LL};
    for (int i = 0; i < 200000 + (int)(sizeof edges / sizeof edges[0]); i++) {
        int64_t ms;
        if (i < (int)(sizeof edges / sizeof edges[0])) {
            ms = edges[i];
        } else {
            z ^= z << 13, z ^= z >> 7, z ^= z << 17;
            ms = lo + (int64_t)(z % (uint64_t)span);
            if (i % 3 == 0) ms -= ms % 1000; /* whole seconds: no fraction written */
        }
        char got[40], want[40];
        time_fmt(ms, got, sizeof got);
        time_t secs = (time_t)(ms >= 0 ? ms / 1000 : (ms - 999) / 1000);
        int milli = (int)(ms - (int64_t)secs * 1000);
        struct tm tm;
        gmtime_r(&secs, &tm);
        size_t n = strftime(want, sizeof want, "%Y-%m-%dT%H:%M:%S", &tm);
        snprintf(want + n, sizeof want - n, milli ? ".%03dZ" : "Z", milli);
        if (strcmp(got, want) != 0) fail_msg("%lld: %s, the C library %s", (long long)ms, got, want);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(utc_form_of_an_accepted_time_parses_again),
        cmocka_unit_test(formats_as_the_c_library_does),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
