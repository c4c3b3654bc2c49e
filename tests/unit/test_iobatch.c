/* The loop's batched socket calls (http/iobatch.c): outcomes as recv and send give them, each to its tag, and
 * never a wait: an empty socket, a full one and a closed one each answer at once. */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "http/iobatch.h"
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#define PAIRS 8

/* PAIRS connected TCP pairs on loopback: client ends in cl, the server's (non-blocking) in sv */
static void pairs(int *cl, int *sv) {
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    assert_int_equal(bind(l, (struct sockaddr *)&a, sizeof a), 0);
    assert_int_equal(listen(l, PAIRS), 0);
    assert_int_equal(getsockname(l, (struct sockaddr *)&a, &al), 0);
    for (int i = 0; i < PAIRS; i++) {
        cl[i] = socket(AF_INET, SOCK_STREAM, 0);
        assert_int_equal(connect(cl[i], (struct sockaddr *)&a, sizeof a), 0);
        sv[i] = accept4(l, NULL, NULL, SOCK_NONBLOCK);
        assert_true(sv[i] >= 0);
    }
    close(l);
}

static void close_all(int *fds) {
    for (int i = 0; i < PAIRS; i++)
        if (fds[i] >= 0) close(fds[i]);
}

static ssize_t result_of(const iob_done *d, unsigned n, void *tag) {
    for (unsigned i = 0; i < n; i++)
        if (d[i].tag == tag) return d[i].result;
    fail_msg("no outcome for a call");
    return 0;
}

static void test_reads(void **state) {
    (void)state;
    io_batch *b = iob_new();
    assert_non_null(b); /* this machine's kernel offers io_uring: the batched path is the one tested */
    int cl[PAIRS], sv[PAIRS];
    pairs(cl, sv);
    char in[PAIRS][64];
    iob_done done[IOB_MAX];
    /* nothing sent yet: every read answers -EAGAIN, at once */
    for (int i = 0; i < PAIRS; i++) assert_true(iob_recv(b, sv[i], in[i], sizeof in[i], &in[i]));
    assert_int_equal(iob_queued(b), PAIRS);
    unsigned n = iob_run(b, done);
    assert_int_equal(n, PAIRS);
    assert_int_equal(iob_queued(b), 0);
    for (int i = 0; i < PAIRS; i++) assert_int_equal(result_of(done, n, &in[i]), -EAGAIN);
    /* each client sends its own text; each read gets its own, whole */
    for (int i = 0; i < PAIRS; i++) {
        char msg[32];
        int len = snprintf(msg, sizeof msg, "请求 %d", i);
        assert_int_equal(send(cl[i], msg, (size_t)len, 0), len);
    }
    for (int i = 0; i < PAIRS; i++) iob_recv(b, sv[i], in[i], sizeof in[i], &in[i]);
    n = iob_run(b, done);
    assert_int_equal(n, PAIRS);
    for (int i = 0; i < PAIRS; i++) {
        char want[32];
        int len = snprintf(want, sizeof want, "请求 %d", i);
        assert_int_equal(result_of(done, n, &in[i]), len);
        assert_memory_equal(in[i], want, (size_t)len);
    }
    /* a client that closed: its read answers 0 (the end) */
    close(cl[3]);
    cl[3] = -1;
    iob_recv(b, sv[3], in[3], sizeof in[3], &in[3]);
    n = iob_run(b, done);
    assert_int_equal(n, 1);
    assert_int_equal(done[0].result, 0);
    close_all(cl);
    close_all(sv);
    iob_free(b);
}

static void test_sends(void **state) {
    (void)state;
    signal(SIGPIPE, SIG_DFL); /* a send to a closed peer must not raise it (MSG_NOSIGNAL) */
    io_batch *b = iob_new();
    assert_non_null(b);
    int cl[PAIRS], sv[PAIRS];
    pairs(cl, sv);
    iob_done done[IOB_MAX];
    const char *ans = "HTTP/1.1 201 Created\r\n\r\n{}";
    for (int i = 0; i < PAIRS; i++) assert_true(iob_send(b, sv[i], ans, strlen(ans), &sv[i]));
    unsigned n = iob_run(b, done);
    assert_int_equal(n, PAIRS);
    for (int i = 0; i < PAIRS; i++) {
        assert_int_equal(result_of(done, n, &sv[i]), (ssize_t)strlen(ans));
        char got[64];
        assert_int_equal(recv(cl[i], got, sizeof got, 0), (ssize_t)strlen(ans));
        assert_memory_equal(got, ans, strlen(ans));
    }
    /* a client that reads nothing: sends into its socket fill it, then take part, then nothing (-EAGAIN),
     * each at once rather than waiting for room */
    static char big[1 << 20];
    memset(big, 'x', sizeof big);
    size_t total = 0;
    ssize_t r = 0;
    for (int k = 0; k < 64 && r != -EAGAIN; k++) {
        iob_send(b, sv[0], big, sizeof big, big);
        n = iob_run(b, done);
        assert_int_equal(n, 1);
        r = done[0].result;
        assert_true(r == -EAGAIN || (r > 0 && (size_t)r <= sizeof big));
        if (r > 0) total += (size_t)r;
    }
    assert_int_equal(r, -EAGAIN);
    assert_true(total > 0 && total < 64 * sizeof big);
    /* a peer gone: the send fails with an error, not a signal */
    close(cl[1]);
    cl[1] = -1;
    usleep(10000);
    for (int k = 0; k < 2; k++) { /* the first may still be taken (the peer then resets the connection) */
        iob_send(b, sv[1], ans, strlen(ans), &sv[1]);
        n = iob_run(b, done);
        assert_int_equal(n, 1);
    }
    assert_true(done[0].result == -EPIPE || done[0].result == -ECONNRESET);
    close_all(cl);
    close_all(sv);
    iob_free(b);
}

static void test_full(void **state) {
    (void)state;
    io_batch *b = iob_new();
    assert_non_null(b);
    int fds[2];
    assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0, fds), 0);
    static char buf[IOB_MAX + 1][8];
    for (int i = 0; i < IOB_MAX; i++) assert_true(iob_recv(b, fds[0], buf[i], sizeof buf[i], buf[i]));
    assert_false(iob_recv(b, fds[0], buf[IOB_MAX], sizeof buf[IOB_MAX], buf[IOB_MAX])); /* full: run it first */
    assert_false(iob_send(b, fds[0], "x", 1, NULL));
    iob_done done[IOB_MAX];
    unsigned n = iob_run(b, done);
    assert_int_equal(n, IOB_MAX);
    bool seen[IOB_MAX] = {false};
    for (unsigned i = 0; i < n; i++) {
        assert_int_equal(done[i].result, -EAGAIN);
        size_t k = (size_t)((char(*)[8])done[i].tag - buf);
        assert_true(k < IOB_MAX);
        assert_false(seen[k]);
        seen[k] = true;
    }
    assert_true(iob_recv(b, fds[0], buf[0], sizeof buf[0], buf[0])); /* room again */
    assert_int_equal(iob_run(b, done), 1);
    assert_int_equal(iob_run(b, done), 0); /* nothing queued: nothing made */
    close(fds[0]);
    close(fds[1]);
    iob_free(b);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_reads),
        cmocka_unit_test(test_sends),
        cmocka_unit_test(test_full),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
