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
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define ROUTE_STATIC (METRICS_MAX_ROUTES - 2)
#define ROUTE_NONE (METRICS_MAX_ROUTES - 1)

struct http_daemon {
    struct MHD_Daemon *mhd;
    yt_server *srv;
    _Atomic int inflight;
};

typedef struct {
    uint64_t t0;
    const yt_route *route;
    int route_index;
    int early_status;            /* answered before the handler: 404, 405, 413, 429 */
    const char *early_detail;
    const char *early_field;
    yt_buf body;
    FILE *spool;                 /* upload routes: the body goes to a temporary file, not memory */
    size_t received;
    size_t limit;
    const char *params[API_MAX_PATH_PARAMS];
    int nparams;
    char request_id[24];
    char ip[64];
    char method[12];
    char path[256]; /* without the query string, which may carry identities */
    char retry_after[16];
    int status;
    size_t bytes_out;
    bool answered;
} conn_state;

static _Atomic uint64_t request_counter;

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

static void client_ip(struct MHD_Connection *c, char *out, size_t outsz) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    snprintf(out, outsz, "unknown");
    if (!ci || !ci->client_addr) return;
    const struct sockaddr *sa = ci->client_addr;
    if (sa->sa_family == AF_INET)
        inet_ntop(AF_INET, &((const struct sockaddr_in *)sa)->sin_addr, out, (socklen_t)outsz);
    else if (sa->sa_family == AF_INET6)
        inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)sa)->sin6_addr, out, (socklen_t)outsz);
}

/* libmicrohttpd would decode %XX before routing, turning a tag named "会员/金卡" into two path segments.
 * This callback keeps the URL as sent; path parameters and query values are decoded after matching. */
static size_t keep_escaped(void *cls, struct MHD_Connection *c, char *s) {
    (void)cls;
    (void)c;
    return strlen(s);
}

