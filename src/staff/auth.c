/* Authentication: password login with back-off, session and API tokens (random, stored hashed). */
#include "auth.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "roles.h"
#include "staff.h"
#include <pthread.h>
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

/* Attempts on usernames that do not exist follow exactly the rule of real accounts (below), kept in
 * memory, so neither the answers nor their Retry-After tell which usernames exist. */
#define UNKNOWN_SLOTS 4096
typedef struct {
    char name[65];
    int64_t since, locked_until;
    int count;
} unknown_slot;
static unknown_slot unknown[UNKNOWN_SLOTS];
static pthread_mutex_t unknown_mu = PTHREAD_MUTEX_INITIALIZER;

/* Counts an attempt on an unknown username; false (and *retry_s) while it is locked out. */
static bool unknown_attempt(const char *username, int64_t now, int *retry_s) {
    uint32_t h = hash_fnv1a32(username);
    pthread_mutex_lock(&unknown_mu);
    unknown_slot *s = &unknown[h % UNKNOWN_SLOTS]; /* a collision shares a counter: only ever stricter */
    if (strncmp(s->name, username, sizeof s->name - 1) != 0) {
        memset(s, 0, sizeof *s);
        snprintf(s->name, sizeof s->name, "%s", username);
    }
    bool ok = true;
    if (s->locked_until > now) {
        ok = false;
        *retry_s = (int)((s->locked_until - now + 999) / 1000);
    } else {
        if (s->since < now - LOGIN_LOCK_MS) {
            s->count = 0;
            s->since = now;
        }
        if (++s->count >= LOGIN_MAX_FAILURES) s->locked_until = now + LOGIN_LOCK_MS;
    }
    pthread_mutex_unlock(&unknown_mu);
    return ok;
}

static int locked_out(yt_ctx *x, int retry_after_s) {
    x->err.retry_after = retry_after_s > 0 ? retry_after_s : 1;
    return yt_fail(x, YT_ERATE, "username", "too many failed logins; try again later");
}

int auth_login(yt_ctx *x, const char *username, const char *password, char token[YT_TOKEN_LEN],
               int64_t *expires_at, int64_t *staff_id) {
    int64_t now = now_ms();
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
        int retry;
        if (!unknown_attempt(username, now, &retry)) return locked_out(x, retry);
        pthread_once(&dummy_once, make_dummy_hash);
        if (dummy_hash[0]) crypto_pw_verify(dummy_hash, password);
        return yt_fail(x, YT_EAUTH, "password", "wrong username or password");
    }
    /* Reserve this attempt before the expensive check, in one atomic statement: parallel guesses each
     * take a number, and only the first LOGIN_MAX_FAILURES in a window get their password checked. The
     * window starts at the first failure and lasts LOGIN_LOCK_MS; after it the count starts again. */
    int64_t window_start = now - LOGIN_LOCK_MS;
    yt_param q[] = {PI(window_start), PI(window_start), PI(now), PI(window_start), PI(LOGIN_MAX_FAILURES),
                    PI(now + LOGIN_LOCK_MS), PI(id), PI(now)};
    r = db_query(x->db,
                 "UPDATE staff SET"
                 " failed_logins = CASE WHEN failed_since < CAST(? AS BIGINT) THEN 1 ELSE failed_logins + 1 END,"
                 " failed_since = CASE WHEN failed_since < CAST(? AS BIGINT) THEN CAST(? AS BIGINT) ELSE failed_since END,"
                 " locked_until = CASE WHEN (CASE WHEN failed_since < CAST(? AS BIGINT) THEN 1 ELSE failed_logins + 1 END)"
                 "   >= CAST(? AS BIGINT) THEN CAST(? AS BIGINT) ELSE 0 END"
                 " WHERE id = CAST(? AS BIGINT) AND locked_until <= CAST(? AS BIGINT) RETURNING failed_logins",
                 NPARAMS(q), q);
    if (!r) return yt_fail_db(x, "logging in");
    bool reserved = rows_next(r);
    rows_free(r);
    if (!reserved) {
        yt_param l[] = {PI(id)};
        int64_t until = db_query_int(x->db, "SELECT locked_until FROM staff WHERE id = ?", 1, l, now + LOGIN_LOCK_MS);
        return locked_out(x, (int)((until - now + 999) / 1000));
    }
    if (!crypto_pw_verify(hash, password) || !active)
        return yt_fail(x, YT_EAUTH, "password", "wrong username or password");
    *expires_at = now + SESSION_TTL_MS;
    *staff_id = id;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "logging in");
    yt_param s0[] = {PI(id)};
    int64_t tid;
    int rc = db_exec(x->db, "UPDATE staff SET failed_logins = 0, failed_since = 0, locked_until = 0 WHERE id = ?", 1, s0) < 0
                 ? yt_fail_db(x, "logging in")
                 : insert_token(x, id, "session", "login", "", *expires_at, token, &tid);
    return yt_finish(x, rc, "logging in");
}

int auth_resolve(yt_db *db, const char *token, yt_actor *out) {
    char hash[YT_HASH_HEX];
    crypto_token_hash(token, hash);
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
        }
    }
    rows_free(r);
    return rc;
}

int auth_logout(yt_ctx *x, int64_t token_id) {
    yt_param p[] = {PI(now_ms()), PI(token_id)};
    if (db_exec(x->db, "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", 2, p) < 0)
        return yt_fail_db(x, "logging out");
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
    /* Only the token's owner, or someone who manages staff, may revoke it. */
    yt_param p[] = {PI(id)};
    int64_t owner = db_query_int(x->db, "SELECT staff_id FROM tokens WHERE id = ?", 1, p, -1);
    if (owner < 0 || (owner != x->who->staff_id && !(x->who->perms & PERM_STAFF_WRITE)))
        return yt_fail(x, YT_ENOTFOUND, NULL, "no token with id %lld", (long long)id);
    yt_param q[] = {PI(now_ms()), PI(id)};
    if (db_begin(x->db) != 0) return yt_fail_db(x, "revoking a token");
    int rc = db_exec(x->db, "UPDATE tokens SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", 2, q) < 0
                 ? yt_fail_db(x, "revoking a token")
                 : audit_record(x, "token.revoke", "token", id, NULL);
    return yt_finish(x, rc, "revoking a token");
}

int token_list_json(yt_ctx *x, yt_jw *w) {
    yt_param p[] = {PI(x->who->staff_id)};
    yt_rows *r = db_query(x->db,
                          "SELECT id, name, scopes, expires_at, revoked_at, created_at FROM tokens"
                          " WHERE staff_id = ? AND kind = 'api' ORDER BY id DESC",
                          1, p);
    if (!r) return yt_fail_db(x, "listing tokens");
    char ts[40];
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    while (rows_next(r)) {
        jw_obj(w);
        jw_kint(w, "id", rows_int(r, 0));
        jw_kstr(w, "name", rows_text(r, 1));
        jw_key(w, "scopes");
        uint32_t bits = 0;
        char bad[64];
        perms_parse_csv(rows_text(r, 2), &bits, bad, sizeof bad);
        perms_write_json(w, bits);
        time_fmt(rows_int(r, 3), ts, sizeof ts);
        jw_kstr(w, "expires_at", ts);
        if (rows_null(r, 4)) jw_knull(w, "revoked_at");
        else {
            time_fmt(rows_int(r, 4), ts, sizeof ts);
            jw_kstr(w, "revoked_at", ts);
        }
        time_fmt(rows_int(r, 5), ts, sizeof ts);
        jw_kstr(w, "created_at", ts);
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_knull(w, "next_cursor");
    jw_obj_end(w);
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
