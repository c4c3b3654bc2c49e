/* The HTTP/1.1 server: event loops on epoll (one per thread, connections spread evenly), requests parsed
 * by libhttp-parser, keep-alive, deferred answers from other threads, timeouts, limits, console files. */
#define _GNU_SOURCE
#include "http.h"
#include "../base/alloc.h"
#include "../base/json.h"
#include "../base/log.h"
#include "../base/metrics.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "iobatch.h"
#include <arpa/inet.h>
#include <errno.h>
#include <http_parser.h>
#include <limits.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* metrics labels past the route table: console files, and requests that matched nothing */
#define ROUTE_STATIC api_route_count()
#define ROUTE_NONE (api_route_count() + 1)

#define MAX_TRUSTED_PROXIES 16
#define MAX_CONNECTIONS 4096
#define MAX_PER_IP 256
#define MAX_HEADERS 100
#define READ_CHUNK (16u << 10) /* bytes read from a socket at once */
#define SWEEP_EVERY_MS 200     /* how often each loop looks for connections past their deadline */
#define LINGER_MS 2000         /* a connection closed after an answer reads and drops what the client still sends */
#define LINGER_BYTES (8u << 20)
#define IP_BUCKETS 1024

typedef struct ip_count {
    struct in6_addr addr;
    int n;
    struct ip_count *next;
} ip_count;

struct http_daemon {
    yt_server *srv;
    int listen_fd;
    struct loop *loops;
    int nloops;
    _Atomic int inflight; /* requests whose head is in and whose answer has not gone */
    _Atomic int nconns;
    _Atomic bool quiescing, stopping;
    struct in6_addr trusted[MAX_TRUSTED_PROXIES]; /* IPv4 as v4-mapped */
    int ntrusted;
    int head_timeout_ms, idle_timeout_ms;
    size_t header_limit;
    bool plain_io; /* no io_uring batches: a system call for each read and send */
    pthread_mutex_t ip_mu;
    ip_count *per_ip[IP_BUCKETS];
    /* Upload handlers (imports, seconds to minutes of work) run on this thread, not on the loop thread
     * that holds the connection, so a long handler does not stall the loop's other connections. */
    pthread_t job_thread;
    pthread_mutex_t job_mu;
    pthread_cond_t job_cv;
    struct conn *jobs, **jobs_tail;
    bool jobs_stop;
};

/* A connection keeps its request's body and answer buffers for the next request up to this size. */
#define BUF_KEEP (16 * 1024)

/* One event loop: its thread, its epoll set and the connections it serves. Other threads hand it new
 * connections and finished answers through `incoming` and `ready` and wake it with its eventfd. */
typedef struct loop {
    http_daemon *d;
    pthread_t thread;
    int epfd, evfd;
    pthread_mutex_t mu; /* incoming, nincoming, ready, woken */
    int *incoming;
    struct in6_addr *incoming_peer;
    size_t nincoming, incap;
    struct conn *ready;
    atomic_bool woken; /* also read without mu: answers are waiting (see loop_main) */
    _Atomic int nconns;
    struct conn *conns; /* all of this loop's connections, for deadlines and the stop */
    struct conn *closed; /* closed during this round of events: freed after it (a later event may name one) */
    int64_t swept_ms;
    int64_t now; /* the time, as of the last wake-up of the loop */
    char date[40]; /* the Date header, rewritten each second */
    time_t date_at;
    yt_buf line; /* the access log line being written */
    /* The loop's reads of a round of events, and the answers of a round (those its reads made at once, and
     * those posted by other threads), each made in one system call (NULL: one call each, when the kernel has
     * no io_uring or --plain-io says so). While one round is being gathered, `batching` says a send goes into
     * it; a connection whose call is in the batch is left alone until the batch has run, within the same
     * round. */
    io_batch *iob;
    bool batching;
} loop;

/* What a connection is doing: reading a request (head or body), waiting for a handler on another thread,
 * writing an answer, or reading and dropping what a client sends after its last answer before closing. */
enum phase { PH_READ, PH_HANDLER, PH_WRITE, PH_LINGER };

/* The request in progress on a connection (reset for each request). */
typedef struct conn_state {
    uint64_t t0;
    const yt_route *route;
    int route_index;
    int early_status; /* answered before the handler: 400, 404, 405, 413, 429, 431 */
    const char *early_detail;
    const char *early_field;
    yt_buf body;
    FILE *spool; /* upload routes: the body goes to a temporary file, not memory */
    size_t received;
    size_t limit;
    const char *params[API_MAX_PATH_PARAMS];
    int nparams;
    yt_req req; /* admitted when the head is complete (token, permission, type), run when the body is */
    bool admitted;
    bool close_after;        /* answered before the body was read: close rather than read it */
    struct body_gate *gate;  /* the gate this request holds a place in until it is answered, or NULL */
    bool head;               /* a HEAD request: the answer's head only */
    bool counted;            /* counted in the daemon's inflight */
    char request_id[24];
    char ip[64]; /* the client's address (through a trusted proxy: from X-Forwarded-For) */
    char method[12];
    char path[256]; /* without the query string, which may carry identities */
    char retry_after[16];
    int status;
    size_t bytes_out;
    bool answered;
} conn_state;

typedef struct {
    uint32_t name, value; /* offsets into conn.hbuf, each NUL-terminated */
} header_at;

typedef struct conn {
    loop *l;
    int fd;
    struct in6_addr peer;
    enum phase phase;
    http_parser parser;
    char *in; /* bytes read and not yet parsed (only while the parser waits at a request's end) */
    size_t in_len;
    /* the request head as it arrives */
    yt_buf url, hbuf;
    header_at headers[MAX_HEADERS];
    int nheaders;
    bool in_value, head_done, message_done, bad_head;
    int head_status; /* a head the server refuses as it arrives: 400 or 431 */
    size_t head_bytes;
    conn_state st;
    bool in_request; /* st holds a request begun and not yet finished */
    /* the answer being written */
    yt_buf out;
    size_t out_off;
    bool close_after_write;
    bool can_read, can_write; /* edge-triggered: the socket may have more to read / room to write */
    bool peer_shut; /* the peer closed its side (or the socket failed): read on to the end or the error */
    bool closed;
    int64_t head_by;   /* the request head must be complete by then (INT64_MAX once it is) */
    int64_t active_at; /* when bytes last moved; idle for the timeout, the connection is closed */
    int64_t linger_until;
    size_t lingered;
    struct conn *prev, *next, *next_ready, *next_job;
} conn;

static _Atomic uint64_t request_counter;

/* Bodies that cannot be held in a small buffer are let in a few at a time, from the head on (so they are
 * neither spooled nor buffered while waiting) until their answer is queued: CSV uploads, whose import
 * keeps the job thread for its whole run, one at a time; JSON bodies over 1 MiB (event batches), whose
 * buffer and parse take up to some 13 times their size, two at a time. Others are refused at once with
 * Retry-After. */
typedef struct body_gate {
    _Atomic int in;
    int max;
    int status;
    const char *retry_after, *detail;
} body_gate;
static body_gate upload_gate = {0, 1, 429, "10", "another import is running on this server; try again when it has finished"};
static body_gate large_gate = {0, 2, 503, "1", "too many large bodies at once; try again"};

static bool gate_enter(conn_state *st, body_gate *g) {
    if (st->gate == g) return true;
    if (atomic_fetch_add(&g->in, 1) >= g->max) {
        atomic_fetch_sub(&g->in, 1);
        st->early_status = g->status;
        st->early_field = NULL;
        st->early_detail = g->detail;
        text_copy(st->retry_after, sizeof st->retry_after, g->retry_after);
        return false;
    }
    st->gate = g;
    return true;
}

static void gate_leave(conn_state *st) {
    if (st->gate) atomic_fetch_sub(&st->gate->in, 1);
    st->gate = NULL;
}

