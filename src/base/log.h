/* JSON-lines logging to stderr. Callers never pass secrets, tokens or PII here. */
#ifndef YT_LOG_H
#define YT_LOG_H
#include <stddef.h>

/* Writes {"ts":..,"level":..,"msg":..,<extra>} where extra is pre-formatted JSON members or NULL. */
void log_line(const char *level, const char *msg, const char *extra_members);
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Writes a complete JSON object line as is (the access log). */
void log_raw_line(const char *json, size_t len);

#endif
