/* Batched socket reads and writes: many non-blocking recv and send calls made by one system call
 * (io_uring), for an event loop that has a round of them to make at once. */
#ifndef YT_IOBATCH_H
#define YT_IOBATCH_H
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* The most calls one batch holds; a loop runs the batch when it is full and goes on. */
#define IOB_MAX 128

typedef struct io_batch io_batch;

/* What one call came to: the tag it was queued with, and what recv or send would have returned
 * (the count of bytes, or minus the errno: -EAGAIN when the socket had nothing to read or no room). */
typedef struct {
    void *tag;
    ssize_t result;
} iob_done;

/* A batch for the calling thread (only that thread may use it); NULL when the kernel offers no io_uring
 * (too old, turned off, or refused in a container), and the caller then makes its calls one by one. */
io_batch *iob_new(void);
void iob_free(io_batch *b);
/* Queue a recv into buf (up to len bytes) or a send of len bytes from buf, neither waiting for the socket;
 * buf must stay put until iob_run. False when the batch is full (run it first). */
bool iob_recv(io_batch *b, int fd, void *buf, size_t len, void *tag);
bool iob_send(io_batch *b, int fd, const void *buf, size_t len, void *tag);
/* Calls queued and not yet run. */
unsigned iob_queued(const io_batch *b);
/* Makes every queued call, in one system call when it can, and writes their outcomes to out (room for
 * IOB_MAX), in any order; returns how many. The batch is empty after. */
unsigned iob_run(io_batch *b, iob_done *out);

#endif