bool http_parse_listen(const char *s, http_config *cfg) {
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s) return false;
    size_t hl = (size_t)(colon - s);
    const char *h = s;
    if (*h == '[' && hl >= 2 && h[hl - 1] == ']') {
        h++;
        hl -= 2;
    }
    if (hl >= sizeof cfg->host) return false;
    memcpy(cfg->host, h, hl);
    cfg->host[hl] = '\0';
    char *end;
    long port = strtol(colon + 1, &end, 10);
    if (*end || port < 0 || port > 65535 || end == colon + 1) return false;
    cfg->port = (int)port;
    return true;
}

/* Addresses are kept as IPv6, IPv4 ones v4-mapped, so one comparison serves both. */
static void v4_mapped(const struct in_addr *a4, struct in6_addr *out) {
    memset(out, 0, sizeof *out);
    out->s6_addr[10] = out->s6_addr[11] = 0xff;
    memcpy(&out->s6_addr[12], a4, 4);
}

static bool parse_addr(const char *s, struct in6_addr *out) {
    struct in_addr a4;
    if (inet_pton(AF_INET6, s, out) == 1) return true;
    if (inet_pton(AF_INET, s, &a4) != 1) return false;
    v4_mapped(&a4, out);
    return true;
}

static bool trusted_proxy(const http_daemon *d, const struct in6_addr *a) {
    for (int i = 0; i < d->ntrusted; i++)
        if (memcmp(&d->trusted[i], a, sizeof *a) == 0) return true;
    return false;
}

static bool loopback(const struct in6_addr *a) {
    return IN6_IS_ADDR_LOOPBACK(a) || (IN6_IS_ADDR_V4MAPPED(a) && a->s6_addr[12] == 127);
}

static void addr_text(const struct in6_addr *a, char *out, size_t outsz) {
    if (IN6_IS_ADDR_V4MAPPED(a)) inet_ntop(AF_INET, &a->s6_addr[12], out, (socklen_t)outsz);
    else inet_ntop(AF_INET6, a, out, (socklen_t)outsz);
}

/* A request header by name (any case): the first of that name, or NULL. */
static const char *header_of(const conn *c, const char *name) {
    for (int i = 0; i < c->nheaders; i++)
        if (strcasecmp(c->hbuf.p + c->headers[i].name, name) == 0) return c->hbuf.p + c->headers[i].value;
    return NULL;
}

/* The client's address: the peer's, or, when the peer is a configured trusted proxy, the right-most
 * address in X-Forwarded-For that is not itself a trusted proxy (anything left of it is the client's
 * own say). *direct_loopback: the peer is this machine and no proxy stands between. */
static void client_address(const http_daemon *d, const conn *c, char *out, size_t outsz, bool *direct_loopback) {
    const char *xff = header_of(c, "X-Forwarded-For");
    struct in6_addr client = c->peer;
    if (xff && trusted_proxy(d, &c->peer)) {
        size_t n = strlen(xff);
        while (n > 0) { /* right to left */
            size_t end = n;
            while (n > 0 && xff[n - 1] != ',') n--;
            size_t start = n;
            while (start < end && xff[start] == ' ') start++;
            while (end > start && xff[end - 1] == ' ') end--;
            char one[64];
            struct in6_addr a;
            if (end - start >= sizeof one) break;
            memcpy(one, xff + start, end - start);
            one[end - start] = '\0';
            if (!parse_addr(one, &a)) break;
            client = a;
            if (!trusted_proxy(d, &a)) break;
            if (n > 0) n--; /* the comma */
        }
    }
    addr_text(&client, out, outsz);
    *direct_loopback = !xff && loopback(&c->peer);
}

static int hex_digit(char ch) {
    if (ch >= '0' && ch <= '9') return ch - '0';
    if (ch >= 'a' && ch <= 'f') return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F') return ch - 'A' + 10;
    return -1;
}

/* Percent-decodes s[0..n) into the arena (a malformed escape is kept as written); '+' becomes a space
 * when plus_space (query strings). NULL when it decodes to a NUL byte (%00), which would silently cut the
 * value short. Paths are matched to routes before they are decoded, so "会员%2F金卡" stays one segment. */
static char *decoded(yt_arena *a, const char *s, size_t n, bool plus_space) {
    char *out = arena_alloc(a, n + 1);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        int hi = i + 2 < n && s[i] == '%' ? hex_digit(s[i + 1]) : -1, lo = hi >= 0 ? hex_digit(s[i + 2]) : -1;
        if (lo >= 0) {
            out[k++] = (char)(hi * 16 + lo);
            i += 2;
        } else {
            out[k++] = plus_space && s[i] == '+' ? ' ' : s[i];
        }
    }
    out[k] = '\0';
    return memchr(out, '\0', k) ? NULL : out;
}

/* The query string's parameters, split on '&' and '=', into the request. */
static void collect_query(yt_req *r, const char *q, size_t n) {
    size_t i = 0;
    while (i < n) {
        size_t end = i;
        while (end < n && q[end] != '&') end++;
        if (end > i) {
            if (r->nquery >= API_MAX_QUERY) {
                r->bad_input = "too many query parameters";
                return;
            }
            const char *eq = memchr(q + i, '=', end - i);
            size_t kl = eq ? (size_t)(eq - (q + i)) : end - i;
            const char *k = decoded(&r->arena, q + i, kl, true);
            const char *v = eq ? decoded(&r->arena, eq + 1, (size_t)(q + end - eq - 1), true) : "";
            if (!k || !v) {
                r->bad_input = "a query parameter holds %00";
                return;
            }
            if (!utf8_valid(k, strlen(k)) || !utf8_valid(v, strlen(v))) {
                r->bad_input = "a query parameter is not valid UTF-8";
                return;
            }
            r->query[r->nquery].key = k;
            r->query[r->nquery].value = v;
            r->nquery++;
        }
        i = end + 1;
    }
}

static const struct {
    const char *ext, *type;
} mime_types[] = {
    {".html", "text/html; charset=utf-8"}, {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},   {".svg", "image/svg+xml"},
    {".png", "image/png"},                 {".ico", "image/x-icon"},
    {".json", "application/json"},         {".woff2", "font/woff2"},
    {".woff", "font/woff"},                {".ttf", "font/ttf"},
    {".map", "application/json"},          {".txt", "text/plain; charset=utf-8"},
};

static const char *mime_of(const char *path) {
    const char *dot = strrchr(path, '.');
    if (dot)
        for (size_t i = 0; i < sizeof mime_types / sizeof mime_types[0]; i++)
            if (strcmp(dot, mime_types[i].ext) == 0) return mime_types[i].type;
    return "application/octet-stream";
}

/* Reads a console file into out (the console routes inside the page, with #/ paths).
 * Refuses any path that leaves the console directory. */
static bool read_static(const char *dir, const char *url, yt_buf *out, const char **type) {
    /* no way out of the directory, and no hidden files (".env", ".git/...") */
    if (!dir || !url || strstr(url, "/.") || strchr(url, '\\')) return false;
    char path[PATH_MAX], real[PATH_MAX], realdir[PATH_MAX];
    if (!realpath(dir, realdir)) return false;
    const char *rel = strcmp(url, "/") == 0 ? "/index.html" : url;
    snprintf(path, sizeof path, "%s%s", realdir, rel);
    struct stat st;
    if (!realpath(path, real) || stat(real, &st) != 0 || !S_ISREG(st.st_mode)) return false;
    size_t dl = strlen(realdir);
    if (strncmp(real, realdir, dl) != 0 || real[dl] != '/') return false;
    FILE *f = fopen(real, "rb");
    if (!f) return false;
    buf_reserve(out, (size_t)st.st_size);
    size_t n = fread(out->p, 1, (size_t)st.st_size, f);
    fclose(f);
    out->len = n;
    out->p[n] = '\0';
    *type = mime_of(real);
    return true;
}

