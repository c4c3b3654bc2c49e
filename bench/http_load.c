/* A closed-loop HTTP/1.1 load generator for the flash benches: C connections on one thread, each with one
 * request outstanding at a time (keep-alive, no pipelining), the next sent as soon as the last answer is whole.
 * Request i carries customer (i mod N) + 1 where the body has "%N", as bench/flash.lua does for wrk. Each
 * connection is registered with epoll once and costs one write and one read a request; wrk adds two epoll_ctl
 * calls a request (its write event set and cleared) and a Lua call, which on a two-core machine shared with the
 * server is CPU the server does not get (bench/RESULTS.md).
 * A latency runs from just before the request's write to the read that completed its answer. Only answers whole
 * before the duration ends count; an answer is whole at its Content-Length (an answer without one, or not
 * HTTP/1.1, is a socket error and its connection is made again). Prints one JSON line in flash.lua's shape and a
 * line of percentiles; with -i, a JSON line a second to stderr (the answers completed in it, their p99 and
 * slowest), which shows a stall the whole run's percentiles hide.
 * usage: http_load -c CONNS -d SECONDS -n CUSTOMERS -m METHOD -p PATH -H HEADER... -b BODY [-j NAME] [-i] URL
 *   URL is http://HOST:PORT (an IPv4 address); BODY's "%N" is the customer. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADERS 16
#define REQ_MAX 4096
#define RESP_MAX 16384
#define FINE_US 100000          /* latencies below this are kept to the microsecond */
#define COARSE_MS 100000        /* and above it to the millisecond, up to this */

typedef struct {
    int fd;
    size_t got;        /* bytes of the answer read so far */
    int64_t sent_at;   /* ns; 0 when no request is outstanding */
    char resp[RESP_MAX];
} conn;

static struct {
    struct sockaddr_in addr;
    const char *method, *path, *body, *name;
    char prefix[REQ_MAX]; /* the request line and the headers but the length */
    size_t prefix_len;
    const char *headers[MAX_HEADERS];
    int nheaders, conns, seconds;
    int64_t customers, next;
    uint64_t fine[FINE_US], coarse[COARSE_MS + 1];
    uint64_t done, ok, errors;
    int64_t max_us;
    bool each_second;
    int64_t *second_us; /* this second's latencies (-i) */
    size_t second_n, second_cap;
} g = {.method = "POST", .name = "http_load", .customers = 1};

static int64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (int64_t)t.tv_sec * 1000000000 + t.tv_nsec;
}

static void die(const char *what) {
    fprintf(stderr, "http_load: %s: %s\n", what, strerror(errno));
    exit(1);
}

/* The next request (its customer the next in turn) into buf; its length. */
static size_t format_request(char *buf) {
    char body[1024];
    int64_t customer = g.next++ % g.customers + 1;
    size_t bl = 0;
    for (const char *p = g.body; *p; p++) {
        if (bl > sizeof body - 24) { /* room for a customer's digits, or it is too long */
            fprintf(stderr, "http_load: body too long\n");
            exit(2);
        }
        if (p[0] == '%' && p[1] == 'N') {
            bl += (size_t)snprintf(body + bl, sizeof body - bl, "%lld", (long long)customer);
            p++;
        } else {
            body[bl++] = *p;
        }
    }
    memcpy(buf, g.prefix, g.prefix_len);
    int n = snprintf(buf + g.prefix_len, REQ_MAX - g.prefix_len, "Content-Length: %zu\r\n\r\n", bl);
    if (n < 0 || g.prefix_len + (size_t)n + bl > REQ_MAX) {
        fprintf(stderr, "http_load: request too long\n");
        exit(2);
    }
    n += (int)g.prefix_len;
    memcpy(buf + n, body, bl);
    return (size_t)n + bl;
}

static void open_conn(int ep, conn *c) {
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) die("socket");
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(c->fd, (struct sockaddr *)&g.addr, sizeof g.addr) != 0) die("connect");
    struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
    if (epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev) != 0) die("epoll_ctl");
    c->got = 0;
    c->sent_at = 0;
}

/* Sends the connection's next request (a blocking socket: a request of a few hundred bytes fits its buffer). */
static bool send_next(conn *c) {
    char req[REQ_MAX];
    size_t len = format_request(req), off = 0;
    c->sent_at = now_ns();
    while (off < len) {
        ssize_t w = write(c->fd, req + off, len - off);
        if (w <= 0) return false;
        off += (size_t)w;
    }
    c->got = 0;
    return true;
}

