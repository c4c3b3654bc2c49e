/* The only code that knows libmicrohttpd: HTTP/1.1 with keep-alive on a thread pool, static console files. */
#include "http.h"
#include "../base/alloc.h"
#include "../base/json.h"
#include "../base/log.h"
#include "../base/metrics.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include <arpa/inet.h>
#include <errno.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

/* metrics labels past the route table: console files, and requests that matched nothing */
#define ROUTE_STATIC api_route_count()
#define ROUTE_NONE (api_route_count() + 1)

#define MAX_TRUSTED_PROXIES 16

struct http_daemon {
    struct MHD_Daemon *mhd;
    yt_server *srv;
    _Atomic int inflight;
    struct in6_addr trusted[MAX_TRUSTED_PROXIES]; /* IPv4 as v4-mapped */
    int ntrusted;
    int head_timeout_ms, idle_timeout_ms;
    pthread_mutex_t watch_mu;
    struct head_watch *watches;
    pthread_t watchdog;
    _Atomic bool stopping;
    /* Upload handlers (imports, seconds to minutes of work) run on this thread, not on the worker thread
     * that holds the connection: libmicrohttpd serves every connection a worker accepted from that one
     * thread, so a long handler there would stall them all (keep-alive clients included). The connection
     * is suspended meanwhile and resumed when the answer is ready. */
    pthread_t job_thread;
    pthread_mutex_t job_mu;
    pthread_cond_t job_cv;
    struct conn_state *jobs, **jobs_tail;
    bool jobs_stop;
};

enum { JOB_NONE, JOB_RUNNING, JOB_DONE };
enum { DEFER_SUSPENDED = 1, DEFER_DONE = 2 };

typedef struct conn_state {
    uint64_t t0;
    const yt_route *route;
    int route_index;
    int early_status;            /* answered before the handler: 400, 404, 405, 413, 429 */
    const char *early_detail;
    const char *early_field;
    yt_buf body;
    FILE *spool;                 /* upload routes: the body goes to a temporary file, not memory */
    size_t received;
    size_t limit;
    const char *params[API_MAX_PATH_PARAMS];
    int nparams;
    yt_req req;                  /* admitted on the first call (token, permission, type), run on the last */
    bool admitted;
    bool close_after;            /* answered before the body was read: close rather than read it */
    struct body_gate *gate;      /* the gate this request holds a place in until it completes, or NULL */
    _Atomic int job;             /* JOB_NONE, or an upload's handler run by the job thread (JOB_RUNNING, JOB_DONE) */
    struct MHD_Connection *conn; /* for the job thread (or a deferred answer) to resume */
    _Atomic unsigned deferral;   /* a deferred answer: DEFER_SUSPENDED and DEFER_DONE, whoever sets the second resumes */
    struct conn_state *next_job;
    char request_id[24];
    char ip[64];                 /* the client's address (through a trusted proxy: from X-Forwarded-For) */
    char method[12];
    char path[256]; /* without the query string, which may carry identities */
    char retry_after[16];
    int status;
    size_t bytes_out;
    bool answered;
} conn_state;

/* A connection as the head deadline sees it: while no request head is complete, it must become so by
 * deadline_ms, or the watchdog shuts the socket down (each byte resets libmicrohttpd's idle timer, so
 * a client sending one byte a second would otherwise hold the connection forever). fd is our own
 * duplicate of the socket, so it can never name a later connection's socket. */
typedef struct head_watch {
    int fd;
    bool in_request;
    int64_t deadline_ms;
    struct head_watch *prev, *next;
} head_watch;

static _Atomic uint64_t request_counter;
static void resume_deferred(yt_req *r);

/* Bodies that cannot be held in a small buffer are let in a few at a time, from the head on (so they are
 * neither spooled nor buffered while waiting) until their answer is queued: CSV uploads, whose import
 * keeps a worker thread for its whole run, one at a time; JSON bodies over 1 MiB (event batches), whose
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
        snprintf(st->retry_after, sizeof st->retry_after, "%s", g->retry_after);
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

/* The client's address: the peer's, or, when the peer is a configured trusted proxy, the right-most
 * address in X-Forwarded-For that is not itself a trusted proxy (anything left of it is the client's
 * own say). *direct_loopback: the peer is this machine and no proxy stands between. */
