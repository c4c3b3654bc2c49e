/* Fuzzes time_parse and date_parse (src/base/timeutil.c): a parsed time formats back and re-parses to itself. */
#include "base/timeutil.h"
#include "fuzz_check.h"
#include <stdint.h>
#include <string.h>
#include <time.h>

/* [1900-01-01T00:00:00Z, 3000-01-01T00:00:00Z): what time_fmt writes as a four-digit year. */
#define MS_MIN (-2208988800000LL)
#define MS_END (32503680000000LL)

/* True when s is exactly what time_fmt writes: "YYYY-MM-DDTHH:MM:SS[.mmm]Z", no leap second, no ".000". */
static bool canonical(const char *s) {
    size_t n = strlen(s);
    if (n != 20 && n != 24) return false;
    static const char shape20[] = "dddd-dd-ddTdd:dd:ddZ", shape24[] = "dddd-dd-ddTdd:dd:dd.dddZ";
    const char *shape = n == 20 ? shape20 : shape24;
    for (size_t i = 0; i < n; i++) {
        if (shape[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != shape[i]) return false;
    }
    if (s[17] == '6') return false; /* 23:59:60 is the next second */
    if (n == 24 && memcmp(s + 20, "000", 3) == 0) return false;
    return true;
}

static void check_roundtrip(int64_t ms, const char *from) {
    char out[40], again[40];
    time_fmt(ms, out, sizeof out);
    int64_t back = 0;
    FUZZ_CHECK(time_parse(out, &back), "'%s' parsed to %lld, which formats as '%s', which does not parse", from,
               (long long)ms, out);
    FUZZ_CHECK(back == ms, "'%s' -> %lld -> '%s' -> %lld", from, (long long)ms, out, (long long)back);
    time_fmt(back, again, sizeof again);
    FUZZ_CHECK(strcmp(out, again) == 0, "'%s' formats as '%s' then '%s'", from, out, again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size > 256) return 0;
    char s[257];
    memcpy(s, data, size);
    s[size] = '\0';

    int y, m, d;
    if (date_parse(s, &y, &m, &d)) {
        FUZZ_CHECK(y >= 1900 && y <= 2999 && m >= 1 && m <= 12 && d >= 1 && d <= 31, "'%s' gave %d-%d-%d", s, y, m, d);
        /* the day exists: the civil date of its day number is the same date */
        time_t secs = (time_t)(days_from_civil(y, m, d) * 86400);
        struct tm tm;
        gmtime_r(&secs, &tm);
        FUZZ_CHECK(tm.tm_year + 1900 == y && tm.tm_mon + 1 == m && tm.tm_mday == d, "'%s' is %04d-%02d-%02d", s,
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
    }

    int64_t ms = 0;
    if (time_parse(s, &ms)) {
        FUZZ_CHECK(date_parse(s, &y, &m, &d), "'%s' is a time without a valid date", s);
        /* an instant that time_fmt writes with a four-digit year */
        FUZZ_CHECK(ms >= MS_MIN && ms < MS_END, "'%s' -> %lld", s, (long long)ms);
        check_roundtrip(ms, s);
        if (canonical(s)) {
            char out[40];
            time_fmt(ms, out, sizeof out);
            FUZZ_CHECK(strcmp(out, s) == 0, "canonical '%s' formats back as '%s'", s, out);
        }
    }

    /* any instant in range, from the input's first 8 bytes, formats and parses back to itself */
    if (size >= 8) {
        uint64_t u;
        memcpy(&u, data, 8);
        int64_t any = MS_MIN + (int64_t)(u % (uint64_t)(MS_END - MS_MIN));
        check_roundtrip(any, "(instant)");
    }
    return 0;
}
