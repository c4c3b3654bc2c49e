/* Authentication: password login with back-off, session and API tokens (random, stored hashed). */
#include "auth.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include "roles.h"
#include "staff.h"
#include <limits.h>
#include <stdlib.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>

static int insert_token(yt_ctx *x, int64_t staff_id, const char *kind, const char *name, const char *scopes,
                        int64_t expires_at, char token[YT_TOKEN_LEN], int64_t *id) {
    char hash[YT_HASH_HEX];
    crypto_random_token("yt_", token, YT_TOKEN_LEN);
    crypto_token_hash(token, hash);
    yt_param p[] = {PI(staff_id), PT(kind), PT(name), PT(hash), PT(scopes), PI(now_ms()), PI(expires_at)};
    *id = db_query_int(x->db,
                       "INSERT INTO tokens(staff_id, kind, name, token_hash, scopes, created_at, expires_at)"
                       " VALUES(?,?,?,?,?,?,?) RETURNING id",
                       NPARAMS(p), p, 0);
    return *id ? YT_OK : yt_fail_db(x, "creating a token");
}

/* A real argon2id hash to verify against when the username is unknown, made once. */
static char dummy_hash[YT_PWHASH_LEN];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;
static void make_dummy_hash(void) {
    if (!crypto_pw_hash("not-a-real-password", dummy_hash)) dummy_hash[0] = '\0';
}

/* The two login limits: per username and client address (so one attacker cannot lock out a person
 * who logs in from elsewhere), and a slower one per username alone (so many addresses cannot guess
 * freely). Both are kept in the store under keyed hashes, and a username that does not exist is
 * counted exactly like one that does, so no sequence of answers tells them apart. */
static const struct login_limit {
    const char *scope;
    int64_t max_failures, window_ms, lock_ms;
} pair_limit = {"pair", LOGIN_MAX_FAILURES, LOGIN_LOCK_MS, LOGIN_LOCK_MS},
  account_limit = {"account", LOGIN_ACCOUNT_MAX_FAILURES, LOGIN_ACCOUNT_WINDOW_MS, LOGIN_LOCK_MS};

static int locked_out(yt_ctx *x, int64_t until, int64_t now) {
    int retry_s = (int)((until - now + 999) / 1000);
    x->err.retry_after = retry_s > 0 ? retry_s : 1;
    return yt_fail(x, YT_ERATE, "username", "too many failed logins; try again later");
}

/* Takes a number for this attempt under one limit, in one atomic statement, before the expensive
 * check: parallel guesses each take one, and only the first max_failures in a window get their
 * password checked. The window starts at the first attempt; after it the count starts again.
 * YT_OK when the attempt may go on; YT_ERATE (with Retry-After) while the key is locked. */
static int reserve_attempt(yt_ctx *x, const struct login_limit *l, const char *key, const char *account, int64_t now) {
    int64_t ws = now - l->window_ms;
    yt_param p[] = {PT(key),      PT(account),          PI(now),   PI(l->max_failures), PI(now + l->lock_ms),
                    PI(ws),       PI(ws),               PI(now),   PI(ws),              PI(l->max_failures),
                    PI(now + l->lock_ms), PI(now)};
    yt_rows *r = db_query(x->db,
                          "INSERT INTO login_failures(key, account, failures, since, locked_until)"
                          " VALUES(?, ?, 1, CAST(? AS BIGINT), CASE WHEN 1 >= CAST(? AS BIGINT) THEN CAST(? AS BIGINT) ELSE 0 END)"
                          " ON CONFLICT(key) DO UPDATE SET"
                          " failures = CASE WHEN login_failures.since < CAST(? AS BIGINT) THEN 1 ELSE login_failures.failures + 1 END,"
                          " since = CASE WHEN login_failures.since < CAST(? AS BIGINT) THEN CAST(? AS BIGINT) ELSE login_failures.since END,"
                          " locked_until = CASE WHEN (CASE WHEN login_failures.since < CAST(? AS BIGINT) THEN 1"
                          "   ELSE login_failures.failures + 1 END) >= CAST(? AS BIGINT) THEN CAST(? AS BIGINT) ELSE 0 END"
                          " WHERE login_failures.locked_until <= CAST(? AS BIGINT) RETURNING failures",
                          NPARAMS(p), p);
    if (!r) return yt_fail_db(x, "logging in");
    bool reserved = rows_next(r);
    rows_free(r);
    if (reserved) return YT_OK;
    yt_param k[] = {PT(key)};
    return locked_out(x, db_query_int(x->db, "SELECT locked_until FROM login_failures WHERE key = ?", 1, k, now + l->lock_ms), now);
}