/* The whole answer's length once c->resp holds it; 0 while it does not; -1 when it cannot be read. */
static ssize_t answer_length(conn *c, int *status) {
    char *end = memmem(c->resp, c->got, "\r\n\r\n", 4);
    if (!end) return c->got == RESP_MAX ? -1 : 0;
    if (c->got < 12 || memcmp(c->resp, "HTTP/1.1 ", 9) != 0) return -1;
    *status = atoi(c->resp + 9);
    size_t head = (size_t)(end - c->resp) + 4;
    long long length = -1;
    for (char *line = memchr(c->resp, '\n', head); line && line < end; line = memchr(line + 1, '\n', head - (size_t)(line + 1 - c->resp))) {
        if (strncasecmp(line + 1, "Content-Length:", 15) == 0) length = atoll(line + 16);
    }
    if (length < 0 || head + (size_t)length > RESP_MAX) return -1;
    return c->got >= head + (size_t)length ? (ssize_t)(head + (size_t)length) : 0;
}

static int cmp_i64(const void *a, const void *b) {
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return (x > y) - (x < y);
}

/* The second that ended (-i): its answers, their p99 and the slowest, to stderr. */
static void second_report(int k) {
    qsort(g.second_us, g.second_n, sizeof *g.second_us, cmp_i64);
    double p99 = g.second_n ? (double)g.second_us[g.second_n * 99 / 100] / 1000.0 : 0;
    double max = g.second_n ? (double)g.second_us[g.second_n - 1] / 1000.0 : 0;
    fprintf(stderr, "{\"second\":%d,\"answers\":%zu,\"p99_ms\":%.2f,\"max_ms\":%.2f}\n", k, g.second_n, p99, max);
    g.second_n = 0;
}

static void record(int64_t us) {
    if (us < 0) us = 0;
    if (g.each_second) {
        if (g.second_n == g.second_cap) {
            g.second_cap = g.second_cap ? 2 * g.second_cap : 65536;
            g.second_us = realloc(g.second_us, g.second_cap * sizeof *g.second_us);
            if (!g.second_us) die("realloc");
        }
        g.second_us[g.second_n++] = us;
    }
    if (us > g.max_us) g.max_us = us;
    if (us < FINE_US) g.fine[us]++;
    else g.coarse[us / 1000 < COARSE_MS ? us / 1000 : COARSE_MS]++;
}

/* The latency (ms) below which a share p of the answers came. */
static double percentile(double p) {
    uint64_t want = (uint64_t)(p / 100.0 * (double)g.done + 0.5), seen = 0;
    if (!want) want = 1;
    for (int64_t us = 0; us < FINE_US; us++)
        if ((seen += g.fine[us]) >= want) return (double)us / 1000.0;
    for (int64_t ms = FINE_US / 1000; ms <= COARSE_MS; ms++)
        if ((seen += g.coarse[ms]) >= want) return (double)ms;
    return (double)g.max_us / 1000.0;
}

static void parse_url(const char *url) {
    char host[64];
    int port;
    if (sscanf(url, "http://%63[0-9.]:%d", host, &port) != 2 || port <= 0 || port > 65535 ||
        inet_pton(AF_INET, host, &g.addr.sin_addr) != 1) {
        fprintf(stderr, "http_load: URL must be http://IPV4:PORT\n");
        exit(2);
    }
    g.addr.sin_family = AF_INET;
    g.addr.sin_port = htons((uint16_t)port);
}