static const struct {
    int status;
    const char *reason;
} reasons[] = {
    {100, "Continue"},         {200, "OK"},
    {201, "Created"},          {202, "Accepted"},
    {204, "No Content"},       {304, "Not Modified"},
    {400, "Bad Request"},      {401, "Unauthorized"},
    {403, "Forbidden"},        {404, "Not Found"},
    {405, "Method Not Allowed"}, {409, "Conflict"},
    {410, "Gone"},             {412, "Precondition Failed"},
    {413, "Content Too Large"}, {415, "Unsupported Media Type"},
    {422, "Unprocessable Content"}, {428, "Precondition Required"},
    {429, "Too Many Requests"}, {431, "Request Header Fields Too Large"},
    {500, "Internal Server Error"}, {501, "Not Implemented"},
    {502, "Bad Gateway"},      {503, "Service Unavailable"},
    {504, "Gateway Timeout"},
};

static const char *reason_of(int status) {
    for (size_t i = 0; i < sizeof reasons / sizeof reasons[0]; i++)
        if (reasons[i].status == status) return reasons[i].reason;
    return "Unknown";
}

static const char *date_header(loop *l) {
    time_t now = time(NULL);
    if (now != l->date_at) {
        struct tm tm;
        gmtime_r(&now, &tm);
        strftime(l->date, sizeof l->date, "%a, %d %b %Y %H:%M:%S GMT", &tm);
        l->date_at = now;
    }
    return l->date;
}

static void conn_run(conn *c);
static void conn_close(conn *c);

static void put(yt_buf *o, const char *s) {
    buf_append(o, s, strlen(s));
}

/* A header line: the previous line's end, then "name: value". */
static void put_header(yt_buf *o, const char *name, const char *value) {
    put(o, "\r\n");
    put(o, name);
    put(o, ": ");
    put(o, value);
}

/* Queues an answer on the connection (its head, and its body unless the request is a HEAD); conn_run
 * writes it. body is emptied. */
static void respond(conn *c, int status, yt_buf *body, const char *type, const char *retry_after,
                    const char *disposition, bool cacheable) {
    conn_state *st = &c->st;
    bool keep = !st->close_after && !c->bad_head && http_should_keep_alive(&c->parser) &&
                !atomic_load(&c->l->d->stopping);
    yt_buf *o = &c->out;
    char num[24];
    put(o, "HTTP/1.1 ");
    put(o, fmt_uint(num, (unsigned)status));
    put(o, " ");
    put(o, reason_of(status));
    put(o, "\r\nDate: ");
    put(o, date_header(c->l));
    if (type && status != 204) put_header(o, "Content-Type", type);
    put_header(o, "X-Request-Id", st->request_id);
    put(o, "\r\nX-Content-Type-Options: nosniff\r\nCache-Control: ");
    put(o, cacheable ? "public, max-age=3600" : "no-store");
    if (retry_after && *retry_after) put_header(o, "Retry-After", retry_after);
    if (disposition && *disposition) put_header(o, "Content-Disposition", disposition);
    if (status != 204 && status != 304) put_header(o, "Content-Length", fmt_uint(num, body->len));
    if (!keep) put(o, "\r\nConnection: close");
    else if (c->parser.http_major == 1 && c->parser.http_minor == 0) put(o, "\r\nConnection: keep-alive");
    put(o, "\r\n");
    buf_append(o, "\r\n", 2);
    if (!st->head && status != 204 && status != 304) buf_append(o, body->p ? body->p : "", body->len);
    /* the request's place in a body gate is given back before the answer leaves, so a client that sends
     * its next upload as soon as it reads this answer finds the place free */
    gate_leave(st);
    /* counted before the answer leaves, so a client that reads /metrics right after sees its request */
    metrics_observe_request(st->route_index, status, mono_ns() - st->t0);
    st->status = status;
    st->bytes_out = body->len;
    st->answered = true;
    buf_recycle(body, BUF_KEEP);
    c->close_after_write = !keep;
    c->phase = PH_WRITE;
    c->active_at = c->l->now;
}

static void early_answer(conn *c) {
    conn_state *st = &c->st;
    yt_req r = {0};
    text_copy(r.request_id, sizeof r.request_id, st->request_id);
    api_problem(&r, st->early_status, st->early_field, st->early_detail);
    text_copy(r.retry_after, sizeof r.retry_after, st->retry_after);
    respond(c, r.status, &r.out, r.out_type, r.retry_after, NULL, false);
    buf_free(&r.out);
}

/* Answers with the request's own output (a refusal from api_admit, or the handler's answer). */
static void req_answer(conn *c) {
    yt_req *r = &c->st.req;
    respond(c, r->status, &r->out, r->out_type, r->retry_after, r->content_disposition, false);
}

/* A refused request whose body is small is read to its end and thrown away, so the answer goes back on
 * a connection that stays open; a larger (or chunked) one is answered at once and the connection closed
 * rather than read, and so is any whose client waits for "100 Continue" before it sends. */
#define DISCARD_MAX (4u << 20)

static bool answer_before_body(const conn *c, unsigned long long len) {
    bool chunked = (c->parser.flags & F_CHUNKED) != 0;
    const char *expect = header_of(c, "Expect");
    if (!chunked && len == 0) return false; /* no body: answered when the request ends, the connection kept */
    return chunked || len > DISCARD_MAX || (expect && strcasecmp(expect, "100-continue") == 0);
}

static void set_early(conn_state *st, int status, const char *field, const char *detail) {
    st->early_status = status;
    st->early_field = field;
    st->early_detail = detail;
}

/* The handler, on whichever thread runs it (the request's own connection to the store is per thread). */
static void run_request(yt_req *r) {
    api_dispatch(r);
    if (!r->status && !r->deferred) {
        log_error("route %s produced no response", r->route->name);
        api_problem(r, 500, NULL, "the handler produced no response");
    }
}

/* Any other request header, for handlers (api_header). */
static const char *request_header(yt_req *r, const char *name) {
    conn *c = r->resume_ctx;
    return c ? header_of(c, name) : NULL;
}

/* Hands a connection whose answer is ready (a deferred answer, an upload's job) back to its loop. */
static void loop_post_ready(conn *c) {
    loop *l = c->l;
    pthread_mutex_lock(&l->mu);
    c->next_ready = l->ready;
    l->ready = c;
    bool wake = !l->woken;
    l->woken = true;
    pthread_mutex_unlock(&l->mu);
    if (wake) {
        uint64_t one = 1;
        if (write(l->evfd, &one, sizeof one) < 0) log_error("cannot wake an event loop: %s", strerror(errno));
    }
}

/* The answer to a request whose commits a failed sync of the store did not make durable. */
static void not_durable(yt_req *r) {
    if (r->store && store_log_lost(r->store))
        api_problem(r, 503, NULL, "the store's disk failed to sync its log: changes since may be lost, and none can be made durable"
                                  " until the server restarts");
    else
        api_problem(r, 503, NULL, "the change could not be made durable, so it may be lost; check and try again");
}

/* A request's answer waited for the store to make its commits durable (see answer_when_durable). */
static void durable_then_post(void *arg, bool durable) {
    conn *c = arg;
    if (!durable) not_durable(&c->st.req);
    loop_post_ready(c);
}

/* No answer shows a commit that is not durable yet: when the store has commits its next sync has still to
 * make durable (SQLite's writer commits in groups, see store_pending), the answer waits for that sync while
 * the loop serves other connections; otherwise it goes at once. */
static void answer_when_durable(conn *c) {
    yt_store *s = c->st.req.store;
    store_point p = s && !(c->st.route && (c->st.route->flags & ROUTE_NO_DATA)) ? store_pending(s) : 0;
    if (!p) {
        req_answer(c);
        return;
    }
    metrics_count_held_answer();
    store_when_durable(s, p, durable_then_post, c); /* the connection stays with the handler until then */
}

/* A deferred answer is written (api_resume): its connection's loop sends it. */
static void resume_deferred(yt_req *r) {
    loop_post_ready(r->resume_ctx);
}

/* A request begins to count: its clock, its id, its place in the daemon's in-flight count (until
 * request_finished). */
