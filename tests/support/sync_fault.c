/* Test support, preloaded into the server (LD_PRELOAD): a disk that refuses to sync a SQLite write-ahead log.
 * While the file named by YT_SYNC_FAULT_FILE exists, fdatasync and fsync of any "*-wal" file fail with EIO;
 * everything else goes to the C library. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int fdatasync(int fd);
int fsync(int fd);

/* The fault is on and fd is a write-ahead log. */
static bool refused(int fd) {
    const char *flag = getenv("YT_SYNC_FAULT_FILE");
    if (!flag || access(flag, F_OK) != 0) return false;
    char link[64], target[4096];
    snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
    ssize_t n = readlink(link, target, sizeof target - 1);
    if (n < 4) return false;
    target[n] = '\0';
    return strcmp(target + n - 4, "-wal") == 0;
}

/* The C library's function of that name on fd, unless the fault refuses it. */
static int sync_unless_refused(int fd, const char *name) {
    if (refused(fd)) {
        errno = EIO;
        return -1;
    }
    int (*real)(int) = (int (*)(int))dlsym(RTLD_NEXT, name);
    return real ? real(fd) : (errno = ENOSYS, -1);
}

int fdatasync(int fd) { return sync_unless_refused(fd, "fdatasync"); }

int fsync(int fd) { return sync_unless_refused(fd, "fsync"); }
