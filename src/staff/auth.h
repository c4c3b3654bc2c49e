/* Authentication: password login with back-off, session and API tokens (random, stored hashed). */
#ifndef YT_AUTH_H
#define YT_AUTH_H
#include "../base/crypto.h"
#include "../base/json.h"
#include "../domain/ctx.h"

#define SESSION_TTL_MS (12LL * 3600 * 1000)
#define LOGIN_MAX_FAILURES 5                       /* per username and client address, in LOGIN_LOCK_MS */
#define LOGIN_LOCK_MS (15LL * 60 * 1000)
#define LOGIN_ACCOUNT_MAX_FAILURES 100             /* per username from anywhere, in LOGIN_ACCOUNT_WINDOW_MS */
#define LOGIN_ACCOUNT_WINDOW_MS (60LL * 60 * 1000)

/* On success fills token (shown once to the caller), its expiry and the staff id. client is the
 * caller's address (the lockout is kept per username and address, and per username more slowly). */
int auth_login(yt_ctx *x, const char *username, const char *password, const char *client, char token[YT_TOKEN_LEN],
               int64_t *expires_at, int64_t *staff_id);
/* Forgets every failed login counted against username (a password reset unlocks the account). */
int auth_unlock(yt_ctx *x, const char *username);
/* Resolves a bearer token into an actor; YT_EAUTH when unknown, expired, revoked or disabled. */
int auth_resolve(yt_db *db, const char *token, yt_actor *out);
/* Once the current transaction commits, tokens resolved before answer anew (a revocation, a staff change). */
void auth_cache_clear_after_commit(yt_db *db);
int auth_logout(yt_ctx *x, int64_t token_id);
/* API token with scopes (a subset of the owner's permissions; 0 = all of them). */
int token_create(yt_ctx *x, int64_t staff_id, const char *name, uint32_t scopes, int ttl_days,
                 char token[YT_TOKEN_LEN], int64_t *id, int64_t *expires_at);
/* Revokes token id: its holder's own, or one of a person the actor may manage (else 404). */
int token_revoke(yt_ctx *x, int64_t id);
/* Lists staff_id's tokens: live_only, every live session and API token (what a manager sees);
 * otherwise that person's API tokens, revoked and expired ones included (their own list). */
int token_list_json(yt_ctx *x, yt_jw *w, int64_t staff_id, bool live_only);
/* Creates the owner 'admin' when no owner exists. password NULL: a generated one is written to generated. */
int auth_ensure_admin(yt_ctx *x, const char *password, char generated[32], bool *created);

#endif
