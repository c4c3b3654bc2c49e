/* JSON-lines logging to stderr. Callers never pass secrets, tokens or PII here. */
#ifndef YT_LOG_H
#define YT_LOG_H
#include <stddef.h>

/* Writes {"ts":..,"level":..,"msg":..,<extra>} where extra is pre-formatted JSON members or NULL. */
void log_line(const char *level, const char *msg, const char *extra_members);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes a complete JSON object line as is, at once (after any access lines still held). */
void log_raw_line(const char *json, size_t len);
/* An access-log line: held in a buffer that is written when it fills and at least every
 * LOG_ACCESS_FLUSH_MS by a thread of its own (one write for many requests, as a web server's buffered access
 * log), so a crash may lose the last moment's access lines but never an error line. */
#define LOG_ACCESS_FLUSH_MS 100
void log_access_line(const char *json, size_t len);
/* Writes what the access log holds (at a clean stop). */
void log_flush(void);

#endif
