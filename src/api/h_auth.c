/* Handlers: login, logout, who am I, API tokens. */
#include "handlers.h"
#include "../base/timeutil.h"
#include "../staff/auth.h"
#include "../staff/roles.h"
#include "../staff/staff.h"
#include <stdio.h>
#include <string.h>

void h_login(yt_req *r) {
    const char *user = NULL, *pw = NULL;
    static const char *const allowed[] = {"username", "password", NULL};
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "username", &user, true) ||
        !body_str(r, r->json, "password", &pw, true))
        return;
    if (strlen(user) > 64 || strlen(pw) > 256) {
        api_problem(r, 401, NULL, "wrong username or password");
        return;
    }
    char token[YT_TOKEN_LEN];
    int64_t expires, staff_id;
    if (auth_login(&r->x, user, pw, r->client_ip, token, &expires, &staff_id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kstr(&w, "token", token);
    char ts[40];
    time_fmt(expires, ts, sizeof ts);
    jw_kstr(&w, "expires_at", ts);
    jw_key(&w, "user");
    staff_write_json(&r->x, &w, staff_id);
    jw_obj_end(&w);
}

void h_logout(yt_req *r) {
    if (auth_logout(&r->x, r->who.token_id)) {
        api_fail(r);
        return;
    }
    r->status = 204;
}

void h_me(yt_req *r) {
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_key(&w, "user");
    if (staff_write_json(&r->x, &w, r->who.staff_id)) {
        api_fail(r);
        return;
    }
    jw_key(&w, "permissions");
    perms_write_json(&w, r->who.perms);
    jw_obj_end(&w);
}

void h_token_create(yt_req *r) {
    static const char *const allowed[] = {"name", "scopes", "ttl_days", NULL};
    const char *name = NULL;
    const char **scopes = NULL;
    int nscopes = 0;
    int64_t ttl = 30;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &name, true) ||
        !body_str_array(r, r->json, "scopes", &scopes, &nscopes, 32) || !body_int(r, r->json, "ttl_days", &ttl, NULL))
        return;
    uint32_t bits = 0;
    for (int i = 0; i < nscopes; i++) {
        uint32_t b = perm_bit(scopes[i]);
        char field[32];
        snprintf(field, sizeof field, "scopes[%d]", i);
        if (!b) {
            api_problem(r, 400, field, "unknown permission");
            return;
        }
        if (!(r->who.perms & b)) {
            api_problem(r, 400, field, "a token cannot have a permission its owner lacks");
            return;
        }
        bits |= b;
    }
    if (ttl < 1 || ttl > 3650) {
        api_problem(r, 400, "ttl_days", "ttl_days must be 1 to 3650");
        return;
    }
    if (nscopes == 0) bits = r->who.perms;
    char token[YT_TOKEN_LEN];
    int64_t id, expires;
    if (token_create(&r->x, r->who.staff_id, name, bits, (int)ttl, token, &id, &expires)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    jw_obj(&w);
    jw_kint(&w, "id", id);
    jw_kstr(&w, "token", token);
    jw_kstr(&w, "name", name);
    jw_key(&w, "scopes");
    perms_write_json(&w, bits);
    char ts[40];
    time_fmt(expires, ts, sizeof ts);
    jw_kstr(&w, "expires_at", ts);
    jw_obj_end(&w);
}

void h_token_list(yt_req *r) {
    yt_jw w;
    api_json(r, 200, &w);
    if (token_list_json(&r->x, &w, r->who.staff_id, false)) api_fail(r);
}

void h_token_revoke(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    if (token_revoke(&r->x, id)) {
        api_fail(r);
        return;
    }
    r->status = 204;
}

void h_staff_tokens(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    if (id != r->who.staff_id && staff_check_manage(&r->x, id, NULL)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (token_list_json(&r->x, &w, id, true)) api_fail(r);
}