/* Forgets failures that can no longer lock anything, at most once a minute. */
static void sweep_failures(yt_db *db, int64_t now) {
    static _Atomic int64_t last;
    if (!time_every(&last, now, 60000)) return;
    int64_t oldest = now - (LOGIN_ACCOUNT_WINDOW_MS > LOGIN_LOCK_MS ? LOGIN_ACCOUNT_WINDOW_MS : LOGIN_LOCK_MS);
    yt_param p[] = {PI(oldest), PI(now)};
    db_exec(db, "DELETE FROM login_failures WHERE since < ? AND locked_until < ?", 2, p);
}

static void login_keys(const char *username, const char *client, char pair[YT_HASH_HEX], char account[YT_HASH_HEX]) {
    yt_buf b = YT_BUF_INIT;
    buf_printf(&b, "%s\x1f%s", username, client ? client : "");
    crypto_blind_index("login", b.p, pair);
    crypto_blind_index("login-account", username, account);
    buf_free(&b);
}

int auth_login(yt_ctx *x, const char *username, const char *password, const char *client, char token[YT_TOKEN_LEN],
               int64_t *expires_at, int64_t *staff_id) {
    int64_t now = now_ms();
    sweep_failures(x->db, now);
    char pair[YT_HASH_HEX], account[YT_HASH_HEX];
    login_keys(username, client, pair, account);
    if (reserve_attempt(x, &pair_limit, pair, account, now) || reserve_attempt(x, &account_limit, account, account, now))
        return x->err.code;
    yt_param p[] = {PT(username)};
    yt_rows *r = db_query(x->db, "SELECT id, pw_hash, active FROM staff WHERE username = ?", 1, p);
    if (!r) return yt_fail_db(x, "logging in");
    int64_t id = 0, active = 0;
    char hash[YT_PWHASH_LEN] = "";
    if (rows_next(r)) {
        id = rows_int(r, 0);
        snprintf(hash, sizeof hash, "%s", rows_text(r, 1));
        active = rows_int(r, 2);
    }
    rows_free(r);
    if (!id) { /* the same argon2id work as for a real user, so timing does not tell either */
        pthread_once(&dummy_once, make_dummy_hash);
        if (dummy_hash[0]) crypto_pw_verify(dummy_hash, password);
        return yt_fail(x, YT_EAUTH, "password", "wrong username or password");
    }
    if (!crypto_pw_verify(hash, password) || !active)
        return yt_fail(x, YT_EAUTH, "password", "wrong username or password");
    *expires_at = now + SESSION_TTL_MS;
    *staff_id = id;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "logging in");
    /* a success clears this address's count; the per-account count only drops by this attempt */
    yt_param s0[] = {PT(pair)}, s1[] = {PT(account)};
    int64_t tid;
    int rc = db_exec(x->db, "DELETE FROM login_failures WHERE key = ?", 1, s0) < 0 ||
                     db_exec(x->db, "UPDATE login_failures SET failures = failures - 1 WHERE key = ? AND failures > 0", 1, s1) < 0
                 ? yt_fail_db(x, "logging in")
                 : insert_token(x, id, "session", "login", "", *expires_at, token, &tid);
    return yt_finish(x, rc, "logging in");
}

int auth_unlock(yt_ctx *x, const char *username) {
    char pair[YT_HASH_HEX], account[YT_HASH_HEX];
    login_keys(username, NULL, pair, account);
    yt_param p[] = {PT(account)};
    return db_exec(x->db, "DELETE FROM login_failures WHERE account = ?", 1, p) < 0 ? yt_fail_db(x, "unlocking logins") : YT_OK;
}

/* Tokens resolved in the last second, so a burst of requests (a flash sale) does not read the tokens table
 * once each. Any revocation or staff change on this instance makes every entry stale at its commit (the
 * generation rises); one on another instance (or the CLI) takes effect here within AUTH_CACHE_MS. An entry
 * read before a change committed is never stored after it: the store checks the generation it started with. */
