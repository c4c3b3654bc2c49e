/* Time: UTC milliseconds since the epoch, RFC 3339 formatting and parsing. */
#ifndef YT_TIMEUTIL_H
#define YT_TIMEUTIL_H
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

int64_t now_ms(void);
/* Monotonic clock in nanoseconds, for latency measurement. */
uint64_t mono_ns(void);
/* The moment ns nanoseconds from now on clock: the deadline of a timed wait on a condition of that clock. */
struct timespec time_deadline(clockid_t clock, int64_t ns);
/* A condition whose timed waits take deadlines on clock (time_deadline with the same clock). */
void time_cond_init(pthread_cond_t *cv, clockid_t clock);
/* True for one caller at most every period_ms (*last holds when it was last true): for periodic chores
 * done on the back of requests, such as sweeping expired rows. */
bool time_every(_Atomic int64_t *last, int64_t now_ms, int64_t period_ms);
/* Writes "2026-11-27T16:02:05.123Z" (or without millis when they are zero) into out (>= 32 bytes). */
void time_fmt(int64_t ms, char *out, size_t outsz);
/* Parses RFC 3339 ("2026-11-27T16:02:05Z", "+08:00" offsets, optional fraction) or a date
 * "2026-11-27" (midnight Asia/Shanghai, the brand's default zone) into UTC ms. Only instants from
 * 1900-01-01T00:00:00Z to the end of 2999 are accepted, so what time_fmt writes always parses again. */
bool time_parse(const char *s, int64_t *ms);
/* The brand's calendar day (Asia/Shanghai, UTC+8 all year: no daylight saving) of a UTC ms instant, as days
 * since 1970-01-01, and the UTC ms at which a day starts. */
int32_t brand_day(int64_t ms);
int64_t brand_day_start(int32_t day);
/* Parses "YYYY-MM-DD" strictly into y/m/d; validates the day of month. */
bool date_parse(const char *s, int *y, int *m, int *d);
/* Days since 1970-01-01 for a civil date. */
int64_t days_from_civil(int y, int m, int d);
/* The civil date of days since 1970-01-01, and the same as "YYYY-MM-DD" (out: at least 11 bytes). */
void civil_from_days(int64_t days, int *y, int *m, int *d);
void day_fmt(int64_t days, char *out, size_t outsz);

#endif
