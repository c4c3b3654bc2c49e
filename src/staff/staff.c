/* Staff accounts: create, update, list. */
#include "staff.h"
#include "../base/crypto.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "auth.h"
#include "roles.h"
#include "../shop/shop.h"
#include <stdio.h>
#include <string.h>

#define STAFF_COLS "id, username, display_name, role, store_id, active, created_at"

static int check_password(yt_ctx *x, const char *pw) {
    if (utf8_chars(pw) < 8) return yt_fail(x, YT_EINVAL, "password", "must be at least 8 characters");
    if (strlen(pw) > 256) return yt_fail(x, YT_EINVAL, "password", "must be at most 256 bytes");
    bool visible = false;
    for (const unsigned char *p = (const unsigned char *)pw; *p; p++) {
        if (*p < 0x20 || *p == 0x7f) return yt_fail(x, YT_EINVAL, "password", "must not contain control characters");
        if (*p != ' ') visible = true;
    }
    if (!visible) return yt_fail(x, YT_EINVAL, "password", "must not be only spaces");
    return YT_OK;
}

static int check_username(yt_ctx *x, const char *u) {
    size_t n = strlen(u);
    if (n < 2 || n > 32) return yt_fail(x, YT_EINVAL, "username", "must be 2 to 32 characters");
    for (const char *p = u; *p; p++)
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '_' || *p == '.' || *p == '-'))
            return yt_fail(x, YT_EINVAL, "username", "may only contain a-z, 0-9, '_', '.' and '-'");
    return YT_OK;
}

static int check_shop(yt_ctx *x, int64_t store_id) {
    if (store_id && !shop_exists(x->db, store_id))
        return yt_fail(x, YT_EINVAL, "store_id", "no store with id %lld", (long long)store_id);
    return YT_OK;
}

/* Nobody hands out more than they hold: a role (or an account to change) whose permissions are not all
 * the actor's own is refused, so a token scoped to staff.write cannot mint an owner. */
static int check_within_actor(yt_ctx *x, const char *field, const yt_role *role) {
    if ((role->perms & ~x->who->perms) != 0)
        return yt_fail(x, YT_EFORBIDDEN, field, "you cannot give or change a role with permissions you do not have");
    /* admin holds every permission an owner does; ownership itself is given and taken only by owners */
    if (strcmp(role->name, "owner") == 0 && strcmp(x->who->role, "owner") != 0)
        return yt_fail(x, YT_EFORBIDDEN, field, "only an owner can make or change an owner");
    return YT_OK;
}

int staff_check_manage(yt_ctx *x, int64_t id, const char *field) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT role FROM staff WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading staff");
    const yt_role *role = rows_next(r) ? role_find(rows_text(r, 0)) : NULL;
    rows_free(r);
    if (!role) return yt_fail(x, YT_ENOTFOUND, field, "no staff with id %lld", (long long)id);
    if (!(x->who->perms & PERM_STAFF_WRITE))
        return yt_fail(x, YT_EFORBIDDEN, field, "managing other people needs staff.write");
    return check_within_actor(x, field, role);
}

int staff_create(yt_ctx *x, const staff_new *in, int64_t *id) {
    if (check_username(x, in->username) || check_password(x, in->password) || check_shop(x, in->store_id))
        return x->err.code;
    const yt_role *role = role_find(in->role);
    if (!role) return yt_fail(x, YT_EINVAL, "role", "unknown role '%s'", in->role);
    if (check_within_actor(x, "role", role)) return x->err.code;
    const char *display = in->display_name && *in->display_name ? in->display_name : in->username;
    if (utf8_chars(display) > 64) return yt_fail(x, YT_EINVAL, "display_name", "must be at most 64 characters");
    if (text_unreadable(display)) return yt_fail(x, YT_EINVAL, "display_name", "%s", text_unreadable(display));
    char hash[YT_PWHASH_LEN];
    if (!crypto_pw_hash(in->password, hash)) return yt_fail(x, YT_EINTERNAL, NULL, "cannot hash the password");
    int64_t now = now_ms();
    yt_param p[] = {PT(in->username), PT(display), PT(in->role), in->store_id ? PI(in->store_id) : PNULL,
                    PT(hash), PI(now), PI(now)};
    if (db_begin(x->db) != 0) return yt_fail_db(x, "creating staff");
    *id = db_query_int(x->db,
                       "INSERT INTO staff(username, display_name, role, store_id, pw_hash, created_at, updated_at)"
                       " VALUES(?,?,?,?,?,?,?) RETURNING id",
                       NPARAMS(p), p, 0);
    if (*id == 0) {
        bool dup = db_unique_violation(x->db);
        int rc = dup ? yt_fail(x, YT_ECONFLICT, "username", "username '%s' is taken", in->username)
                     : yt_fail_db(x, "creating staff");
        db_rollback(x->db);
        return rc;
    }
    char summary[200];
    snprintf(summary, sizeof summary, "{\"after\":{\"role\":\"%s\"}}", in->role);
    return yt_finish(x, audit_record(x, "staff.create", "staff", *id, summary), "creating staff");
}