static void request_start(conn *c) {
    conn_state *st = &c->st;
    st->t0 = mono_ns();
    st->counted = true;
    atomic_fetch_add(&c->l->d->inflight, 1);
    /* 8 hex digits of the second, 8 of the process's count */
    static const char hex[] = "0123456789abcdef";
    uint64_t id = (uint64_t)(time(NULL) & 0xffffffff) << 32 | (atomic_fetch_add(&request_counter, 1) & 0xffffffff);
    _Static_assert(sizeof st->request_id > 16, "request ids are 16 hex digits");
    for (int i = 15; i >= 0; i--, id >>= 4) st->request_id[i] = hex[id & 15];
    st->request_id[16] = '\0';
}

/* The head is complete: everything that can be said before the body is read is said here: rate limit,
 * route, body size, token, permission, content type. A refusal of a request whose body is still to come
 * is answered at once and the connection closed, so nobody can make the server read or spool a body it
 * would refuse (an Expect: 100-continue client gets the refusal instead of "100 Continue"). */
static void head_complete(conn *c) {
    http_daemon *d = c->l->d;
    conn_state *st = &c->st;
    c->head_by = INT64_MAX;
    c->active_at = c->l->now;
    request_start(c);
    bool direct_loopback;
    client_address(d, c, st->ip, sizeof st->ip, &direct_loopback);
    const char *method = http_method_str((enum http_method)c->parser.method);
    text_copy(st->method, sizeof st->method, method);
    /* the path: the request target without its query string (or fragment) */
    char *url = c->url.p ? c->url.p : (char *)"";
    size_t qpos = strcspn(url, "?#");
    char *query = url[qpos] == '?' ? url + qpos + 1 : NULL;
    size_t qlen = query ? strcspn(query, "#") : 0;
    if (query) query[qlen] = '\0';
    url[qpos] = '\0';
    text_copy(st->path, sizeof st->path, url);
    st->route_index = ROUTE_NONE;
    st->head = c->parser.method == HTTP_HEAD; /* a GET without the body */
    const char *as = st->head ? "GET" : method;
    int retry;
    bool chunked = (c->parser.flags & F_CHUNKED) != 0;
    unsigned long long len = chunked || c->parser.content_length == ULLONG_MAX ? 0 : c->parser.content_length;
    if (!ratelimit_take(d->srv->per_ip, st->ip, &retry)) {
        set_early(st, 429, NULL, "too many requests from this address; slow down");
        snprintf(st->retry_after, sizeof st->retry_after, "%d", retry);
    } else {
        bool mismatch;
        st->route = api_match(as, url, st->params, &st->nparams, &mismatch);
        if (st->route && st->head && (st->route->flags & ROUTE_WRITER)) { /* a GET that writes: not for a HEAD */
            st->route = NULL;
            mismatch = true;
        }
        if (st->route) {
            st->route_index = (int)(st->route - api_route_table());
            st->limit = st->route->body_limit ? st->route->body_limit : API_BODY_LIMIT;
        } else if (mismatch) {
            set_early(st, 405, NULL, "this path does not take that method");
        } else if (strcmp(as, "GET") == 0 && strncmp(url, "/api/", 5) != 0 && d->srv->console_dir) {
            st->route_index = ROUTE_STATIC;
        } else {
            set_early(st, 404, NULL, "no such route");
        }
        if (!st->early_status && st->limit && len > st->limit)
            set_early(st, 413, "body", "the body is larger than this route accepts");
    }
    yt_req *r = &st->req;
    r->resume_ctx = c;
    if (query) collect_query(r, query, qlen);
    if (st->route && !st->early_status) {
        r->method = as;
        r->path = url;
        r->route = st->route;
        r->store = d->srv->store;
        r->server = d->srv;
        r->content_type = header_of(c, "Content-Type");
        r->authorization = header_of(c, "Authorization");
        r->idempotency_key = header_of(c, "Idempotency-Key");
        r->signature = header_of(c, "X-Sandbox-Signature");
        r->header = request_header;
        r->direct_loopback = direct_loopback;
        text_copy(r->client_ip, sizeof r->client_ip, st->ip);
        text_copy(r->request_id, sizeof r->request_id, st->request_id);
        st->admitted = api_admit(r);
        if (!st->admitted && answer_before_body(c, len)) {
            st->close_after = true;
            req_answer(c);
            return;
        }
        if (st->admitted && (st->route->flags & ROUTE_UPLOAD)) gate_enter(st, &upload_gate);
        else if (st->admitted && len > API_BODY_LIMIT) gate_enter(st, &large_gate);
    }
    if (st->early_status && answer_before_body(c, len)) {
        st->close_after = true;
        early_answer(c);
        return;
    }
    const char *expect = header_of(c, "Expect");
    if (expect && strcasecmp(expect, "100-continue") == 0 && (chunked || len > 0)) {
        static const char cont[] = "HTTP/1.1 100 Continue\r\n\r\n";
        buf_append(&c->out, cont, sizeof cont - 1); /* written before the body is read */
    }
}

/* The body's bytes as they arrive: kept (a buffer, or the spool file of an upload) or dropped when the
 * request is refused anyway. */
static void body_bytes(conn *c, const char *data, size_t n) {
    conn_state *st = &c->st;
    bool refused = st->early_status || st->answered || (st->route && !st->admitted);
    if (!refused) {
        if (!st->route || st->received + n > st->limit) {
            set_early(st, st->route ? 413 : 400, "body", st->route ? "the body is larger than this route accepts" : "unexpected body");
            buf_free(&st->body);
        } else if (st->received + n > API_BODY_LIMIT && !(st->route->flags & ROUTE_UPLOAD) &&
                   !gate_enter(st, &large_gate)) { /* a chunked body that grew past 1 MiB */
            buf_free(&st->body);
        } else if (st->route->flags & ROUTE_UPLOAD) {
            if (!st->spool) st->spool = tmpfile();
            if (!st->spool || fwrite(data, 1, n, st->spool) != n) set_early(st, 503, NULL, "cannot store the upload (disk full?)");
        } else {
            buf_append(&st->body, data, n);
        }
    }
    st->received += n;
}

/* The whole request is in: the answer (a refusal, a console file, the handler's) is queued, or the handler
 * runs on another thread (an upload's job, a deferred answer) and the connection waits for it. */
static void request_complete(conn *c) {
    http_daemon *d = c->l->d;
    conn_state *st = &c->st;
    if (st->answered) return;
    if (st->early_status) {
        early_answer(c);
        return;
    }
    if (st->route && !st->admitted) {
        req_answer(c);
        return;
    }
    if (st->route_index == ROUTE_STATIC) {
        yt_buf out = YT_BUF_INIT;
        const char *type;
        yt_arena a = {0};
        bool found = read_static(d->srv->console_dir, decoded(&a, c->url.p, strlen(c->url.p), false), &out, &type);
        arena_free(&a);
        if (!found) {
            buf_free(&out);
            set_early(st, 404, NULL, "no such file");
            early_answer(c);
            return;
        }
        bool asset = strncmp(c->url.p, "/assets/", 8) == 0;
        respond(c, 200, &out, type, NULL, NULL, asset);
        buf_free(&out);
        return;
    }
    yt_req *r = &st->req;
    r->body = st->body.p ? st->body.p : "";
    r->body_len = st->body.len;
    if (st->spool) {
        fflush(st->spool);
        rewind(st->spool);
        r->body_file = st->spool;
    }
    for (int i = 0; i < st->nparams; i++) {
        size_t n = strcspn(st->params[i], "/");
        r->params[i] = decoded(&r->arena, st->params[i], n, false);
        if (!r->params[i]) {
            r->params[i] = "";
            r->bad_input = "a path segment holds %00";
        } else if (!utf8_valid(r->params[i], strlen(r->params[i]))) {
            r->bad_input = "a path segment is not valid UTF-8";
        }
        if (r->bad_input && !r->bad_field) r->bad_field = "path";
    }
    r->nparams = st->nparams;
    r->resume = resume_deferred;
    c->phase = PH_HANDLER;
    if (st->route->flags & ROUTE_UPLOAD) { /* handed to the job thread; answered when it posts us back */
        pthread_mutex_lock(&d->job_mu);
        c->next_job = NULL;
        *d->jobs_tail = c;
        d->jobs_tail = &c->next_job;
        pthread_cond_signal(&d->job_cv);
        pthread_mutex_unlock(&d->job_mu);
        return;
    }
    run_request(r);
    if (r->deferred) return; /* answered later by another thread (api_resume), which posts us back */
    r->finish = NULL;        /* only a deferred answer is finished on its way out */
    answer_when_durable(c);
}

