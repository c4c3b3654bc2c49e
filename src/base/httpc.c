/* Outbound HTTP(S) through libcurl: one easy handle per call, a cap on calls at once, bounded answers. */
#include "httpc.h"
#include <curl/curl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

static atomic_int running;

bool httpc_start(void) { return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK; }

static size_t on_body(char *p, size_t size, size_t n, void *arg) {
    yt_buf *b = arg;
    size_t len = size * n;
    if (b->len + len > HTTPC_BODY_MAX) return 0; /* too long: the transfer stops with an error */
    buf_append(b, p, len);
    return len;
}

static size_t on_header(char *p, size_t size, size_t n, void *arg) {
    yt_buf *b = arg;
    size_t len = size * n;
    if (b->len + len > 64 * 1024) return 0;
    buf_append(b, p, len);
    return len;
}

bool httpc_request(const char *method, const char *url, const char *const *headers, const char *body, size_t n,
                   long timeout_ms, httpc_response *res) {
    memset(res, 0, sizeof *res);
    if (atomic_fetch_add(&running, 1) >= HTTPC_CONCURRENT) {
        atomic_fetch_sub(&running, 1);
        snprintf(res->error, sizeof res->error, "too many calls to providers at once");
        return false;
    }
    CURL *c = curl_easy_init();
    struct curl_slist *list = NULL;
    for (size_t i = 0; headers && headers[i]; i++) list = curl_slist_append(list, headers[i]);
    list = curl_slist_append(list, "Expect:"); /* no 100-continue round trip */
    CURLcode rc = CURLE_FAILED_INIT;
    if (c) {
        curl_easy_setopt(c, CURLOPT_URL, url);
        curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "https,http");
        curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
        curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, timeout_ms);
        curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms < 3000 ? timeout_ms : 3000L);
        curl_easy_setopt(c, CURLOPT_CUSTOMREQUEST, method);
        curl_easy_setopt(c, CURLOPT_HTTPHEADER, list);
        curl_easy_setopt(c, CURLOPT_USERAGENT, "yutang");
        if (body) {
            curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
            curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE_LARGE, (curl_off_t)n);
        }
        curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_body);
        curl_easy_setopt(c, CURLOPT_WRITEDATA, &res->body);
        curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
        curl_easy_setopt(c, CURLOPT_HEADERDATA, &res->headers);
        rc = curl_easy_perform(c);
        if (rc == CURLE_OK) curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &res->status);
    }
    if (rc != CURLE_OK) {
        snprintf(res->error, sizeof res->error, "%s", curl_easy_strerror(rc));
        res->status = 0;
    }
    if (!res->body.p) buf_puts(&res->body, ""); /* always a string */
    curl_slist_free_all(list);
    curl_easy_cleanup(c);
    atomic_fetch_sub(&running, 1);
    return rc == CURLE_OK;
}

bool httpc_header(const httpc_response *res, const char *name, char *out, size_t cap) {
    size_t nl = strlen(name);
    const char *p = res->headers.p, *end = p ? p + res->headers.len : NULL;
    while (p && p < end) {
        const char *eol = memchr(p, '\n', (size_t)(end - p));
        if (!eol) eol = end;
        if ((size_t)(eol - p) > nl && strncasecmp(p, name, nl) == 0 && p[nl] == ':') {
            const char *v = p + nl + 1, *e = eol;
            while (v < e && (*v == ' ' || *v == '\t')) v++;
            while (e > v && (e[-1] == '\r' || e[-1] == ' ' || e[-1] == '\t')) e--;
            if ((size_t)(e - v) >= cap) return false;
            memcpy(out, v, (size_t)(e - v));
            out[e - v] = '\0';
            return true;
        }
        p = eol + 1;
    }
    return false;
}

void httpc_response_free(httpc_response *res) {
    buf_free(&res->body);
    buf_free(&res->headers);
}