#define AUTH_CACHE_SLOTS 256
#define AUTH_CACHE_MS 1000
typedef struct {
    char hash[YT_HASH_HEX];
    yt_actor actor;
    int64_t at;
    uint64_t gen;
} auth_slot;
static auth_slot auth_cache[AUTH_CACHE_SLOTS];
static pthread_mutex_t auth_cache_mu = PTHREAD_MUTEX_INITIALIZER;
static _Atomic uint64_t auth_gen = 1;

static auth_slot *cache_slot(const char *hash) { return &auth_cache[strtoul((char[]){hash[0], hash[1], 0}, NULL, 16)]; }

static bool cache_get(const char *hash, uint64_t gen, yt_actor *out) {
    auth_slot *s = cache_slot(hash);
    pthread_mutex_lock(&auth_cache_mu);
    bool hit = s->gen == gen && now_ms() - s->at < AUTH_CACHE_MS && strcmp(s->hash, hash) == 0;
    if (hit) *out = s->actor;
    pthread_mutex_unlock(&auth_cache_mu);
    return hit;
}

static void cache_put(const char *hash, uint64_t gen, const yt_actor *a) {
    auth_slot *s = cache_slot(hash);
    pthread_mutex_lock(&auth_cache_mu);
    if (gen == atomic_load(&auth_gen)) {
        memcpy(s->hash, hash, sizeof s->hash);
        s->actor = *a;
        s->at = now_ms();
        s->gen = gen;
    }
    pthread_mutex_unlock(&auth_cache_mu);
}

static void cache_clear(void *arg) {
    (void)arg;
    atomic_fetch_add(&auth_gen, 1);
}

void auth_cache_clear_after_commit(yt_db *db) { db_after_commit(db, cache_clear, NULL, 0); }

int auth_resolve(yt_db *db, const char *token, yt_actor *out) {
    char hash[YT_HASH_HEX];
    crypto_token_hash(token, hash);
    uint64_t gen = atomic_load(&auth_gen);
    if (cache_get(hash, gen, out)) return YT_OK;
    yt_param p[] = {PT(hash), PI(now_ms())};
    yt_rows *r = db_query(db,
                          "SELECT t.id, t.scopes, s.id, s.username, s.role, s.store_id FROM tokens t"
                          " JOIN staff s ON s.id = t.staff_id WHERE t.token_hash = ? AND t.revoked_at IS NULL"
                          " AND t.expires_at > ? AND s.active = 1",
                          2, p);
    if (!r) return YT_EINTERNAL;
    int rc = YT_EAUTH;
    if (rows_next(r)) {
        const yt_role *role = role_find(rows_text(r, 4));
        if (role) {
            memset(out, 0, sizeof *out);
            out->token_id = rows_int(r, 0);
            uint32_t scopes = 0;
            char bad[64];
            const char *sc = rows_text(r, 1);
            if (*sc && !perms_parse_csv(sc, &scopes, bad, sizeof bad)) scopes = 0;
            out->perms = *sc ? (role->perms & scopes) : role->perms;
            out->staff_id = rows_int(r, 2);
            snprintf(out->username, sizeof out->username, "%s", rows_text(r, 3));
            snprintf(out->role, sizeof out->role, "%s", role->name);
            out->store_id = rows_null(r, 5) ? 0 : rows_int(r, 5);
            out->own_customers_only = role->own_customers_only;
            rc = YT_OK;
            cache_put(hash, gen, out);
        }
    }
    rows_free(r);
    return rc;
}

int auth_logout(yt_ctx *x, int64_t token_id) {
    yt_param p[] = {PI(now_ms()), PI(token_id)};
    if (db_exec(x->db, "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", 2, p) < 0)
        return yt_fail_db(x, "logging out");
    auth_cache_clear_after_commit(x->db);
    return YT_OK;
}