/* Runs the job queue: each upload's handler, then hands its connection back to its loop. */
static void *job_loop(void *arg) {
    http_daemon *d = arg;
    pthread_mutex_lock(&d->job_mu);
    for (;;) {
        while (!d->jobs && !d->jobs_stop) pthread_cond_wait(&d->job_cv, &d->job_mu);
        conn *c = d->jobs;
        if (!c) break; /* stopping, and nothing left to run */
        d->jobs = c->next_job;
        if (!d->jobs) d->jobs_tail = &d->jobs;
        pthread_mutex_unlock(&d->job_mu);
        yt_req *r = &c->st.req;
        run_request(r);
        store_point p = r->store ? store_pending(r->store) : 0;
        if (p) metrics_count_held_answer();
        if (p && store_await(r->store, p) != 0) not_durable(r);
        loop_post_ready(c);
        pthread_mutex_lock(&d->job_mu);
    }
    pthread_mutex_unlock(&d->job_mu);
    return NULL;
}

/* The request is over (answered and written, or its connection lost): the access log, and its state freed. */
static void request_finished(conn *c, bool aborted) {
    conn_state *st = &c->st;
    http_daemon *d = c->l->d;
    if (st->counted) {
        uint64_t ns = mono_ns() - st->t0;
        /* the access log: no query string, no headers, no body: nothing secret or personal */
        yt_buf *b = &c->l->line;
        yt_jw w;
        jw_init(&w, b);
        char ts[40];
        time_fmt(now_ms(), ts, sizeof ts);
        jw_obj(&w);
        jw_kstr(&w, "ts", ts);
        jw_kstr(&w, "level", "access");
        jw_kstr(&w, "request_id", st->request_id);
        jw_kstr(&w, "route", st->route ? st->route->name : st->route_index == ROUTE_STATIC ? "static" : "none");
        jw_kstr(&w, "method", st->method);
        jw_kstr(&w, "path", st->path);
        jw_kint(&w, "status", st->status);
        char ms[32], whole[24];
        uint64_t us = (ns + 500) / 1000;
        const char *w0 = fmt_uint(whole, us / 1000);
        size_t wl = strlen(w0);
        memcpy(ms, w0, wl);
        ms[wl] = '.';
        ms[wl + 1] = (char)('0' + us % 1000 / 100);
        ms[wl + 2] = (char)('0' + us % 100 / 10);
        ms[wl + 3] = (char)('0' + us % 10);
        ms[wl + 4] = '\0';
        jw_kraw(&w, "ms", ms);
        jw_kint(&w, "bytes_in", (int64_t)st->received);
        jw_kint(&w, "bytes_out", (int64_t)st->bytes_out);
        if (aborted || !st->answered) jw_kbool(&w, "aborted", true);
        jw_obj_end(&w);
        log_access_line(b->p, b->len);
        buf_reset(b);
        atomic_fetch_sub(&d->inflight, 1);
    }
    /* the connection's next request reuses the body and answer buffers and the arena's first block */
    yt_buf body = st->body, out = st->req.out;
    yt_arena arena = st->req.arena;
    buf_recycle(&body, BUF_KEEP);
    buf_recycle(&out, BUF_KEEP);
    arena_reset(&arena);
    gate_leave(st);
    if (st->spool) fclose(st->spool);
    memset(st, 0, sizeof *st);
    st->body = body, st->req.out = out, st->req.arena = arena;
    c->in_request = c->message_done = c->head_done = false; /* bytes after it (a stray CRLF) start nothing */
}

/* libhttp-parser's callbacks: the head's parts are gathered into the connection (a part may come in
 * several pieces), the body handed on, and the parser paused at the end of each request (and at a head
 * the server refuses) so that a pipelined next request waits for this one's answer. */
static bool head_too_big(conn *c, size_t more) {
    c->head_bytes += more;
    if (c->head_bytes <= c->l->d->header_limit) return false;
    c->head_status = 431;
    http_parser_pause(&c->parser, 1);
    return true;
}

static int on_message_begin(http_parser *p) {
    conn *c = p->data;
    c->url.len = c->hbuf.len = 0;
    c->nheaders = 0;
    c->in_value = c->head_done = c->message_done = false;
    c->head_bytes = 0;
    c->head_status = 0;
    c->in_request = true;
    return 0;
}

static int on_url(http_parser *p, const char *at, size_t n) {
    conn *c = p->data;
    if (!head_too_big(c, n)) buf_append(&c->url, at, n);
    return 0;
}

static int on_header_field(http_parser *p, const char *at, size_t n) {
    conn *c = p->data;
    if (c->head_done || head_too_big(c, n + 4)) return 0; /* trailers after a chunked body are not kept */
    if (c->in_value || c->nheaders == 0) {
        if (c->nheaders == MAX_HEADERS) {
            c->head_status = 431;
            http_parser_pause(p, 1);
            return 0;
        }
        if (c->nheaders) buf_append(&c->hbuf, "", 1); /* ends the previous value */
        c->headers[c->nheaders++] = (header_at){(uint32_t)c->hbuf.len, 0};
        c->in_value = false;
    }
    buf_append(&c->hbuf, at, n);
    return 0;
}

static int on_header_value(http_parser *p, const char *at, size_t n) {
    conn *c = p->data;
    if (c->head_done || head_too_big(c, n)) return 0;
    if (!c->in_value) {
        buf_append(&c->hbuf, "", 1); /* ends the name */
        c->headers[c->nheaders - 1].value = (uint32_t)c->hbuf.len;
        c->in_value = true;
    }
    buf_append(&c->hbuf, at, n);
    return 0;
}

static int on_headers_complete(http_parser *p) {
    conn *c = p->data;
    if (c->nheaders) {
        if (!c->in_value) { /* a name without a value */
            buf_append(&c->hbuf, "", 1);
            c->headers[c->nheaders - 1].value = (uint32_t)c->hbuf.len;
        }
        while (c->hbuf.len && (c->hbuf.p[c->hbuf.len - 1] == ' ' || c->hbuf.p[c->hbuf.len - 1] == '\t')) c->hbuf.len--;
        buf_append(&c->hbuf, "", 1);
        for (int i = 0; i + 1 < c->nheaders; i++) { /* trailing blanks of the other values */
            char *v = c->hbuf.p + c->headers[i].value;
            size_t vl = strlen(v);
            while (vl && (v[vl - 1] == ' ' || v[vl - 1] == '\t')) v[--vl] = '\0';
        }
    }
    buf_append(&c->url, "", 1);
    c->url.len--;
    c->head_done = true;
    head_complete(c);
    if (c->st.answered) http_parser_pause(p, 1); /* refused before its body: nothing more is read */
    return 0;
}

static int on_body(http_parser *p, const char *at, size_t n) {
    body_bytes(p->data, at, n);
    return 0;
}

static int on_message_complete(http_parser *p) {
    conn *c = p->data;
    c->message_done = true;
    http_parser_pause(p, 1);
    return 0;
}

static const http_parser_settings parser_settings = {
    .on_message_begin = on_message_begin,
    .on_url = on_url,
    .on_header_field = on_header_field,
    .on_header_value = on_header_value,
    .on_headers_complete = on_headers_complete,
    .on_body = on_body,
    .on_message_complete = on_message_complete,
};

