/* Member links: minting a customer's signed link token, and signing a member in with one. */
#include "link.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include "../domain/audit.h"
#include <stdio.h>
#include <string.h>

int member_link_create(yt_ctx *x, int64_t customer, int64_t ttl_s, char token[YT_MEMBER_TOKEN_LEN], int64_t *expires_s) {
    int64_t live;
    if (ttl_s < 60 || ttl_s > MEMBER_LINK_TTL_MAX_S)
        return yt_fail(x, YT_EINVAL, "ttl_hours", "a link lasts from a minute to %lld days", MEMBER_LINK_TTL_MAX_S / 86400);
    int rc = customer_resolve_for_write(x, customer, &live);
    if (rc) return rc;
    *expires_s = now_ms() / 1000 + ttl_s;
    crypto_member_token(live, *expires_s, token);
    char summary[64];
    snprintf(summary, sizeof summary, "{\"expires_at_s\":%lld}", (long long)*expires_s);
    if (db_begin(x->db) != 0) return yt_fail_db(x, "making a member link");
    return yt_finish(x, audit_record(x, "member_link.create", "customer", live, summary), "making a member link");
}

int member_link_resolve(yt_ctx *x, const char *token, yt_actor *who) {
    int64_t customer, expires_s, live;
    if (!crypto_member_token_check(token, &customer, &expires_s) || expires_s <= now_ms() / 1000) return YT_EAUTH;
    memset(who, 0, sizeof *who);
    const yt_actor *saved = x->who;
    x->who = who; /* no guide scope: the member is themselves */
    int rc = customer_resolve_for_write(x, customer, &live);
    x->who = saved;
    if (rc == YT_EINTERNAL) return rc;
    if (rc) return YT_EAUTH; /* unknown or erased */
    who->member_id = live;
    snprintf(who->username, sizeof who->username, "member:%lld", (long long)live);
    snprintf(who->role, sizeof who->role, "member");
    return YT_OK;
}
