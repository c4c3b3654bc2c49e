/* The HTTP/1.1 server: epoll event loops, libhttp-parser, keep-alive, deferred answers, console files. */
#ifndef YT_HTTP_H
#define YT_HTTP_H
#include "../api/api.h"
#include "../api/server.h"

typedef struct {
    char host[128];
    int port;
    int threads;                 /* event loops (0: 2) */
    int timeout_s;               /* idle connection timeout */
    int head_timeout_s;          /* a request head must arrive whole within this (0: 10 s) */
    size_t header_limit;
    char trusted_proxies[512];   /* comma-separated addresses whose X-Forwarded-For is believed */
    bool plain_io;               /* a system call for each socket read and write, no io_uring batches */
} http_config;

typedef struct http_daemon http_daemon;

/* Parses "HOST:PORT" ("[::1]:8080" for IPv6) into cfg; false when malformed. */
bool http_parse_listen(const char *s, http_config *cfg);
/* Starts serving; srv is borrowed and must outlive the daemon. NULL on failure (logged). */
http_daemon *http_start(const http_config *cfg, yt_server *srv);
/* Stops accepting, lets in-flight requests finish (up to grace_ms), then stops. */
void http_stop(http_daemon *d, int grace_ms);

#endif