static char *decoded(yt_arena *a, const char *s, size_t n) {
    char *copy = arena_strndup(a, s, n);
    size_t len = MHD_http_unescape(copy);
    copy[len] = '\0';
    return copy;
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
    if (!dir || strstr(url, "..") || strchr(url, '\\')) return false;
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

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload, size_t *upload_size, void **con_cls) {
    http_daemon *d = cls;
    conn_state *st = *con_cls;
    (void)version;
    if (!st) {
        st = yt_calloc(1, sizeof *st);
        *con_cls = st;
        atomic_fetch_add(&d->inflight, 1);
        st->t0 = mono_ns();
        uint64_t n = atomic_fetch_add(&request_counter, 1);
        snprintf(st->request_id, sizeof st->request_id, "%08x%08llx", (unsigned)(time(NULL) & 0xffffffff),
                 (unsigned long long)n);
        client_ip(c, st->ip, sizeof st->ip);
        snprintf(st->method, sizeof st->method, "%s", method);
        snprintf(st->path, sizeof st->path, "%s", url);
        st->route_index = ROUTE_NONE;
        int retry;
        if (!ratelimit_take(d->srv->per_ip, st->ip, &retry)) {
            st->early_status = 429;
            st->early_detail = "too many requests from this address; slow down";
            snprintf(st->retry_after, sizeof st->retry_after, "%d", retry);
            return MHD_YES;
        }
        bool mismatch;
        st->route = api_match(method, url, st->params, &st->nparams, &mismatch);
        if (st->route) {
            st->route_index = (int)(st->route - api_routes);
            st->limit = st->route->body_limit ? st->route->body_limit : API_BODY_LIMIT;
        } else if (mismatch) {
            st->early_status = 405;
            st->early_detail = "this path does not take that method";
        } else if (strcmp(method, "GET") == 0 && strncmp(url, "/api/", 5) != 0 && d->srv->console_dir) {
            st->route_index = ROUTE_STATIC;
        } else {
            st->early_status = 404;
            st->early_detail = "no such route";
        }
        const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_LENGTH);
        if (!st->early_status && cl && st->limit && strtoull(cl, NULL, 10) > st->limit) {
            st->early_status = 413;
            st->early_field = "body";
            st->early_detail = "the body is larger than this route accepts";
        }
        return MHD_YES;
    }
    if (*upload_size) {
        if (!st->early_status) {
            if (!st->route || st->received + *upload_size > st->limit) {
                st->early_status = st->route ? 413 : 400;
                st->early_field = "body";
                st->early_detail = st->route ? "the body is larger than this route accepts" : "unexpected body";
                buf_free(&st->body);
            } else if (st->route->flags & ROUTE_UPLOAD) {
                if (!st->spool) st->spool = tmpfile();
                if (!st->spool || fwrite(upload, 1, *upload_size, st->spool) != *upload_size) {
                    st->early_status = 503;
                    st->early_detail = "cannot store the upload (disk full?)";
                }
            } else {
                buf_append(&st->body, upload, *upload_size);
            }
            st->received += *upload_size;
        }
        *upload_size = 0;
        return MHD_YES;
    }
    if (st->answered) return MHD_YES;
    if (st->early_status) return early_answer(c, st);

    if (st->route_index == ROUTE_STATIC) {
        yt_buf out = YT_BUF_INIT;
        const char *type;
        yt_arena a = {0};
        bool found = read_static(d->srv->console_dir, decoded(&a, url, strlen(url)), &out, &type);
        arena_free(&a);
        if (!found) {
            buf_free(&out);
            st->early_status = 404;
            st->early_detail = "no such file";
            return early_answer(c, st);
        }
        bool asset = strncmp(url, "/assets/", 8) == 0;
        return respond(c, st, 200, &out, type, NULL, NULL, asset);
    }

    yt_req r = {0};
    r.method = method;
    r.path = url;
    r.body = st->body.p ? st->body.p : "";
    r.body_len = st->body.len;
    if (st->spool) {
        fflush(st->spool);
        rewind(st->spool);
        r.body_file = st->spool;
    }
    r.content_type = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_CONTENT_TYPE);
    r.authorization = MHD_lookup_connection_value(c, MHD_HEADER_KIND, MHD_HTTP_HEADER_AUTHORIZATION);
    r.idempotency_key = MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Idempotency-Key");
    r.route = st->route;
    r.store = d->srv->store;
    r.server = d->srv;
    snprintf(r.request_id, sizeof r.request_id, "%s", st->request_id);
    for (int i = 0; i < st->nparams; i++) {
        size_t n = strcspn(st->params[i], "/");
        r.params[i] = decoded(&r.arena, st->params[i], n);
        if (!utf8_valid(r.params[i], strlen(r.params[i]))) r.bad_input = "a path segment is not valid UTF-8";
    }
    r.nparams = st->nparams;
    MHD_get_connection_values(c, MHD_GET_ARGUMENT_KIND, collect_query, &r);
    api_dispatch(&r);
    if (!r.status) {
        log_error("route %s produced no response", r.route->name);
        api_problem(&r, 500, NULL, "the handler produced no response");
    }
    enum MHD_Result ret = respond(c, st, r.status, &r.out, r.out_type, r.retry_after, r.content_disposition, false);
    buf_free(&r.out);
    arena_free(&r.arena);
    return ret;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls, enum MHD_RequestTerminationCode toe) {
    http_daemon *d = cls;
    conn_state *st = *con_cls;
    (void)c;
    if (!st) return;
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
    log_raw_line(b.p, b.len);
    buf_free(&b);
    buf_free(&st->body);
    if (st->spool) fclose(st->spool);
    free(st);
    *con_cls = NULL;
    atomic_fetch_sub(&d->inflight, 1);
}

http_daemon *http_start(const http_config *cfg, yt_server *srv) {
    http_daemon *d = yt_calloc(1, sizeof *d);
    d->srv = srv;
    for (int i = 0; i < api_nroutes; i++) metrics_register_route(i, api_routes[i].method, api_routes[i].pattern);
    metrics_register_route(ROUTE_STATIC, "GET", "static");
    metrics_register_route(ROUTE_NONE, "ANY", "none");
    struct sockaddr_storage ss;
    memset(&ss, 0, sizeof ss);
    unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL | MHD_USE_ITC;
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
                              MHD_OPTION_UNESCAPE_CALLBACK, keep_escaped, NULL,
                              MHD_OPTION_END);
    if (!d->mhd) {
        log_error("cannot listen on %s:%d: %s", cfg->host, cfg->port, strerror(errno));
        free(d);
        return NULL;
    }
    return d;
}

void http_stop(http_daemon *d, int grace_ms) {
    if (!d) return;
    MHD_quiesce_daemon(d->mhd); /* stop accepting; open connections finish */
    for (int waited = 0; atomic_load(&d->inflight) > 0 && waited < grace_ms; waited += 10) usleep(10000);
    MHD_stop_daemon(d->mhd);
    free(d);
}
