/* The access log (base/log.c): held lines reach stderr within a flush period, and when stderr is a file they
 * are on their way to the disk then too, not left dirty for the kernel's own writeback (which comes 30 s
 * later, all at once). The file's dirty pages are counted with cachestat(2) (Linux 6.5). */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>
#include "base/log.h"

#ifndef SYS_cachestat
#define SYS_cachestat 451
#endif

/* cachestat(2)'s arguments, as include/uapi/linux/mman.h has them */
struct range_arg {
    uint64_t off, len;
};
struct cache_counts {
    uint64_t nr_cache, nr_dirty, nr_writeback, nr_evicted, nr_recently_evicted;
};

static void sleep_ms(int ms) {
    struct timespec t = {ms / 1000, (long)(ms % 1000) * 1000000L};
    nanosleep(&t, NULL);
}

static void access_lines_go_to_the_disk_soon(void **state) {
    (void)state;
    char path[] = "yt-log-XXXXXX"; /* in the build folder, on a disk: a tmpfs file is never written back */
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    struct statfs fs;
    if (fstatfs(fd, &fs) == 0 && (fs.f_type == TMPFS_MAGIC || fs.f_type == RAMFS_MAGIC)) {
        close(fd);
        unlink(path);
        skip();
    }
    int saved = dup(STDERR_FILENO);
    assert_true(saved >= 0);
    assert_int_equal(dup2(fd, STDERR_FILENO), STDERR_FILENO);
    /* 4 MB of lines: far more than the buffer, so most go out as the buffer fills */
    char line[200];
    int len = snprintf(line, sizeof line, "{\"ts\":\"2026-12-04T00:00:00.000Z\",\"level\":\"access\",\"route\":\"test\",\"pad\":\"%0120d\"}", 0);
    for (int i = 0; i < (4 << 20) / (len + 1); i++) log_access_line(line, (size_t)len);
    sleep_ms(3 * LOG_ACCESS_FLUSH_MS);
    struct stat st;
    assert_int_equal(fstat(fd, &st), 0);
    assert_true(st.st_size >= (4 << 20) - len - 1); /* every line is in the file */
    struct range_arg all = {0, 0};
    struct cache_counts c = {0};
    long rc = syscall(SYS_cachestat, fd, &all, &c, 0);
    for (int i = 0; rc == 0 && c.nr_dirty && i < 20; i++) { /* a busy disk may take a moment */
        sleep_ms(LOG_ACCESS_FLUSH_MS);
        rc = syscall(SYS_cachestat, fd, &all, &c, 0);
    }
    dup2(saved, STDERR_FILENO);
    close(saved);
    close(fd);
    unlink(path);
    if (rc != 0 && errno == ENOSYS) skip(); /* a kernel before 6.5 cannot count them */
    assert_int_equal(rc, 0);
    assert_true(c.nr_cache > 0);
    assert_int_equal(c.nr_dirty, 0);
}

int main(void) {
    const struct CMUnitTest tests[] = {cmocka_unit_test(access_lines_go_to_the_disk_soon)};
    return cmocka_run_group_tests_name("log", tests, NULL, NULL);
}
