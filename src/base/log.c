/* JSON-lines logging to stderr. Callers never pass secrets, tokens or PII here. */
#include "log.h"
#include "buf.h"
#include "json.h"
#include "timeutil.h"
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <unistd.h>

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;


void log_raw_line(const char *json, size_t len) {
    pthread_mutex_lock(&log_mu);
    fwrite(json, 1, len, stderr);
    fputc('\n', stderr);
    pthread_mutex_unlock(&log_mu);
}

void log_line(const char *level, const char *msg, const char *extra) {
    yt_buf b = YT_BUF_INIT;
    char ts[40];
    time_fmt(now_ms(), ts, sizeof ts);
    yt_jw w;
    jw_init(&w, &b);
    jw_obj(&w);
    jw_kstr(&w, "ts", ts);
    jw_kstr(&w, "level", level);
    jw_kstr(&w, "msg", msg);
    jw_obj_end(&w);
    if (extra && *extra) {
        b.len--; /* reopen the object */
        buf_putc(&b, ',');
        buf_puts(&b, extra);
        buf_putc(&b, '}');
    }
    log_raw_line(b.p, b.len);
    buf_free(&b);
}

static void vlog(const char *level, const char *fmt, va_list ap) {
    yt_buf m = YT_BUF_INIT;
    buf_vprintf(&m, fmt, ap);
    log_line(level, m.p ? m.p : "", NULL);
    buf_free(&m);
}

void log_info(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog("info", fmt, ap);
    va_end(ap);
}

void log_error(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vlog("error", fmt, ap);
    va_end(ap);
}