static void client_address(const http_daemon *d, struct MHD_Connection *c, char *out, size_t outsz, bool *direct_loopback) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, outsz, "unknown");
    *direct_loopback = false;
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    struct in6_addr peer;
    if (sa->sa_family == AF_INET) {
        v4_mapped(&((const struct sockaddr_in *)sa)->sin_addr, &peer);
    } else if (sa->sa_family == AF_INET6) {
        peer = ((const struct sockaddr_in6 *)sa)->sin6_addr;
    } else {
        return;
    }
    const char *xff = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Forwarded-For");
    struct in6_addr client = peer;
    if (xff && trusted_proxy(d, &peer)) {
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
    *direct_loopback = !xff && loopback(&peer);
}

/* libmicrohttpd would decode %XX before routing, turning a tag named "会员/金卡" into two path segments.
 * This callback keeps the URL as sent; path parameters and query values are decoded after matching. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s) {
    (void)cls;
    (void)c;
    return strlen(s);
}

/* Percent-decodes s[0..n) into the arena; NULL when it decodes to a NUL byte (%00), which would
 * silently cut the value short. */
static char *decoded(yt_arena *a, const char *s, size_t n) {
    char *copy = arena_strndup(a, s, n);
    size_t len = MHD_http_unescape(copy);
    copy[len] = '\0';
    return memchr(copy, '\0', len) ? NULL : copy;
}

static enum MHD_Result collect_query(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    yt_req *r = cls;
    (void)kind;
    if (r->nquery >= API_MAX_QUERY) {
        r->bad_input = "too many query parameters";
        return MHD_NO;
    }
    const char *k = decoded(&r->arena, key, strlen(key));
    const char *v = decoded(&r->arena, value ? value : "", value ? strlen(value) : 0);
    if (!k || !v) {
        r->bad_input = "a query parameter holds %00";
        return MHD_NO;
    }
    if (!utf8_valid(k, strlen(k)) || !utf8_valid(v, strlen(v))) {
        r->bad_input = "a query parameter is not valid UTF-8";
        return MHD_NO;
    }
    r->query[r->nquery].key = k;
    r->query[r->nquery].value = v;
    r->nquery++;
    return MHD_YES;
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

static enum MHD_Result respond(struct MHD_Connection *c, conn_state *st, int status, yt_buf *body, const char *type,
                               const char *retry_after, const char *disposition, bool cacheable) {
    size_t len = body->len;
    char *data = buf_take(body);
    struct MHD_Response *resp = MHD_create_response_from_buffer(len, data, MHD_RESPMEM_MUST_FREE);
    if (type && status != 204) MHD_add_response_header(resp, "Content-Type", type);
    MHD_add_response_header(resp, "X-Request-Id", st->request_id);
    MHD_add_response_header(resp, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(resp, "Cache-Control", cacheable ? "public, max-age=3600" : "no-store");
    if (retry_after && *retry_after) MHD_add_response_header(resp, "Retry-After", retry_after);
    if (disposition && *disposition) MHD_add_response_header(resp, "Content-Disposition", disposition);
    if (st->close_after) MHD_add_response_header(resp, MHD_HTTP_HEADER_CONNECTION, "close");
    /* the request's place in a body gate is given back before the answer leaves, so a client that sends
     * its next upload as soon as it reads this answer finds the place free */
    gate_leave(st);
    /* counted before the answer leaves, so a client that reads /metrics right after sees its request */
    metrics_observe_request(st->route_index, status, mono_ns() - st->t0);
    enum MHD_Result ret = MHD_queue_response(c, (unsigned)status, resp);
    MHD_destroy_response(resp);
    st->status = status;
    st->bytes_out = len;
    st->answered = true;
    return ret;
}

static enum MHD_Result early_answer(struct MHD_Connection *c, conn_state *st) {
    yt_req r = {0};
    snprintf(r.request_id, sizeof r.request_id, "%s", st->request_id);
    api_problem(&r, st->early_status, st->early_field, st->early_detail);
    snprintf(r.retry_after, sizeof r.retry_after, "%s", st->retry_after);
    enum MHD_Result ret = respond(c, st, r.status, &r.out, r.out_type, r.retry_after, NULL, false);
    buf_free(&r.out);
    return ret;
}

static void req_free(conn_state *st) {
    buf_free(&st->req.out);
    arena_free(&st->req.arena);
}

/* Answers with the request's own output (a refusal from api_admit, or the handler's answer). */
static enum MHD_Result req_answer(struct MHD_Connection *c, conn_state *st) {
    yt_req *r = &st->req;
    enum MHD_Result ret = respond(c, st, r->status, &r->out, r->out_type, r->retry_after, r->content_disposition, false);
    req_free(st);
    return ret;
}

typedef struct {
    int n;
    bool differ;
    const char *first; /* the first Content-Length, or NULL */
} header_count;

static enum MHD_Result count_content_length(void *cls, enum MHD_ValueKind kind, const char *key, const char *value) {
    header_count *h = cls;
    (void)kind;
    if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) != 0) return MHD_YES;
    if (h->n++ == 0) h->first = value;
    else if (strcmp(h->first ? h->first : "", value ? value : "") != 0) h->differ = true;
    return MHD_YES;
}