/* A request the parser cannot read (or a head too large): refused, and the connection closed after. */
static void bad_request(conn *c, int status, const char *field, const char *detail) {
    conn_state *st = &c->st;
    if (!st->counted) { /* the head never completed: this request is counted and logged now */
        request_start(c);
        st->route_index = ROUTE_NONE;
        text_copy(st->method, sizeof st->method, "-");
        c->in_request = true;
    }
    c->bad_head = true;
    st->close_after = true;
    set_early(st, status, field, detail);
    early_answer(c);
}

/* Parses what has been read. */
static void parse_input(conn *c) {
    if (!c->in_len) return; /* libhttp-parser takes no bytes as the end of the stream */
    if (HTTP_PARSER_ERRNO(&c->parser) == HPE_PAUSED) http_parser_pause(&c->parser, 0);
    size_t n = http_parser_execute(&c->parser, &parser_settings, c->in, c->in_len);
    enum http_errno e = HTTP_PARSER_ERRNO(&c->parser);
    if (n < c->in_len) memmove(c->in, c->in + n, c->in_len - n);
    c->in_len -= n;
    if (c->st.answered) return; /* refused before its body */
    if (c->head_status == 431) {
        c->in_len = 0;
        bad_request(c, 431, "headers", "the request head is larger than this server accepts");
    } else if (e != HPE_OK && e != HPE_PAUSED) {
        c->in_len = 0;
        bool lengths = e == HPE_UNEXPECTED_CONTENT_LENGTH;
        bad_request(c, 400, lengths ? "Content-Length" : NULL,
                    lengths ? "two Content-Length headers, or Content-Length with Transfer-Encoding"
                            : http_errno_description(e));
    } else if (c->message_done) {
        request_complete(c);
    }
}

/* What a send of the queued answer came to (n bytes, or minus the errno): true when the answer has gone
 * whole; false when the socket takes no more for now, or the connection is lost (and freed). */
static bool sent(conn *c, ssize_t n) {
    if (n > 0) {
        c->out_off += (size_t)n;
        c->active_at = c->l->now;
        if (c->out_off < c->out.len) return true; /* part of it: the caller sends the rest */
        c->out.len = c->out_off = 0;
        return true;
    }
    if (n == -EAGAIN || n == -EWOULDBLOCK) {
        c->can_write = false;
        return false;
    }
    conn_close(c);
    return false;
}

/* Writes what is queued; false when the socket takes no more for now (or the connection is lost), and when
 * the send went into the loop's batch (the batch's run goes on with the connection). */
