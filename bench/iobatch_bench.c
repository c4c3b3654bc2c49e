/* The cost of a round of socket calls on loopback TCP, made one system call each or in one io_uring
 * submission (http/iobatch.c): 128 connections, a round of 400-byte sends on the server's ends, then a round of
 * reads on the clients'. Prints the machine's CPU a message (both ends' kernel work included: a send on loopback
 * delivers to its peer on the sending thread) for each way, side by side.
 * usage: iobatch_bench [ROUNDS] */
#define _GNU_SOURCE
#include "http/iobatch.h"
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define CONNS 128
#define MSG 400

static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* the machine's busy time so far, in clock ticks (user, nice, system, irq, softirq) */
static unsigned long long busy_ticks(void) {
    unsigned long long u, n, s, idle, io, irq, sirq;
    FILE *f = fopen("/proc/stat", "r");
    if (!f || fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu", &u, &n, &s, &idle, &io, &irq, &sirq) != 7) {
        fprintf(stderr, "iobatch_bench: cannot read /proc/stat\n");
        exit(1);
    }
    fclose(f);
    return u + n + s + irq + sirq;
}

static void die(const char *what) {
    fprintf(stderr, "iobatch_bench: %s: %s\n", what, strerror(errno));
    exit(1);
}

int main(int argc, char **argv) {
    int rounds = argc > 1 ? atoi(argv[1]) : 20000;
    if (rounds <= 0) return 2;
    int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof a) || listen(l, CONNS) || getsockname(l, (struct sockaddr *)&a, &al))
        die("listen");
    int cl[CONNS], sv[CONNS], one = 1;
    for (int i = 0; i < CONNS; i++) {
        cl[i] = socket(AF_INET, SOCK_STREAM, 0);
        if (cl[i] < 0 || connect(cl[i], (struct sockaddr *)&a, sizeof a)) die("connect");
        if ((sv[i] = accept4(l, NULL, NULL, SOCK_NONBLOCK)) < 0) die("accept");
        setsockopt(sv[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        setsockopt(cl[i], IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        fcntl(cl[i], F_SETFL, O_NONBLOCK);
    }
    io_batch *b = iob_new();
    if (!b) {
        fprintf(stderr, "iobatch_bench: no io_uring on this machine\n");
        return 1;
    }
    static char msg[MSG], in[CONNS][4096];
    memset(msg, 'x', sizeof msg);
    iob_done done[IOB_MAX];
    for (int batched = 0; batched <= 1; batched++) {
        unsigned long long t0 = busy_ticks();
        double w0 = now_s();
        for (int r = 0; r < rounds; r++) {
            if (batched) {
                for (int i = 0; i < CONNS; i++) iob_send(b, sv[i], msg, MSG, &sv[i]);
                if (iob_run(b, done) != CONNS) die("send round");
                for (int i = 0; i < CONNS; i++) iob_recv(b, cl[i], in[i], sizeof in[i], in[i]);
                if (iob_run(b, done) != CONNS) die("read round");
                for (int i = 0; i < CONNS; i++)
                    if (done[i].result != MSG) die("short read");
            } else {
                for (int i = 0; i < CONNS; i++)
                    if (send(sv[i], msg, MSG, MSG_NOSIGNAL) != MSG) die("send");
                for (int i = 0; i < CONNS; i++)
                    if (recv(cl[i], in[i], sizeof in[i], 0) != MSG) die("recv");
            }
        }
        double msgs = (double)rounds * CONNS;
        printf("{\"bench\":\"loopback_round\",\"calls\":\"%s\",\"messages\":%.0f,\"wall_us_per_message\":%.2f,"
               "\"cpu_us_per_message\":%.2f}\n",
               batched ? "io_uring, a round in one submission" : "one system call each", msgs, (now_s() - w0) * 1e6 / msgs,
               (double)(busy_ticks() - t0) * 1e6 / (double)sysconf(_SC_CLK_TCK) / msgs);
    }
    iob_free(b);
    for (int i = 0; i < CONNS; i++) close(cl[i]), close(sv[i]);
    close(l);
    return 0;
}