/* A refused request whose body is small is read to its end and thrown away, so the answer goes back on
 * a connection that stays open; a larger (or chunked) one is answered at once and the connection closed
 * rather than read, and so is any whose client waits for "100 Continue" before it sends. */
#define DISCARD_MAX (4u << 20)

static bool answer_before_body(struct MHD_Connection *c, unsigned long long len) {
    const char *te = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
    const char *expect = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_EXPECT);
    if (!te && len == 0) return false; /* no body: answered on the last call, the connection kept */
    return te || len > DISCARD_MAX || (expect && strcasecmp(expect, "100-continue") == 0);
}

static void set_early(conn_state *st, int status, const char *field, const char *detail) {
    st->early_status = status;
    st->early_field = field;
    st->early_detail = detail;
}

static head_watch *watch_of(struct MHD_Connection *c) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    return ci ? ci->socket_context : NULL;
}

static void watch_set(http_daemon *d, struct MHD_Connection *c, bool in_request) {
    head_watch *w = watch_of(c);
    if (!w) return;
    pthread_mutex_lock(&d->watch_mu);
    w->in_request = in_request;
    /* after an answer the next head gets the idle time to begin and the head time to arrive */
    if (!in_request) w->deadline_ms = now_ms() + d->idle_timeout_ms + d->head_timeout_ms;
    pthread_mutex_unlock(&d->watch_mu);
}

/* The handler, on whichever thread runs it (the request's own connection to the store is per thread). */
static void run_request(yt_req *r) {
    api_dispatch(r);
    if (!r->status && !r->deferred) {
        log_error("route %s produced no response", r->route->name);
        api_problem(r, 500, NULL, "the handler produced no response");
    }
}

/* Any other request header, for handlers (api_header): looked up on the request's own connection. */
static const char *request_header(yt_req *r, const char *name) {
    conn_state *st = (conn_state *)(void *)((char *)r - offsetof(conn_state, req));
    return st->conn ? MHD_lookup_connection_value(st->conn, MHD_HEADER_KIND, name) : NULL;
}

/* The first call for a request (its head is complete): everything that can be said before the body
 * is read is said here: rate limit, route, body size, token, permission, content type. A refusal of a
 * request whose body is still to come is answered at once and the connection closed, so nobody can
 * make the server read or spool a body it would refuse (an Expect: 100-continue client gets the
 * refusal instead of "100 Continue"). */