int token_create(yt_ctx *x, int64_t staff_id, const char *name, uint32_t scopes, int ttl_days,
                 char token[YT_TOKEN_LEN], int64_t *id, int64_t *expires_at) {
    if (ttl_days < 1 || ttl_days > 3650) return yt_fail(x, YT_EINVAL, "ttl_days", "must be 1 to 3650");
    if (!name || utf8_chars(name) < 1 || utf8_chars(name) > 64)
        return yt_fail(x, YT_EINVAL, "name", "must be 1 to 64 characters");
    yt_buf sc = YT_BUF_INIT;
    for (uint32_t b = 1; b; b <<= 1) {
        if (!(scopes & b) || !perm_name(b)) continue;
        if (sc.len) buf_putc(&sc, ',');
        buf_puts(&sc, perm_name(b));
    }
    *expires_at = now_ms() + (int64_t)ttl_days * 86400 * 1000;
    int rc;
    if (db_begin(x->db) != 0) {
        rc = yt_fail_db(x, "creating a token");
    } else {
        rc = insert_token(x, staff_id, "api", name, sc.p ? sc.p : "", *expires_at, token, id);
        if (rc == YT_OK) rc = audit_record(x, "token.create", "token", *id, NULL);
        rc = yt_finish(x, rc, "creating a token");
    }
    buf_free(&sc);
    return rc;
}

int token_revoke(yt_ctx *x, int64_t id) {
    /* Only the token's holder, or someone who may manage that person (never a non-owner for an
     * owner's token), revokes it; to anyone else the token does not exist. */
    yt_param p[] = {PI(id)};
    int64_t holder = db_query_int(x->db, "SELECT staff_id FROM tokens WHERE id = ?", 1, p, -1);
    if (holder < 0 || (holder != x->who->staff_id && staff_check_manage(x, holder, NULL) != YT_OK)) {
        if (x->err.code == YT_EINTERNAL) return x->err.code;
        return yt_fail(x, YT_ENOTFOUND, NULL, "no token with id %lld", (long long)id);
    }
    yt_param q[] = {PI(now_ms()), PI(id)};
    if (db_begin(x->db) != 0) return yt_fail_db(x, "revoking a token");
    int rc = db_exec(x->db, "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", 2, q) < 0
                 ? yt_fail_db(x, "revoking a token")
                 : audit_record(x, "token.revoke", "token", id, NULL);
    if (rc == YT_OK) auth_cache_clear_after_commit(x->db);
    return yt_finish(x, rc, "revoking a token");
}

static void write_token_row(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "kind", rows_text(r, 6));
    jw_kstr(w, "name", rows_text(r, 1));
    jw_key(w, "scopes");
    uint32_t bits = 0;
    char bad[64];
    perms_parse_csv(rows_text(r, 2), &bits, bad, sizeof bad);
    perms_write_json(w, bits);
    jw_ktime(w, "expires_at", rows_int(r, 3));
    if (rows_null(r, 4)) jw_knull(w, "revoked_at");
    else jw_ktime(w, "revoked_at", rows_int(r, 4));
    jw_ktime(w, "created_at", rows_int(r, 5));
    jw_obj_end(w);
}

int token_list_json(yt_ctx *x, yt_jw *w, int64_t staff_id, bool live_only) {
    yt_param p[] = {PI(staff_id), PI(now_ms())};
    yt_rows *r = live_only ? db_query(x->db,
                                      "SELECT id, name, scopes, expires_at, revoked_at, created_at, kind FROM tokens"
                                      " WHERE staff_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY id DESC",
                                      2, p)
                           : db_query(x->db,
                                      "SELECT id, name, scopes, expires_at, revoked_at, created_at, kind FROM tokens"
                                      " WHERE staff_id = ? AND kind = 'api' ORDER BY id DESC",
                                      1, p);
    if (!r) return yt_fail_db(x, "listing tokens");
    page_write(w, r, INT_MAX, write_token_row); /* a person's tokens: a short list */
    rows_free(r);
    return YT_OK;
}

int auth_ensure_admin(yt_ctx *x, const char *password, char generated[32], bool *created) {
    *created = false;
    if (db_query_int(x->db, "SELECT count(*) FROM staff WHERE role = 'owner'", 0, NULL, -1) != 0) return YT_OK;
    const char *pw = password;
    if (!pw || !*pw) {
        crypto_random_password(generated, 16);
        pw = generated;
    }
    staff_new in = {.username = "admin", .display_name = "管理员", .role = "owner", .password = pw};
    int64_t id;
    if (staff_create(x, &in, &id) != YT_OK) return x->err.code;
    *created = true;
    return YT_OK;
}
