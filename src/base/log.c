/* JSON-lines logging to stderr. Callers never pass secrets, tokens or PII here. */
#define _GNU_SOURCE /* sync_file_range */
#include "log.h"
#include "buf.h"
#include "json.h"
#include "timeutil.h"
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static pthread_mutex_t log_mu = PTHREAD_MUTEX_INITIALIZER;
static char held[64 * 1024]; /* access lines not yet written, under log_mu */
static size_t nheld;
static pthread_once_t flusher_once = PTHREAD_ONCE_INIT;

static void write_all(const char *p, size_t n) {
    while (n) {
        ssize_t k = write(STDERR_FILENO, p, n);
        if (k < 0 && errno == EINTR) continue;
        if (k <= 0) return; /* nowhere to log to */
        p += k, n -= (size_t)k;
    }
}

static void flush_locked(void) {
    write_all(held, nheld);
    nheld = 0;
}

void log_flush(void) {
    pthread_mutex_lock(&log_mu);
    flush_locked();
    pthread_mutex_unlock(&log_mu);
}

/* The flusher writes the held access lines every LOG_ACCESS_FLUSH_MS. When stderr is a file it also starts the
 * kernel writing them to disk: left to the kernel's own writeback, 30 s of lines (hundreds of megabytes under a
 * flash sale) went to the disk at once, and a commit's sync of the store's log, which waits for the disk to
 * finish what it was given, waited 150-330 ms behind them (bench/RESULTS.md). Started every 100 ms, the disk
 * gets a tenth of a second's lines at a time. */
static void *flusher(void *arg) {
    (void)arg;
    struct stat st;
    bool file = fstat(STDERR_FILENO, &st) == 0 && S_ISREG(st.st_mode);
    for (;;) {
        struct timespec ts = {0, LOG_ACCESS_FLUSH_MS * 1000000L};
        nanosleep(&ts, NULL);
        log_flush();
        if (file && sync_file_range(STDERR_FILENO, 0, 0, SYNC_FILE_RANGE_WRITE) != 0) file = false; /* not for this file */
    }
    return NULL;
}

static void start_flusher(void) {
    pthread_t t;
    if (pthread_create(&t, NULL, flusher, NULL) == 0) pthread_detach(t);
}

/* Appends line and its newline to the held lines, writing first when they would not fit (a line longer
 * than the buffer is written by itself). */
static void hold_locked(const char *json, size_t len) {
    if (nheld + len + 1 > sizeof held) flush_locked();
    if (len + 1 > sizeof held) {
        write_all(json, len);
        write_all("\n", 1);
        return;
    }
    memcpy(held + nheld, json, len);
    held[nheld + len] = '\n';
    nheld += len + 1;
}

void log_raw_line(const char *json, size_t len) {
    pthread_mutex_lock(&log_mu);
    hold_locked(json, len);
    flush_locked();
    pthread_mutex_unlock(&log_mu);
}

void log_access_line(const char *json, size_t len) {
    pthread_once(&flusher_once, start_flusher);
    pthread_mutex_lock(&log_mu);
    hold_locked(json, len);
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