static bool flush_out(conn *c) {
    loop *l = c->l;
    if (l->batching && iob_send(l->iob, c->fd, c->out.p + c->out_off, c->out.len - c->out_off, c)) return false;
    while (c->out_off < c->out.len) {
        ssize_t n = send(c->fd, c->out.p + c->out_off, c->out.len - c->out_off, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (!sent(c, n < 0 ? -errno : n)) return false;
    }
    return true;
}

/* What a read into the connection's buffer came to (n bytes, or minus the errno; room: what it asked for):
 * true to go on, false when there is nothing more to do for now (or the connection closed and is freed). */
static bool took_read(conn *c, ssize_t n, size_t room) {
    if (n == -EINTR) return true;
    if (n == -EAGAIN || n == -EWOULDBLOCK) {
        c->can_read = false;
        return false;
    }
    if (n <= 0) { /* the client is gone (or closed its side): nothing more will come */
        conn_close(c);
        return false;
    }
    if (c->phase == PH_LINGER) {
        c->lingered += (size_t)n;
        if (c->lingered > LINGER_BYTES) {
            conn_close(c);
            return false;
        }
        return true;
    }
    /* a short read emptied the socket: bytes that come later raise a new edge, so the next read waits
     * for it rather than asking again and being told EAGAIN (one system call less a request) */
    if ((size_t)n < room && !c->peer_shut) c->can_read = false;
    c->in_len += (size_t)n;
    c->active_at = c->l->now;
    parse_input(c);
    return true;
}

/* Whether conn_run's next step is a read, with nothing to do first: such a read can be made ahead, in the
 * loop's batch, and its outcome handed to took_read. */
static bool wants_read(const conn *c) {
    return !c->closed && (c->phase == PH_READ || c->phase == PH_LINGER) && c->out.len == c->out_off && c->can_read &&
           c->in_len < READ_CHUNK;
}

/* Moves a connection on as far as it can go without waiting: reads and parses requests, runs them,
 * writes answers, until the socket has nothing more to read or no room to write, or a handler elsewhere
 * holds the request. Returns with the connection freed when it closed. */
static void conn_run(conn *c) {
    for (;;) {
        if (c->out.len > c->out_off) { /* "100 Continue" ahead of the body, or an answer */
            if (!c->can_write || !flush_out(c)) return;
        }
        switch (c->phase) {
        case PH_HANDLER:
            return; /* the handler's thread posts the connection back */
        case PH_WRITE:
            request_finished(c, false);
            if (c->close_after_write) {
                shutdown(c->fd, SHUT_WR);
                c->phase = PH_LINGER;
                c->linger_until = c->l->now + LINGER_MS;
                c->in_len = 0;
                continue;
            }
            c->phase = PH_READ;
            c->head_by = c->l->now + c->l->d->idle_timeout_ms + c->l->d->head_timeout_ms;
            c->active_at = c->l->now;
            if (c->in_len) {
                parse_input(c);
                continue;
            }
            break;
        case PH_LINGER:
            break;
        case PH_READ:
            break;
        }
        if (!c->can_read || c->in_len == READ_CHUNK) return;
        size_t room = READ_CHUNK - c->in_len;
        ssize_t n = recv(c->fd, c->in + c->in_len, room, 0);
        if (!took_read(c, n < 0 ? -errno : n, room)) return;
    }
}

static void ip_adjust(http_daemon *d, const struct in6_addr *a, int delta, bool *over) {
    ip_count **at = &d->per_ip[hash_fnv1a32_n(a->s6_addr, sizeof a->s6_addr) % IP_BUCKETS];
    pthread_mutex_lock(&d->ip_mu);
    while (*at && memcmp(&(*at)->addr, a, sizeof *a) != 0) at = &(*at)->next;
    if (delta > 0) {
        if (!*at) {
            *at = yt_calloc(1, sizeof **at);
            (*at)->addr = *a;
        }
        if (over && (*at)->n >= MAX_PER_IP) *over = true;
        else (*at)->n++;
    } else if (*at && --(*at)->n <= 0) {
        ip_count *gone = *at;
        *at = gone->next;
        free(gone);
    }
    pthread_mutex_unlock(&d->ip_mu);
}

static void conn_close(conn *c) {
    loop *l = c->l;
    if (c->in_request) request_finished(c, true);
    buf_free(&c->st.body);
    buf_free(&c->st.req.out);
    arena_free(&c->st.req.arena);
    epoll_ctl(l->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    ip_adjust(l->d, &c->peer, -1, NULL);
    atomic_fetch_sub(&l->d->nconns, 1);
    atomic_fetch_sub(&l->nconns, 1);
    if (c->prev) c->prev->next = c->next;
    else l->conns = c->next;
    if (c->next) c->next->prev = c->prev;
    buf_free(&c->url);
    buf_free(&c->hbuf);
    buf_free(&c->out);
    free(c->in);
    c->in = NULL;
    c->fd = -1;
    c->closed = true;
    c->next = l->closed;
    l->closed = c;
}

static void free_closed(loop *l) {
    while (l->closed) {
        conn *next = l->closed->next;
        free(l->closed);
        l->closed = next;
    }
}

static void conn_open(loop *l, int fd, const struct in6_addr *peer) {
    conn *c = yt_calloc(1, sizeof *c);
    c->l = l;
    c->fd = fd;
    c->peer = *peer;
    c->in = yt_malloc(READ_CHUNK);
    c->can_write = true;
    c->phase = PH_READ;
    c->head_by = l->now + l->d->head_timeout_ms;
    c->active_at = l->now;
    http_parser_init(&c->parser, HTTP_REQUEST);
    c->parser.data = c;
    c->next = l->conns;
    if (l->conns) l->conns->prev = c;
    l->conns = c;
    atomic_fetch_add(&l->nconns, 1);
    struct epoll_event ev = {.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET, .data.ptr = c};
    if (epoll_ctl(l->epfd, EPOLL_CTL_ADD, fd, &ev) != 0) {
        log_error("cannot watch a connection: %s", strerror(errno));
        conn_close(c);
    }
}

/* Accepts what is waiting on the listening socket; each connection goes to the loop with the fewest. */
static void accept_all(loop *l) {
    http_daemon *d = l->d;
    for (int k = 0; k < 64; k++) {
        struct sockaddr_storage ss;
        socklen_t sl = sizeof ss;
        int fd = accept4(d->listen_fd, (struct sockaddr *)&ss, &sl, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK) log_error("accept: %s", strerror(errno));
            return;
        }
        struct in6_addr peer = IN6ADDR_ANY_INIT;
        if (ss.ss_family == AF_INET) v4_mapped(&((struct sockaddr_in *)&ss)->sin_addr, &peer);
        else if (ss.ss_family == AF_INET6) peer = ((struct sockaddr_in6 *)&ss)->sin6_addr;
        bool over = atomic_load(&d->quiescing);
        if (!over && atomic_fetch_add(&d->nconns, 1) >= MAX_CONNECTIONS) {
            atomic_fetch_sub(&d->nconns, 1);
            over = true;
        } else if (!over) {
            ip_adjust(d, &peer, 1, &over);
            if (over) atomic_fetch_sub(&d->nconns, 1);
        }
        if (over) {
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        loop *to = l;
        for (int i = 0; i < d->nloops; i++)
            if (atomic_load(&d->loops[i].nconns) < atomic_load(&to->nconns)) to = &d->loops[i];
        if (to == l) {
            conn_open(l, fd, &peer);
            continue;
        }
        atomic_fetch_add(&to->nconns, 1); /* counted now, so the next accept sees it */
        pthread_mutex_lock(&to->mu);
        if (to->nincoming == to->incap) {
            to->incap = to->incap ? to->incap * 2 : 16;
            to->incoming = yt_realloc(to->incoming, to->incap * sizeof *to->incoming);
            to->incoming_peer = yt_realloc(to->incoming_peer, to->incap * sizeof *to->incoming_peer);
        }
        to->incoming[to->nincoming] = fd;
        to->incoming_peer[to->nincoming++] = peer;
        bool wake = !to->woken;
        to->woken = true;
        pthread_mutex_unlock(&to->mu);
        uint64_t v = 1;
        if (wake && write(to->evfd, &v, sizeof v) < 0) log_error("cannot wake an event loop: %s", strerror(errno));
    }
}

/* Sends the answers gathered in the loop's batch, then moves each connection on from there (the rest of a
 * partly sent answer, the next request), with a system call each for what follows. */
static void run_sends(loop *l) {
    iob_done done[IOB_MAX];
    unsigned n = iob_run(l->iob, done);
    for (unsigned i = 0; i < n; i++) {
        conn *c = done[i].tag;
        if (sent(c, done[i].result)) conn_run(c);
    }
}

/* What other threads handed this loop: new connections, and connections whose answer is ready. */
static void take_posted(loop *l) {
    uint64_t v;
    if (read(l->evfd, &v, sizeof v) < 0 && errno != EAGAIN) log_error("event loop wake-up: %s", strerror(errno));
    pthread_mutex_lock(&l->mu);
    conn *ready = l->ready;
    l->ready = NULL;
    size_t n = l->nincoming;
    int fds[64];
    struct in6_addr peers[64];
    if (n > 64) n = 64;
    if (n) {
        memcpy(fds, l->incoming, n * sizeof *fds);
        memcpy(peers, l->incoming_peer, n * sizeof *peers);
        memmove(l->incoming, l->incoming + n, (l->nincoming - n) * sizeof *fds);
        memmove(l->incoming_peer, l->incoming_peer + n, (l->nincoming - n) * sizeof *peers);
        l->nincoming -= n;
    }
    l->woken = l->nincoming > 0;
    pthread_mutex_unlock(&l->mu);
    if (l->woken) { /* more than one batch: come back for the rest */
        uint64_t one = 1;
        if (write(l->evfd, &one, sizeof one) < 0) log_error("cannot wake an event loop: %s", strerror(errno));
    }
    for (size_t i = 0; i < n; i++) {
        atomic_fetch_sub(&l->nconns, 1); /* conn_open counts it */
        conn_open(l, fds[i], &peers[i]);
    }
    /* answers in the order they were posted (the list is newest first) */
    conn *prev = NULL;
    while (ready) {
        conn *next = ready->next_ready;
        ready->next_ready = prev;
        prev = ready;
        ready = next;
    }
    for (conn *c = prev; c;) {
        conn *next = c->next_ready;
        c->next_ready = NULL;
        if (c->st.req.finish) c->st.req.finish(&c->st.req);
        req_answer(c);
        l->batching = l->iob != NULL; /* the answer's send goes into the batch */
        conn_run(c);
        l->batching = false;
        if (l->iob && (iob_queued(l->iob) == IOB_MAX || !next)) run_sends(l);
        c = next;
    }
}

/* Closes connections past their deadline: a head not complete in time, an idle keep-alive connection, a
 * body or an answer that stopped moving, a lingering close that went on too long. */
static void sweep_deadlines(loop *l, int64_t now) {
    for (conn *c = l->conns; c;) {
        conn *next = c->next;
        bool late = c->phase == PH_LINGER ? now > c->linger_until
                    : c->phase != PH_HANDLER && (now > c->head_by || now - c->active_at > l->d->idle_timeout_ms);
        if (late) conn_close(c);
        c = next;
    }
}

static bool loop_has_handlers(loop *l) {
    for (conn *c = l->conns; c; c = c->next)
        if (c->phase == PH_HANDLER) return true;
    return false;
}

static void *loop_main(void *arg) {
    loop *l = arg;
    http_daemon *d = l->d;
    pthread_setname_np(pthread_self(), "yt-http");
    l->now = l->swept_ms = now_ms();
    /* made here: only the thread that makes the batch submits it */
    static atomic_bool told;
    if (!d->plain_io && !(l->iob = iob_new()) && !atomic_exchange(&told, true))
        log_info("io_uring is not available: the event loops read and write with a system call each");
    struct epoll_event evs[IOB_MAX];
    iob_done done[IOB_MAX];
    for (;;) {
        /* a stop waits for answers still owed by other threads: their requests point into our connections */
        if (atomic_load(&d->stopping) && !loop_has_handlers(l)) break;
        int n = epoll_wait(l->epfd, evs, IOB_MAX, SWEEP_EVERY_MS);
        l->now = now_ms();
        /* the round's reads, made together before the events are taken in turn (each connection is named
         * once in a round; none of its state changes before its turn) */
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            if (p == &d->listen_fd || p == l) continue;
            conn *c = p;
            if (c->closed) continue;
            if (evs[i].events & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) c->can_read = true;
            if (evs[i].events & (EPOLLRDHUP | EPOLLHUP | EPOLLERR)) c->peer_shut = true;
            if (evs[i].events & (EPOLLOUT | EPOLLHUP | EPOLLERR)) c->can_write = true;
            if (l->iob && wants_read(c)) iob_recv(l->iob, c->fd, c->in + c->in_len, READ_CHUNK - c->in_len, c);
        }
        unsigned nread = l->iob ? iob_run(l->iob, done) : 0;
        for (unsigned i = 0; i < nread; i++) {
            conn *c = done[i].tag;
            l->batching = true; /* an answer made at once (a refusal, a read) goes into the next batch */
            if (took_read(c, done[i].result, READ_CHUNK - c->in_len)) conn_run(c);
            l->batching = false;
            if (atomic_load_explicit(&l->woken, memory_order_relaxed)) take_posted(l); /* (runs the batch too) */
        }
        /* before the events are taken in turn, whose conn_run would send a queued answer again */
        if (l->iob && iob_queued(l->iob)) run_sends(l);
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            if (p == &d->listen_fd) {
                accept_all(l);
            } else if (p == l) {
                take_posted(l);
            } else {
                conn *c = p;
                if (c->closed) continue;
                conn_run(c); /* (after a read of the round, it finds nothing more to do) */
                /* answers posted meanwhile go out now, not after the rest of a long batch of reads */
                if (atomic_load_explicit(&l->woken, memory_order_relaxed)) take_posted(l);
            }
        }
        if (l->now - l->swept_ms >= SWEEP_EVERY_MS) {
            sweep_deadlines(l, l->now);
            l->swept_ms = l->now;
        }
        free_closed(l);
    }
    while (l->conns) conn_close(l->conns);
    free_closed(l);
    iob_free(l->iob);
    l->iob = NULL;
    return NULL;
}

