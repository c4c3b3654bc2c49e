/* Member links: a signed, expiring token that lets one customer open their own member pages (H5) and act as
 * themselves there (order, check in, spend points), without any staff token reaching their browser. */
#ifndef YT_MEMBER_LINK_H
#define YT_MEMBER_LINK_H
#include "../base/crypto.h"
#include "../domain/ctx.h"

#define MEMBER_LINK_TTL_S (7LL * 24 * 3600)      /* default: a week */
#define MEMBER_LINK_TTL_MAX_S (30LL * 24 * 3600) /* at most 30 days */

/* Makes a link token for customer (followed to the live record; an erased one is a 409) valid for ttl_s
 * seconds, audited. */
int member_link_create(yt_ctx *x, int64_t customer, int64_t ttl_s, char token[YT_MEMBER_TOKEN_LEN], int64_t *expires_s);

/* Signs a member in: the token's MAC and expiry, then its customer, followed through merges to the live
 * record (an erased or unknown one is refused). Fills who as the member (no staff, no permissions).
 * YT_EAUTH when refused, YT_EINTERNAL on a store error. */
int member_link_resolve(yt_ctx *x, const char *token, yt_actor *who);

#endif