int main(int argc, char **argv) {
    int opt;
    g.conns = 256, g.seconds = 10, g.path = "/", g.body = "";
    while ((opt = getopt(argc, argv, "c:d:n:m:p:H:b:j:i")) != -1) {
        switch (opt) {
        case 'c': g.conns = atoi(optarg); break;
        case 'd': g.seconds = atoi(optarg); break;
        case 'n': g.customers = atoll(optarg); break;
        case 'm': g.method = optarg; break;
        case 'p': g.path = optarg; break;
        case 'H':
            if (g.nheaders == MAX_HEADERS) return 2;
            g.headers[g.nheaders++] = optarg;
            break;
        case 'b': g.body = optarg; break;
        case 'j': g.name = optarg; break;
        case 'i': g.each_second = true; break;
        default: return 2;
        }
    }
    if (optind != argc - 1 || g.conns <= 0 || g.seconds <= 0 || g.customers <= 0) {
        fprintf(stderr, "usage: http_load -c CONNS -d SECONDS -n CUSTOMERS -m METHOD -p PATH -H HEADER... -b BODY [-j NAME] [-i] URL\n");
        return 2;
    }
    parse_url(argv[optind]);
    int len = snprintf(g.prefix, sizeof g.prefix, "%s %s HTTP/1.1\r\nHost: %s\r\n", g.method, g.path, argv[optind] + 7);
    for (int i = 0; i < g.nheaders && len > 0 && (size_t)len < sizeof g.prefix; i++)
        len += snprintf(g.prefix + len, sizeof g.prefix - (size_t)len, "%s\r\n", g.headers[i]);
    if (len < 0 || (size_t)len >= sizeof g.prefix - 64) {
        fprintf(stderr, "http_load: headers too long\n");
        return 2;
    }
    g.prefix_len = (size_t)len;
    int ep = epoll_create1(0);
    if (ep < 0) die("epoll_create1");
    conn *cs = calloc((size_t)g.conns, sizeof *cs);
    if (!cs) die("calloc");
    for (int i = 0; i < g.conns; i++) open_conn(ep, &cs[i]);
    int64_t start = now_ns(), until = start + (int64_t)g.seconds * 1000000000;
    for (int i = 0; i < g.conns; i++)
        if (!send_next(&cs[i])) die("write");
    struct epoll_event evs[256];
    int64_t now = start, second_ends = start + 1000000000;
    int second = 0;
    while (now < until) {
        if (g.each_second && now >= second_ends) second_report(++second), second_ends += 1000000000;
        int n = epoll_wait(ep, evs, 256, 10);
        if (n < 0 && errno != EINTR) die("epoll_wait");
        now = now_ns();
        /* the answers first, then the next requests: a request written while answers wait to be read would have
         * the server's side of the loopback handled on this thread, before them */
        int ready = 0;
        for (int i = 0; i < n && now < until; i++) {
            conn *c = evs[i].data.ptr;
            ssize_t r = read(c->fd, c->resp + c->got, RESP_MAX - c->got);
            int status = 0;
            ssize_t whole = r > 0 ? (c->got += (size_t)r, answer_length(c, &status)) : -1;
            if (whole == 0) continue;
            if (whole < 0 || (size_t)whole != c->got) { /* closed, unreadable, or more than one answer */
                g.errors++;
                epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
                close(c->fd);
                open_conn(ep, c);
            } else {
                int64_t done_at = now_ns();
                g.done++;
                if (status >= 200 && status < 300) g.ok++;
                record((done_at - c->sent_at) / 1000);
                now = done_at;
            }
            evs[ready++].data.ptr = c;
        }
        for (int i = 0; i < ready && now < until; i++) {
            conn *c = evs[i].data.ptr;
            if (send_next(c)) continue;
            g.errors++;
            epoll_ctl(ep, EPOLL_CTL_DEL, c->fd, NULL);
            close(c->fd);
            open_conn(ep, c);
            if (!send_next(c)) die("write");
        }
    }
    if (g.each_second && g.second_n) second_report(++second);
    double secs = (double)(until - start) / 1e9;
    printf("{\"bench\":\"%s\",\"orders_per_second\":%.0f,\"created\":%llu,\"not_created\":%llu,\"socket_errors\":%llu,"
           "\"seconds\":%.1f,\"p50_ms\":%.2f,\"p99_ms\":%.2f,\"max_ms\":%.2f}\n",
           g.name, (double)g.ok / secs, (unsigned long long)g.ok, (unsigned long long)(g.done - g.ok),
           (unsigned long long)g.errors, secs, percentile(50), percentile(99), (double)g.max_us / 1000.0);
    static const double ps[] = {1, 10, 25, 50, 75, 90, 95, 98, 99, 99.5, 99.9};
    for (size_t i = 0; i < sizeof ps / sizeof *ps; i++) printf("%sp%g=%.2f", i ? " " : "", ps[i], percentile(ps[i]));
    printf("\n");
    for (int i = 0; i < g.conns; i++) close(cs[i].fd);
    free(cs);
    free(g.second_us);
    close(ep);
    return 0;
}
