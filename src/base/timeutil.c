/* Time: UTC milliseconds since the epoch, RFC 3339 formatting and parsing. */
#include "timeutil.h"
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

int64_t now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

uint64_t mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void time_cond_init(pthread_cond_t *cv, clockid_t clock) {
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, clock);
    pthread_cond_init(cv, &ca);
    pthread_condattr_destroy(&ca);
}

struct timespec time_deadline(clockid_t clock, int64_t ns) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    int64_t at = ts.tv_nsec + ns;
    ts.tv_sec += (time_t)(at / 1000000000);
    ts.tv_nsec = (long)(at % 1000000000);
    return ts;
}

int64_t days_from_civil(int y, int m, int d) {
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t days, int *y, int *m, int *d) {
    int64_t z = days + 719468;
    int64_t era = (z >= 0 ? z : z - 146096) / 146097;
    int64_t doe = z - era * 146097;
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    int64_t mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

void day_fmt(int64_t days, char *out, size_t outsz) {
    int y, m, d;
    civil_from_days(days, &y, &m, &d);
    snprintf(out, outsz, "%04d-%02d-%02d", y, m, d);
}

/* Writes v as exactly `width` digits at out. */
static char *digits(char *out, int v, int width) {
    for (int i = width - 1; i >= 0; i--, v /= 10) out[i] = (char)('0' + v % 10);
    return out + width;
}

void time_fmt(int64_t ms, char *out, size_t outsz) {
    /* by arithmetic, not gmtime_r, which takes glibc's time zone lock on every call (every answer's times
     * and every access log line, from every thread) */
    int64_t secs = ms >= 0 ? ms / 1000 : (ms - 999) / 1000;
    int milli = (int)(ms - secs * 1000);
    int64_t days = secs >= 0 ? secs / 86400 : (secs - 86399) / 86400, in_day = secs - days * 86400;
    struct tm tm = {.tm_hour = (int)(in_day / 3600), .tm_min = (int)(in_day / 60 % 60), .tm_sec = (int)(in_day % 60)};
    int year, month;
    civil_from_days(days, &year, &month, &tm.tm_mday);
    tm.tm_mon = month - 1;
    if (year < 0 || year > 9999 || outsz < 25) { /* written digit by digit below; printf for the rest */
        if (milli)
            snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec, milli);
        else
            snprintf(out, outsz, "%04d-%02d-%02dT%02d:%02d:%02dZ", year, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                     tm.tm_min, tm.tm_sec);
        return;
    }
    char *p = digits(out, year, 4);
    *p++ = '-';
    p = digits(p, tm.tm_mon + 1, 2);
    *p++ = '-';
    p = digits(p, tm.tm_mday, 2);
    *p++ = 'T';
    p = digits(p, tm.tm_hour, 2);
    *p++ = ':';
    p = digits(p, tm.tm_min, 2);
    *p++ = ':';
    p = digits(p, tm.tm_sec, 2);
    if (milli) {
        *p++ = '.';
        p = digits(p, milli, 3);
    }
    *p++ = 'Z';
    *p = '\0';
}

static int num(const char *s, int n) {
    int v = 0;
    for (int i = 0; i < n; i++) {
        if (s[i] < '0' || s[i] > '9') return -1;
        v = v * 10 + (s[i] - '0');
    }
    return v;
}

bool date_parse(const char *s, int *y, int *m, int *d) {
    if (strlen(s) < 10 || s[4] != '-' || s[7] != '-') return false;
    *y = num(s, 4);
    *m = num(s + 5, 2);
    *d = num(s + 8, 2);
    if (*y < 1900 || *y > 2999 || *m < 1 || *m > 12 || *d < 1) return false;
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int leap = (*y % 4 == 0 && *y % 100 != 0) || *y % 400 == 0;
    int max = mdays[*m - 1] + (*m == 2 && leap);
    return *d <= max;
}

/* The instants time_fmt writes with a four-digit year, 1900-01-01T00:00:00Z up to the end of 2999 (UTC):
 * a time is accepted only when its UTC form parses again, whatever the offset it was written with. */
#define TIME_MIN_MS (-2208988800000LL)
#define TIME_END_MS (32503680000000LL)

static bool in_range(int64_t v, int64_t *ms) {
    if (v < TIME_MIN_MS || v >= TIME_END_MS) return false;
    *ms = v;
    return true;
}

bool time_parse(const char *s, int64_t *ms) {
    int y, mo, d;
    if (!date_parse(s, &y, &mo, &d)) return false;
    int64_t days = days_from_civil(y, mo, d);
    if (s[10] == '\0') /* bare date: midnight in Asia/Shanghai */
        return in_range((days * 86400 - 8 * 3600) * 1000, ms);
    if (s[10] != 'T' && s[10] != 't' && s[10] != ' ') return false;
    const char *t = s + 11;
    if (strlen(t) < 8 || t[2] != ':' || t[5] != ':') return false;
    int hh = num(t, 2), mi = num(t + 3, 2), ss = num(t + 6, 2);
    if (hh < 0 || hh > 23 || mi < 0 || mi > 59 || ss < 0 || ss > 60) return false;
    t += 8;
    int frac = 0;
    if (*t == '.') {
        t++;
        int digits = 0;
        while (*t >= '0' && *t <= '9') {
            if (digits < 3) frac = frac * 10 + (*t - '0');
            digits++;
            t++;
        }
        if (digits == 0) return false;
        for (int k = digits; k < 3; k++) frac *= 10;
    }
    int offset = 0;
    if (*t == 'Z' || *t == 'z') t++;
    else if (*t == '+' || *t == '-') {
        if (strlen(t) != 6 || t[3] != ':') return false;
        int oh = num(t + 1, 2), om = num(t + 4, 2);
        if (oh < 0 || oh > 14 || om < 0 || om > 59) return false;
        offset = (oh * 60 + om) * (*t == '+' ? 1 : -1);
        t += 6;
    } else return false;
    if (*t) return false;
    int64_t secs = days * 86400 + hh * 3600 + mi * 60 + ss - offset * 60;
    return in_range(secs * 1000 + frac, ms);
}

bool time_every(_Atomic int64_t *last, int64_t now, int64_t period_ms) {
    int64_t prev = atomic_load(last);
    return now - prev >= period_ms && atomic_compare_exchange_strong(last, &prev, now);
}

#define DAY_MS 86400000LL
#define SHANGHAI_MS (8LL * 3600 * 1000)

int32_t brand_day(int64_t ms) {
    int64_t t = ms + SHANGHAI_MS;
    return (int32_t)(t >= 0 ? t / DAY_MS : -((-t + DAY_MS - 1) / DAY_MS));
}

int64_t brand_day_start(int32_t day) {
    return (int64_t)day * DAY_MS - SHANGHAI_MS;
}