static bool parse_trusted(const char *list, http_daemon *d) {
    d->ntrusted = 0;
    const char *p = list;
    while (p && *p) {
        while (*p == ' ' || *p == ',') p++;
        size_t n = strcspn(p, ", ");
        if (!n) break;
        char one[64];
        if (n >= sizeof one || d->ntrusted == MAX_TRUSTED_PROXIES) return false;
        memcpy(one, p, n);
        one[n] = '\0';
        if (!parse_addr(one, &d->trusted[d->ntrusted++])) return false;
        p += n;
    }
    return true;
}

static int listen_on(const http_config *cfg) {
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    socklen_t sl;
    int family;
    if (strchr(cfg->host, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)cfg->port);
        if (inet_pton(AF_INET6, cfg->host, &a6->sin6_addr) != 1) {
            log_error("listen address %s is not an IPv6 address", cfg->host);
            return -1;
        }
        family = AF_INET6;
        sl = sizeof *a6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)cfg->port);
        const char *h = strcmp(cfg->host, "localhost") == 0 ? "127.0.0.1" : cfg->host;
        if (inet_pton(AF_INET, h, &a4->sin_addr) != 1) {
            log_error("listen address %s is not an IPv4 address", cfg->host);
            return -1;
        }
        family = AF_INET;
        sl = sizeof *a4;
    }
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
        (family == AF_INET6 && setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one) != 0) ||
        bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 1024) != 0) {
        log_error("cannot listen on %s:%d: %s", cfg->host, cfg->port, strerror(errno));
        if (fd >= 0) close(fd);
        return -1;
    }
    return fd;
}

static void daemon_free(http_daemon *d) {
    for (int i = 0; i < d->nloops; i++) {
        loop *l = &d->loops[i];
        if (l->epfd >= 0) close(l->epfd);
        if (l->evfd >= 0) close(l->evfd);
        for (size_t k = 0; k < l->nincoming; k++) close(l->incoming[k]);
        free(l->incoming);
        free(l->incoming_peer);
        buf_free(&l->line);
        pthread_mutex_destroy(&l->mu);
    }
    free(d->loops);
    for (int i = 0; i < IP_BUCKETS; i++)
        while (d->per_ip[i]) {
            ip_count *next = d->per_ip[i]->next;
            free(d->per_ip[i]);
            d->per_ip[i] = next;
        }
    if (d->listen_fd >= 0) close(d->listen_fd);
    pthread_mutex_destroy(&d->ip_mu);
    pthread_mutex_destroy(&d->job_mu);
    pthread_cond_destroy(&d->job_cv);
    free(d);
}

http_daemon *http_start(const http_config *cfg, yt_server *srv) {
    http_daemon *d = yt_calloc(1, sizeof *d);
    d->srv = srv;
    d->listen_fd = -1;
    pthread_mutex_init(&d->ip_mu, NULL);
    pthread_mutex_init(&d->job_mu, NULL);
    pthread_cond_init(&d->job_cv, NULL);
    d->jobs_tail = &d->jobs;
    if (!parse_trusted(cfg->trusted_proxies, d)) {
        log_error("trusted proxies must be a comma-separated list of at most %d IP addresses, got '%s'",
                  MAX_TRUSTED_PROXIES, cfg->trusted_proxies);
        daemon_free(d);
        return NULL;
    }
    d->idle_timeout_ms = (cfg->timeout_s > 0 ? cfg->timeout_s : 30) * 1000;
    d->head_timeout_ms = (cfg->head_timeout_s > 0 ? cfg->head_timeout_s : 10) * 1000;
    d->header_limit = cfg->header_limit ? cfg->header_limit : 65536;
    d->plain_io = cfg->plain_io;
    const yt_route *routes = api_route_table();
    int nroutes = api_route_count();
    metrics_init(nroutes + 2);
    for (int i = 0; i < nroutes; i++) metrics_register_route(i, routes[i].method, routes[i].pattern);
    metrics_register_route(ROUTE_STATIC, "GET", "static");
    metrics_register_route(ROUTE_NONE, "ANY", "none");
    if ((d->listen_fd = listen_on(cfg)) < 0) {
        daemon_free(d);
        return NULL;
    }
    d->nloops = cfg->threads > 0 ? cfg->threads : 2;
    d->loops = yt_calloc((size_t)d->nloops, sizeof *d->loops);
    for (int i = 0; i < d->nloops; i++) {
        loop *l = &d->loops[i];
        l->d = d;
        pthread_mutex_init(&l->mu, NULL);
        l->epfd = epoll_create1(EPOLL_CLOEXEC);
        l->evfd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
        struct epoll_event lev = {.events = EPOLLIN | EPOLLEXCLUSIVE, .data.ptr = &d->listen_fd};
        struct epoll_event wev = {.events = EPOLLIN, .data.ptr = l};
        if (l->epfd < 0 || l->evfd < 0 || epoll_ctl(l->epfd, EPOLL_CTL_ADD, d->listen_fd, &lev) != 0 ||
            epoll_ctl(l->epfd, EPOLL_CTL_ADD, l->evfd, &wev) != 0) {
            log_error("cannot set up an event loop: %s", strerror(errno));
            daemon_free(d);
            return NULL;
        }
    }
    if (pthread_create(&d->job_thread, NULL, job_loop, d) != 0) {
        log_error("cannot start the upload job thread");
        daemon_free(d);
        return NULL;
    }
    for (int i = 0; i < d->nloops; i++)
        if (pthread_create(&d->loops[i].thread, NULL, loop_main, &d->loops[i]) != 0) {
            log_error("cannot start an event loop thread");
            atomic_store(&d->stopping, true);
            for (int k = 0; k < i; k++) pthread_join(d->loops[k].thread, NULL);
            pthread_mutex_lock(&d->job_mu);
            d->jobs_stop = true;
            pthread_cond_signal(&d->job_cv);
            pthread_mutex_unlock(&d->job_mu);
            pthread_join(d->job_thread, NULL);
            daemon_free(d);
            return NULL;
        }
    return d;
}

void http_stop(http_daemon *d, int grace_ms) {
    if (!d) return;
    atomic_store(&d->quiescing, true); /* stop accepting; open connections finish */
    for (int i = 0; i < d->nloops; i++) epoll_ctl(d->loops[i].epfd, EPOLL_CTL_DEL, d->listen_fd, NULL);
    shutdown(d->listen_fd, SHUT_RDWR); /* new connections are refused; the socket is closed after the loops */
    for (int waited = 0; atomic_load(&d->inflight) > 0 && waited < grace_ms; waited += 10) usleep(10000);
    /* a running upload job finishes (its import commits chunk by chunk) and hands its connection back */
    pthread_mutex_lock(&d->job_mu);
    d->jobs_stop = true;
    pthread_cond_signal(&d->job_cv);
    pthread_mutex_unlock(&d->job_mu);
    pthread_join(d->job_thread, NULL);
    atomic_store(&d->stopping, true);
    for (int i = 0; i < d->nloops; i++) {
        uint64_t one = 1;
        if (write(d->loops[i].evfd, &one, sizeof one) < 0) log_error("cannot wake an event loop: %s", strerror(errno));
    }
    for (int i = 0; i < d->nloops; i++) pthread_join(d->loops[i].thread, NULL);
    daemon_free(d);
}
