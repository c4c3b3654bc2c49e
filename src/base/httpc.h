/* Outbound HTTP(S) requests through libcurl, for calling providers' APIs (WeChat Pay). Only the URLs the
 * operator configured are called; no redirects are followed; at most HTTPC_CONCURRENT calls run at once
 * (others are refused at once), so worker threads are never all waiting on a provider. */
#ifndef YT_HTTPC_H
#define YT_HTTPC_H
#include "buf.h"
#include <stdbool.h>

#define HTTPC_BODY_MAX (1 << 20) /* an answer's body; a longer one is an error */
#define HTTPC_CONCURRENT 4

typedef struct {
    long status;      /* the answer's HTTP status; 0 when none came */
    yt_buf body;      /* owned (httpc_response_free) */
    yt_buf headers;   /* the answer's header lines, as sent */
    char error[160];  /* why there is no answer (status 0) */
} httpc_response;

/* Once, before any thread calls httpc_request. */
bool httpc_start(void);
/* Sends method url with the header lines given (NULL-terminated, "Name: value") and body (n bytes; NULL for
 * none), waiting at most timeout_ms. false with res->error when no answer came; true with res->status and
 * res->body otherwise (whatever the status). */
bool httpc_request(const char *method, const char *url, const char *const *headers, const char *body, size_t n,
                   long timeout_ms, httpc_response *res);
/* The first value of the answer's header name (case-insensitive), without surrounding spaces, into out (cap
 * bytes); false when it is absent or does not fit. */
bool httpc_header(const httpc_response *res, const char *name, char *out, size_t cap);
void httpc_response_free(httpc_response *res);

#endif