static enum MHD_Result first_call(http_daemon *d, struct MHD_Connection *c, const char *url, const char *method,
                                  conn_state *st) {
    watch_set(d, c, true);
    st->t0 = mono_ns();
    uint64_t n = atomic_fetch_add(&request_counter, 1);
    snprintf(st->request_id, sizeof st->request_id, "%08x%08llx", (unsigned)(time(NULL) & 0xffffffff),
             (unsigned long long)n);
    bool direct_loopback;
    client_address(d, c, st->ip, sizeof st->ip, &direct_loopback);
    snprintf(st->method, sizeof st->method, "%s", method);
    snprintf(st->path, sizeof st->path, "%s", url);
    st->route_index = ROUTE_NONE;
    bool head = strcmp(method, "HEAD") == 0; /* a GET without the body (libmicrohttpd drops it) */
    const char *as = head ? "GET" : method;
    int retry;
    header_count cl = {0};
    MHD_get_connection_values(c, MHD_HEADER_KIND, count_content_length, &cl);
    unsigned long long len = cl.first ? strtoull(cl.first, NULL, 10) : 0; /* the body's declared length */
    if (!ratelimit_take(d->srv->per_ip, st->ip, &retry)) {
        set_early(st, 429, NULL, "too many requests from this address; slow down");
        snprintf(st->retry_after, sizeof st->retry_after, "%d", retry);
    } else if (cl.differ) {
        set_early(st, 400, "Content-Length", "two different Content-Length headers");
    } else {
        bool mismatch;
        st->route = api_match(as, url, st->params, &st->nparams, &mismatch);
        if (st->route && head && (st->route->flags & ROUTE_WRITER)) { /* a GET that writes: not for a HEAD */
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
    if (st->route && !st->early_status) {
        yt_req *r = &st->req;
        r->method = as;
        r->path = url;
        r->route = st->route;
        r->store = d->srv->store;
        r->server = d->srv;
        r->content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
        r->authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
        r->idempotency_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
        r->signature = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "X-Sandbox-Signature");
        r->header = request_header;
        st->conn = c;
        r->direct_loopback = direct_loopback;
        snprintf(r->client_ip, sizeof r->client_ip, "%s", st->ip);
        snprintf(r->request_id, sizeof r->request_id, "%s", st->request_id);
        st->admitted = api_admit(r);
        if (!st->admitted && answer_before_body(c, len)) {
            st->close_after = true;
            return req_answer(c, st);
        }
        if (st->admitted && (st->route->flags & ROUTE_UPLOAD)) gate_enter(st, &upload_gate);
        else if (st->admitted && len > API_BODY_LIMIT) gate_enter(st, &large_gate);
    }
    if (st->early_status && answer_before_body(c, len)) {
        st->close_after = true;
        return early_answer(c, st);
    }
    return MHD_YES; /* answered on the last call, which keeps the connection alive */
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
    http_daemon *d = cls;
    conn_state *st = *con_cls;
    (void)version;
    if (!st) {
        st = yt_calloc(1, sizeof *st);
        *con_cls = st;
        atomic_fetch_add(&d->inflight, 1);
        return first_call(d, c, url, method, st);
    }
    if (*upload_size) {
        bool refused = st->early_status || st->answered || (st->route && !st->admitted);
        if (!refused) {
            if (!st->route || st->received + *upload_size > st->limit) {
                set_early(st, st->route ? 413 : 400, "body",
                          st->route ? "the body is larger than this route accepts" : "unexpected body");
                buf_free(&st->body);
            } else if (st->received + *upload_size > API_BODY_LIMIT && !(st->route->flags & ROUTE_UPLOAD) &&
                       !gate_enter(st, &large_gate)) { /* a chunked body that grew past 1 MiB */
                buf_free(&st->body);
            } else if (st->route->flags & ROUTE_UPLOAD) {
                if (!st->spool) st->spool = tmpfile();
                if (!st->spool || fwrite(upload, 1, *upload_size, st->spool) != *upload_size)
                    set_early(st, 503, NULL, "cannot store the upload (disk full?)");
            } else {
                buf_append(&st->body, upload, *upload_size);
            }
            st->received += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (st->answered) return MHD_YES;
    int job = atomic_load(&st->job);
    if (job == JOB_DONE) return req_answer(c, st);
    if (job == JOB_RUNNING) return MHD_YES; /* a spurious call while suspended: nothing to say yet */
    if (st->early_status) return early_answer(c, st);
    if (st->route && !st->admitted) return req_answer(c, st);

    if (st->route_index == ROUTE_STATIC) {
        yt_buf out = YT_BUF_INIT;
        const char *type;
        yt_arena a = {0};
        bool found = read_static(d->srv->console_dir, decoded(&a, url, strlen(url)), &out, &type);
        arena_free(&a);
        if (!found) {
            buf_free(&out);
            set_early(st, 404, NULL, "no such file");
            return early_answer(c, st);
        }
        bool asset = strncmp(url, "/assets/", 8) == 0;
        return respond(c, st, 200, &out, type, NULL, NULL, asset);
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
        r->params[i] = decoded(&r->arena, st->params[i], n);
        if (!r->params[i]) {
            r->params[i] = "";
            r->bad_input = "a path segment holds %00";
        } else if (!utf8_valid(r->params[i], strlen(r->params[i]))) {
            r->bad_input = "a path segment is not valid UTF-8";
        }
        if (r->bad_input && !r->bad_field) r->bad_field = "path";
    }
    r->nparams = st->nparams;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, r);
    if (st->route->flags & ROUTE_UPLOAD) { /* handed to the job thread; answered when it resumes us */
        st->conn = c;
        atomic_store(&st->job, JOB_RUNNING);
        MHD_suspend_connection(c);
        pthread_mutex_lock(&d->job_mu);
        st->next_job = NULL;
        *d->jobs_tail = st;
        d->jobs_tail = &st->next_job;
        pthread_cond_signal(&d->job_cv);
        pthread_mutex_unlock(&d->job_mu);
        return MHD_YES;
    }
    st->conn = c;
    r->resume = resume_deferred;
    r->resume_ctx = st;
    atomic_store(&st->job, JOB_RUNNING); /* a deferred answer's resume may come before the suspension */
    run_request(r);
    if (r->deferred) { /* answered later by another thread (api_resume): suspended until then */
        MHD_suspend_connection(c);
        if (atomic_fetch_or(&st->deferral, DEFER_SUSPENDED) & DEFER_DONE) MHD_resume_connection(c);
        return MHD_YES;
    }
    atomic_store(&st->job, JOB_NONE);
    return req_answer(c, st);
}

/* A deferred answer is written (api_resume): the connection's next call sends it. The one of the two
 * (this and the suspension) that comes second resumes the connection. */
static void resume_deferred(yt_req *r) {
    conn_state *st = r->resume_ctx;
    atomic_store(&st->job, JOB_DONE);
    if (atomic_fetch_or(&st->deferral, DEFER_DONE) & DEFER_SUSPENDED) MHD_resume_connection(st->conn);
}

/* Runs the job queue: each upload's handler, then resumes its connection, whose next call answers. */
static void *job_loop(void *arg) {
    http_daemon *d = arg;
    pthread_mutex_lock(&d->job_mu);
    for (;;) {
        while (!d->jobs && !d->jobs_stop) pthread_cond_wait(&d->job_cv, &d->job_mu);
        conn_state *st = d->jobs;
        if (!st) break; /* stopping, and nothing left to run */
        d->jobs = st->next_job;
        if (!d->jobs) d->jobs_tail = &d->jobs;
        pthread_mutex_unlock(&d->job_mu);
        run_request(&st->req);
        atomic_store(&st->job, JOB_DONE);
        MHD_resume_connection(st->conn);
        pthread_mutex_lock(&d->job_mu);
    }
    pthread_mutex_unlock(&d->job_mu);
    return NULL;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
    http_daemon *d = cls;
    conn_state *st = *con_cls;
    if (!st) return;
    watch_set(d, c, false);
    uint64_t ns = mono_ns() - st->t0;
    /* the access log: no query string, no headers, no body: nothing secret or personal */
    yt_buf b = YT_BUF_INIT;
    yt_jw w;
    jw_init(&w, &b);
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
    char ms[32];
    snprintf(ms, sizeof ms, "%.3f", (double)ns / 1e6);
    jw_kraw(&w, "ms", ms);
    jw_kint(&w, "bytes_in", (int64_t)st->received);
    jw_kint(&w, "bytes_out", (int64_t)st->bytes_out);
    if (toe != MHD_REQUEST_TERMINATED_COMPLETED_OK) jw_kbool(&w, "aborted", true);
    jw_obj_end(&w);
    log_access_line(b.p, b.len);
    buf_free(&b);
    buf_free(&st->body);
    req_free(st);
    gate_leave(st);
    if (st->spool) fclose(st->spool);
    free(st);
    *con_cls = NULL;
    atomic_fetch_sub(&d->inflight, 1);
}

static void on_connection(void *cls, struct MHD_Connection *c, void **socket_context, enum MHD_ConnectionNotificationCode code) {
    http_daemon *d = cls;
    if (code == MHD_CONNECTION_NOTIFY_STARTED) {
        const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
        int fd = ci ? dup(ci->connect_fd) : -1;
        if (fd < 0) return; /* no watch: the idle timeout still applies */
        head_watch *w = yt_calloc(1, sizeof *w);
        w->fd = fd;
        w->deadline_ms = now_ms() + d->head_timeout_ms;
        pthread_mutex_lock(&d->watch_mu);
        w->next = d->watches;
        if (d->watches) d->watches->prev = w;
        d->watches = w;
        pthread_mutex_unlock(&d->watch_mu);
        *socket_context = w;
    } else if (code == MHD_CONNECTION_NOTIFY_CLOSED && *socket_context) {
        head_watch *w = *socket_context;
        pthread_mutex_lock(&d->watch_mu);
        if (w->prev) w->prev->next = w->next;
        else d->watches = w->next;
        if (w->next) w->next->prev = w->prev;
        pthread_mutex_unlock(&d->watch_mu);
        close(w->fd);
        free(w);
        *socket_context = NULL;
    }
}

/* Shuts down connections whose request head is overdue; libmicrohttpd then closes them. */
static void *watchdog(void *arg) {
    http_daemon *d = arg;
    while (!atomic_load(&d->stopping)) {
        usleep(200 * 1000);
        int64_t now = now_ms();
        pthread_mutex_lock(&d->watch_mu);
        for (head_watch *w = d->watches; w; w = w->next)
            if (!w->in_request && w->deadline_ms < now) {
                shutdown(w->fd, SHUT_RDWR);
                w->deadline_ms = INT64_MAX;
            }
        pthread_mutex_unlock(&d->watch_mu);
    }
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

http_daemon *http_start(const http_config *cfg, yt_server *srv) {
    http_daemon *d = yt_calloc(1, sizeof *d);
    d->srv = srv;
    if (!parse_trusted(cfg->trusted_proxies, d)) {
        log_error("trusted proxies must be a comma-separated list of at most %d IP addresses, got '%s'",
                  MAX_TRUSTED_PROXIES, cfg->trusted_proxies);
        free(d);
        return NULL;
    }
    d->idle_timeout_ms = (cfg->timeout_s > 0 ? cfg->timeout_s : 30) * 1000;
    d->head_timeout_ms = (cfg->head_timeout_s > 0 ? cfg->head_timeout_s : 10) * 1000;
    pthread_mutex_init(&d->watch_mu, NULL);
    pthread_mutex_init(&d->job_mu, NULL);
    pthread_cond_init(&d->job_cv, NULL);
    d->jobs_tail = &d->jobs;
    const yt_route *routes = api_route_table();
    int nroutes = api_route_count();
    metrics_init(nroutes + 2);
    for (int i = 0; i < nroutes; i++) metrics_register_route(i, routes[i].method, routes[i].pattern);
    metrics_register_route(ROUTE_STATIC, "GET", "static");
    metrics_register_route(ROUTE_NONE, "ANY", "none");
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC | MHD_ALLOW_SUSPEND_RESUME;
    if (strchr(cfg->host, ':')) {
        struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)&ss;
        a6->sin6_family = AF_INET6;
        a6->sin6_port = htons((uint16_t)cfg->port);
        if (inet_pton(AF_INET6, cfg->host, &a6->sin6_addr) != 1) {
            log_error("listen address %s is not an IPv6 address", cfg->host);
            free(d);
            return NULL;
        }
        flags |= MHD_USE_IPv6;
    } else {
        struct sockaddr_in *a4 = (struct sockaddr_in *)&ss;
        a4->sin_family = AF_INET;
        a4->sin_port = htons((uint16_t)cfg->port);
        const char *h = strcmp(cfg->host, "localhost") == 0 ? "127.0.0.1" : cfg->host;
        if (inet_pton(AF_INET, h, &a4->sin_addr) != 1) {
            log_error("listen address %s is not an IPv4 address", cfg->host);
            free(d);
            return NULL;
        }
    }
    d->mhd = MHD_start_daemon(flags, (uint16_t)cfg->port, NULL, NULL, on_request, d,
                              MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
                              MHD_OPTION_THREAD_POOL_SIZE, (unsigned)(cfg->threads > 0 ? cfg->threads : 4),
                              MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(cfg->timeout_s > 0 ? cfg->timeout_s : 30),
                              MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)(cfg->header_limit ? cfg->header_limit : 65536),
                              MHD_OPTION_CONNECTION_LIMIT, (unsigned)4096,
                              MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned)256,
                              MHD_OPTION_NOTIFY_COMPLETED, on_completed, d,
                              MHD_OPTION_NOTIFY_CONNECTION, on_connection, d,
                              MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
                              MHD_OPTION_END);
    if (!d->mhd) {
        log_error("cannot listen on %s:%d: %s", cfg->host, cfg->port, strerror(errno));
        pthread_mutex_destroy(&d->watch_mu);
        free(d);
        return NULL;
    }
    if (pthread_create(&d->job_thread, NULL, job_loop, d) != 0) {
        log_error("cannot start the upload job thread");
        MHD_stop_daemon(d->mhd);
        pthread_mutex_destroy(&d->watch_mu);
        free(d);
        return NULL;
    }
    if (pthread_create(&d->watchdog, NULL, watchdog, d) != 0) {
        log_error("cannot start the request head watchdog");
        pthread_mutex_lock(&d->job_mu);
        d->jobs_stop = true;
        pthread_cond_signal(&d->job_cv);
        pthread_mutex_unlock(&d->job_mu);
        pthread_join(d->job_thread, NULL);
        MHD_stop_daemon(d->mhd);
        pthread_mutex_destroy(&d->watch_mu);
        free(d);
        return NULL;
    }
    return d;
}

void http_stop(http_daemon *d, int grace_ms) {
    if (!d) return;
    MHD_quiesce_daemon(d->mhd); /* stop accepting; open connections finish */
    for (int waited = 0; atomic_load(&d->inflight) > 0 && waited < grace_ms; waited += 10) usleep(10000);
    /* a running upload job finishes (its import commits chunk by chunk) and resumes its connection
     * before the daemon stops, since a suspended connection cannot be closed */
    pthread_mutex_lock(&d->job_mu);
    d->jobs_stop = true;
    pthread_cond_signal(&d->job_cv);
    pthread_mutex_unlock(&d->job_mu);
    pthread_join(d->job_thread, NULL);
    MHD_stop_daemon(d->mhd); /* closes every connection, and so frees every watch */
    atomic_store(&d->stopping, true);
    pthread_join(d->watchdog, NULL);
    pthread_mutex_destroy(&d->watch_mu);
    pthread_mutex_destroy(&d->job_mu);
    pthread_cond_destroy(&d->job_cv);
    free(d);
}
