/* Handlers: tags and tag groups. */
#include "handlers.h"
#include "../tag/tag.h"

void h_tag_list(yt_req *r) {
    yt_jw w;
    api_json(r, 200, &w);
    if (tag_list_json(&r->x, &w)) api_fail(r);
}

void h_tag_create(yt_req *r) {
    static const char *const allowed[] = {"name", "group_id", NULL};
    const char *name = NULL;
    int64_t group = 0;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &name, true) ||
        !body_int(r, r->json, "group_id", &group, NULL))
        return;
    int64_t id;
    if (tag_create(&r->x, name, group, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    tag_write_json(&r->x, &w, id);
}

void h_tag_update(yt_req *r) {
    static const char *const allowed[] = {"name", "group_id", NULL};
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    const char *name = NULL;
    int64_t group = 0;
    bool set_group = false;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &name, false) ||
        !body_int(r, r->json, "group_id", &group, &set_group))
        return;
    if (cJSON_IsNull(cJSON_GetObjectItemCaseSensitive(r->json, "group_id"))) set_group = true;
    if (tag_update(&r->x, id, name, set_group, group)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    tag_write_json(&r->x, &w, id);
}

void h_tag_delete(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    if (tag_delete(&r->x, id)) api_fail(r);
    else r->status = 204;
}

void h_tag_group_list(yt_req *r) {
    yt_jw w;
    api_json(r, 200, &w);
    if (tag_group_list_json(&r->x, &w)) api_fail(r);
}

void h_tag_group_create(yt_req *r) {
    static const char *const allowed[] = {"name", NULL};
    const char *name = NULL;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &name, true)) return;
    int64_t id;
    if (tag_group_create(&r->x, name, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    tag_group_write_json(&r->x, &w, id);
}

void h_tag_group_update(yt_req *r) {
    static const char *const allowed[] = {"name", NULL};
    int64_t id = api_param_id(r, 0);
    const char *name = NULL;
    if (!id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &name, true)) return;
    if (tag_group_rename(&r->x, id, name)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    tag_group_write_json(&r->x, &w, id);
}

void h_tag_group_delete(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    if (tag_group_delete(&r->x, id)) api_fail(r);
    else r->status = 204;
}
