/* Batched socket reads and writes through io_uring (iobatch.h): on a virtual machine a system call costs about
 * a microsecond, and each send on loopback runs its own round of the network's softirq work; one submission of
 * a round of calls pays for that once (bench/RESULTS.md, "One system call for a round of reads or answers"). */
#include "iobatch.h"
#include "../base/alloc.h"
#include "../base/log.h"
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

typedef struct {
    void *tag, *buf;
    size_t len;
    int fd;
    bool send;
} call;

struct io_batch {
    struct io_uring ring;
    bool broken; /* a submission failed: the calls are made one by one from then on */
    unsigned queued;
    call calls[IOB_MAX];
};

io_batch *iob_new(void) {
    io_batch *b = yt_calloc(1, sizeof *b);
    /* one thread submits, and every call completes as it is submitted (MSG_DONTWAIT), leaving the kernel no
     * work to run on the thread later */
    if (io_uring_queue_init(IOB_MAX, &b->ring, IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_COOP_TASKRUN) != 0 &&
        io_uring_queue_init(IOB_MAX, &b->ring, 0) != 0) {
        free(b);
        return NULL;
    }
    return b;
}

void iob_free(io_batch *b) {
    if (!b) return;
    io_uring_queue_exit(&b->ring);
    free(b);
}

static bool queue(io_batch *b, int fd, void *buf, size_t len, bool send, void *tag) {
    if (b->queued == IOB_MAX) return false;
    b->calls[b->queued++] = (call){.tag = tag, .buf = buf, .len = len, .fd = fd, .send = send};
    return true;
}

bool iob_recv(io_batch *b, int fd, void *buf, size_t len, void *tag) { return queue(b, fd, buf, len, false, tag); }
bool iob_send(io_batch *b, int fd, const void *buf, size_t len, void *tag) {
    return queue(b, fd, (void *)buf, len, true, tag);
}

unsigned iob_queued(const io_batch *b) { return b->queued; }

/* One call made the plain way, with the same outcome a completion would have. */
static ssize_t call_now(const call *c) {
    ssize_t n;
    do n = c->send ? send(c->fd, c->buf, c->len, MSG_DONTWAIT | MSG_NOSIGNAL) : recv(c->fd, c->buf, c->len, MSG_DONTWAIT);
    while (n < 0 && errno == EINTR);
    return n < 0 ? -errno : n;
}

unsigned iob_run(io_batch *b, iob_done *out) {
    unsigned n = b->queued, submitted = 0, got = 0;
    b->queued = 0;
    if (!b->broken) {
        for (unsigned i = 0; i < n; i++) { /* the ring has IOB_MAX entries, all free between runs */
            struct io_uring_sqe *sqe = io_uring_get_sqe(&b->ring);
            const call *c = &b->calls[i];
            if (c->send) io_uring_prep_send(sqe, c->fd, c->buf, c->len, MSG_DONTWAIT | MSG_NOSIGNAL);
            else io_uring_prep_recv(sqe, c->fd, c->buf, c->len, MSG_DONTWAIT); /* empty: -EAGAIN at once */
            io_uring_sqe_set_data64(sqe, i);
        }
        while (submitted < n) {
            int rc = io_uring_submit(&b->ring);
            if (rc == -EINTR) continue;
            if (rc <= 0) {
                /* what the ring did not take must never be taken later as well: give it up */
                log_error("io_uring submission failed (%s); the event loop reads and writes without it", strerror(rc < 0 ? -rc : EIO));
                b->broken = true;
                break;
            }
            submitted += (unsigned)rc;
        }
        bool seen[IOB_MAX] = {false};
        for (unsigned left = submitted; left;) {
            struct io_uring_cqe *cqe;
            int rc = io_uring_wait_cqe(&b->ring, &cqe);
            if (rc == -EINTR) continue;
            if (rc < 0) {
                /* not seen with calls that never wait; should it happen, the calls whose outcome is unknown
                 * count as failed (their connections close) */
                log_error("io_uring completions lost (%s); the event loop reads and writes without it", strerror(-rc));
                b->broken = true;
                for (unsigned i = 0; i < submitted; i++)
                    if (!seen[i]) out[got++] = (iob_done){.tag = b->calls[i].tag, .result = -EIO};
                break;
            }
            unsigned i = (unsigned)io_uring_cqe_get_data64(cqe);
            seen[i] = true;
            out[got++] = (iob_done){.tag = b->calls[i].tag, .result = cqe->res};
            io_uring_cqe_seen(&b->ring, cqe);
            left--;
        }
    }
    for (unsigned i = submitted; i < n; i++) out[got++] = (iob_done){.tag = b->calls[i].tag, .result = call_now(&b->calls[i])};
    return got;
}