int staff_update(yt_ctx *x, int64_t id, const staff_patch *in) {
    yt_param pid[] = {PI(id)};
    yt_rows *cur = db_query(x->db, "SELECT role, username FROM staff WHERE id = ?", 1, pid);
    if (!cur) return yt_fail_db(x, "updating staff");
    bool exists = rows_next(cur);
    const yt_role *current = exists ? role_find(rows_text(cur, 0)) : NULL;
    char uname[64] = "";
    if (exists) snprintf(uname, sizeof uname, "%s", rows_text(cur, 1));
    rows_free(cur);
    if (!exists) return yt_fail(x, YT_ENOTFOUND, NULL, "no staff with id %lld", (long long)id);
    if (current && check_within_actor(x, "id", current)) return x->err.code;
    const yt_role *next = in->role ? role_find(in->role) : NULL;
    if (in->role && !next) return yt_fail(x, YT_EINVAL, "role", "unknown role '%s'", in->role);
    if (next && check_within_actor(x, "role", next)) return x->err.code;
    if (in->display_name && (utf8_chars(in->display_name) < 1 || utf8_chars(in->display_name) > 64))
        return yt_fail(x, YT_EINVAL, "display_name", "must be 1 to 64 characters");
    if (in->display_name && text_unreadable(in->display_name))
        return yt_fail(x, YT_EINVAL, "display_name", "%s", text_unreadable(in->display_name));
    if (in->password && check_password(x, in->password)) return x->err.code;
    if (in->set_store && check_shop(x, in->store_id)) return x->err.code;
    char hash[YT_PWHASH_LEN] = "";
    if (in->password && !crypto_pw_hash(in->password, hash))
        return yt_fail(x, YT_EINTERNAL, NULL, "cannot hash the password");
    int64_t now = now_ms();
    yt_param p[] = {PT(in->display_name), PT(in->role), PI(in->set_store), in->store_id ? PI(in->store_id) : PNULL,
                    PI(in->active), PT(in->password ? hash : NULL), PI(now), PI(id)};
    if (db_begin(x->db) != 0) return yt_fail_db(x, "updating staff");
    yt_param q[] = {p[0], p[1], p[2], p[3], p[4], p[4], p[5], p[6], p[7]};
    if (db_exec(x->db,
                "UPDATE staff SET display_name = COALESCE(?, display_name), role = COALESCE(?, role),"
                " store_id = CASE WHEN ? = 1 THEN ? ELSE store_id END,"
                " active = CASE WHEN ? >= 0 THEN ? ELSE active END,"
                " pw_hash = COALESCE(?, pw_hash), updated_at = ? WHERE id = ?",
                NPARAMS(q), q) < 0) {
        db_rollback(x->db);
        return yt_fail_db(x, "updating staff");
    }
    /* A token lives no longer than the access it was minted under: a new password, another role or a
     * disabled account ends every session and API token of that person. A new password also forgets
     * the failed logins counted against the account. */
    bool role_changed = next && current && next != current;
    if (in->active == 0 || in->password || role_changed) {
        yt_param r[] = {PI(now), PI(id)};
        if (db_exec(x->db, "UPDATE tokens SET revoked_at = ? WHERE staff_id = ? AND revoked_at IS NULL", 2, r) < 0) {
            db_rollback(x->db);
            return yt_fail_db(x, "ending the tokens of a staff member");
        }
    }
    auth_cache_clear_after_commit(x->db); /* a role, a store, an account switched off: tokens answer anew */
    if (in->password && auth_unlock(x, uname)) {
        db_rollback(x->db);
        return x->err.code;
    }
    yt_buf s = YT_BUF_INIT;
    yt_jw w;
    jw_init(&w, &s);
    jw_obj(&w);
    jw_key(&w, "changed");
    jw_arr(&w);
    if (in->display_name) jw_str(&w, "display_name");
    if (in->role) jw_str(&w, "role");
    if (in->set_store) jw_str(&w, "store_id");
    if (in->active >= 0) jw_str(&w, "active");
    if (in->password) jw_str(&w, "password");
    jw_arr_end(&w);
    if (in->role) jw_kstr(&w, "role", in->role);
    jw_obj_end(&w);
    int rc = audit_record(x, "staff.update", "staff", id, s.p);
    buf_free(&s);
    if (rc || db_commit(x->db) != 0) {
        db_rollback(x->db);
        return rc ? rc : yt_fail_db(x, "updating staff");
    }
    return YT_OK;
}

static void write_row(yt_jw *w, yt_rows *r) {
    char ts[40];
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "username", rows_text(r, 1));
    jw_kstr(w, "display_name", rows_text(r, 2));
    jw_kstr(w, "role", rows_text(r, 3));
    if (rows_null(r, 4)) jw_knull(w, "store_id");
    else jw_kint(w, "store_id", rows_int(r, 4));
    jw_kbool(w, "active", rows_int(r, 5) != 0);
    time_fmt(rows_int(r, 6), ts, sizeof ts);
    jw_kstr(w, "created_at", ts);
    jw_obj_end(w);
}

int staff_write_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " STAFF_COLS " FROM staff WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading staff");
    int rc = YT_OK;
    if (rows_next(r)) write_row(w, r);
    else rc = yt_fail(x, YT_ENOTFOUND, NULL, "no staff with id %lld", (long long)id);
    rows_free(r);
    return rc;
}

int staff_list_json(yt_ctx *x, yt_jw *w) {
    yt_rows *r = db_query(x->db, "SELECT " STAFF_COLS " FROM staff ORDER BY id", 0, NULL);
    if (!r) return yt_fail_db(x, "listing staff");
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    while (rows_next(r)) write_row(w, r);
    jw_arr_end(w);
    jw_knull(w, "next_cursor");
    jw_obj_end(w);
    rows_free(r);
    return YT_OK;
}

int64_t staff_id_by_username(yt_db *db, const char *username) {
    yt_param p[] = {PT(username)};
    return db_query_int(db, "SELECT id FROM staff WHERE username = ?", 1, p, 0);
}

bool staff_exists(yt_db *db, int64_t id) {
    yt_param p[] = {PI(id)};
    return db_query_int(db, "SELECT 1 FROM staff WHERE id = ?", 1, p, 0) == 1;
}
