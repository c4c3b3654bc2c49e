/* Handlers: staff accounts and retail shops (the API's stores). */
#include "handlers.h"
#include "../base/timeutil.h"
#include "../shop/shop.h"
#include "../staff/staff.h"
#include <string.h>

void h_staff_list(yt_req *r) {
    yt_jw w;
    api_json(r, 200, &w);
    if (staff_list_json(&r->x, &w)) api_fail(r);
}

void h_staff_get(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (staff_write_json(&r->x, &w, id)) api_fail(r);
}

void h_staff_create(yt_req *r) {
    static const char *const allowed[] = {"username", "display_name", "role", "password", "store_id", NULL};
    staff_new in = {0};
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "username", &in.username, true) ||
        !body_str(r, r->json, "display_name", &in.display_name, false) ||
        !body_str(r, r->json, "role", &in.role, true) || !body_str(r, r->json, "password", &in.password, true) ||
        !body_int(r, r->json, "store_id", &in.store_id, NULL))
        return;
    int64_t id;
    if (staff_create(&r->x, &in, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    staff_write_json(&r->x, &w, id);
}

void h_staff_update(yt_req *r) {
    static const char *const allowed[] = {"display_name", "role", "password", "store_id", "active", NULL};
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    staff_patch in = {.active = -1};
    bool active = true, has_active = false;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "display_name", &in.display_name, false) ||
        !body_str(r, r->json, "role", &in.role, false) || !body_str(r, r->json, "password", &in.password, false) ||
        !body_int(r, r->json, "store_id", &in.store_id, &in.set_store) ||
        !body_bool(r, r->json, "active", &active, &has_active))
        return;
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json, "store_id"))) {
        in.set_store = true;
        in.store_id = 0;
    }
    if (has_active) in.active = active;
    if (id == r->who.staff_id && ((in.role && strcmp(in.role, r->who.role) != 0) || in.active == 0)) {
        api_problem(r, 400, in.role ? "role" : "active", "you cannot change your own role or disable yourself");
        return;
    }
    if (staff_update(&r->x, id, &in)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    staff_write_json(&r->x, &w, id);
}

void h_shop_list(yt_req *r) {
    yt_jw w;
    api_json(r, 200, &w);
    if (shop_list_json(&r->x, &w)) api_fail(r);
}

void h_shop_create(yt_req *r) {
    static const char *const allowed[] = {"name", "city", NULL};
    const char *name = NULL, *city = NULL;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &name, true) ||
        !body_str(r, r->json, "city", &city, false))
        return;
    int64_t id;
    if (shop_create(&r->x, name, city, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    jw_obj(&w);
    jw_kint(&w, "id", id);
    jw_kstr(&w, "name", name);
    jw_kstr(&w, "city", city ? city : "");
    char ts[40];
    time_fmt(now_ms(), ts, sizeof ts);
    jw_kstr(&w, "created_at", ts);
    jw_obj_end(&w);
}
