/* Server-wide state the API needs: the store and the rate limiters. Owned by the http layer. */
#ifndef YT_API_SERVER_H
#define YT_API_SERVER_H
#include "../base/ratelimit.h"
#include "../store/store.h"

struct yt_server {
    yt_store *store;
    yt_ratelimit *per_ip;
    yt_ratelimit *per_token;
    const char *console_dir; /* built console (index.html and assets), or NULL */
};

#endif
