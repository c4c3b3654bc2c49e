/* Handlers: auto-tag rules — list, create, read, change, delete, history; a rule applies to everyone when it
 * is made or changed (the answer says how many tags it added and removed). */
#include "handlers.h"
#include "segment_json.h"
#include "server.h"
#include "../audience/rules.h"
#include "../base/text.h"
#include <stdlib.h>
#include <string.h>

/* Reads the body into r (fields absent keep their values); false with the answer set. */
static bool read_rule(yt_req *req, tag_rule *r, bool create) {
    static const char *const allowed[] = {"name", "query", "event", "add", "remove", "active", NULL};
    if (!body_only(req, req->json, allowed)) return false;
    const char *name = NULL;
    if (!body_str(req, req->json, "name", &name, create)) return false;
    if (name) r->name = name;
    bool active = r->active, has_active = false;
    if (!body_bool(req, req->json, "active", &active, &has_active)) return false;
    r->active = active;
    const cJSON *ev = cJSON_GetObjectItemCaseSensitive(req->json, "event");
    bool has_query = cJSON_GetObjectItemCaseSensitive(req->json, "query") != NULL;
    if (ev && !cJSON_IsNull(ev) && has_query) {
        api_problem(req, 400, "event", "a rule has a query or an event trigger, not both");
        return false;
    }
    if (ev && !cJSON_IsNull(ev)) {
        static const char *const ev_allowed[] = {"type", "within", NULL};
        const char *type = NULL, *within = NULL;
        if (!cJSON_IsObject(ev)) {
            api_problem(req, 400, "event", "event must be an object {type, within}");
            return false;
        }
        if (!body_only(req, ev, ev_allowed) || !body_str(req, ev, "type", &type, true) || !body_str(req, ev, "within", &within, false))
            return false;
        if (!*type || utf8_chars(type) > 64 || text_unreadable(type)) {
            api_problem(req, 400, "event.type", "event.type must be an event type of 1 to 64 readable characters");
            return false;
        }
        char *end;
        long days = within ? strtol(within, &end, 10) : 36600;
        if (within && (end == within || (strcmp(end, "d") != 0 && strcmp(end, "w") != 0))) days = -1;
        else if (within && strcmp(end, "w") == 0) days = days > 0 && days <= SEG_MAX_DAYS / 7 ? days * 7 : -1;
        if (days < 1 || days > SEG_MAX_DAYS) {
            api_problem(req, 400, "event.within", "event.within must be 1d to 36600d (or weeks, 2w)");
            return false;
        }
        r->event = type;
        r->event_days = (int32_t)days;
        r->query = tag_rule_event_query(&req->arena, type, r->event_days);
    } else if (has_query) {
        seg_node *node;
        const char *text;
        if (!api_segment_query(req, true, &node, &text)) return false;
        r->query = text;
        r->event = NULL;
        r->event_days = 0;
    } else if (create) {
        api_problem(req, 400, "query", "a rule needs a query (a segment condition) or an event trigger");
        return false;
    }
    const char **add = NULL, **remove = NULL;
    int nadd = -1, nremove = -1;
    if (cJSON_GetObjectItemCaseSensitive(req->json, "add") && !body_str_array(req, req->json, "add", &add, &nadd, RULE_MAX_TAGS)) return false;
    if (cJSON_GetObjectItemCaseSensitive(req->json, "remove") && !body_str_array(req, req->json, "remove", &remove, &nremove, RULE_MAX_TAGS))
        return false;
    if (nadd >= 0) {
        r->nadd = nadd;
        for (int i = 0; i < nadd; i++) r->add[i] = add[i];
    }
    if (nremove >= 0) {
        r->nremove = nremove;
        for (int i = 0; i < nremove; i++) r->remove[i] = remove[i];
    }
    return true;
}

/* Checks, saves, applies to everyone, answers the rule with what it did. */
static void save_and_apply(yt_req *req, tag_rule *r, int status) {
    audience *a = req->server->audience;
    if (!api_audience_synced(req)) return;
    const char **cycle;
    int ncycle;
    seg_error serr;
    int rc = audience_rules_begin(&req->x);
    if (rc) {
        api_fail(req);
        return;
    }
    rc = tag_rule_check(a, &req->x, r, &cycle, &ncycle, &serr);
    if (rc == YT_OK) rc = tag_rule_save(&req->x, r);
    rc = audience_rules_end(&req->x, rc);
    if (rc == YT_EINVAL && (ncycle || serr.pos >= 0)) {
        api_problem_with(req, 422, req->x.err.field, req->x.err.msg,
                         &(problem_extra){.position = serr.pos, .list_key = ncycle ? "cycle" : NULL, .list = cycle, .nlist = ncycle});
        return;
    }
    if (rc) {
        api_fail(req);
        return;
    }
    int64_t added = 0, removed = 0;
    if (tag_rules_apply(a, &req->x, r->id, &added, &removed) || tag_rule_get(&req->x, r->id, r)) {
        api_fail(req);
        return;
    }
    yt_jw w;
    api_json(req, status, &w);
    jw_obj(&w);
    jw_key(&w, "rule");
    tag_rule_write_json(&w, r);
    jw_key(&w, "applied");
    jw_obj(&w);
    jw_kint(&w, "added", added);
    jw_kint(&w, "removed", removed);
    jw_obj_end(&w);
    jw_obj_end(&w);
}

void h_tag_rule_create(yt_req *req) {
    tag_rule r = {.active = true};
    if (read_rule(req, &r, true)) save_and_apply(req, &r, 201);
}

void h_tag_rule_update(yt_req *req) {
    int64_t id = api_param_id(req, 0);
    tag_rule r;
    if (!id) return;
    if (tag_rule_get(&req->x, id, &r)) {
        api_fail(req);
        return;
    }
    if (read_rule(req, &r, false)) save_and_apply(req, &r, 200);
}

void h_tag_rule_get(yt_req *req) {
    int64_t id = api_param_id(req, 0);
    tag_rule r;
    if (!id) return;
    if (tag_rule_get(&req->x, id, &r)) {
        api_fail(req);
        return;
    }
    yt_jw w;
    api_json(req, 200, &w);
    tag_rule_write_json(&w, &r);
}

void h_tag_rule_delete(yt_req *req) {
    int64_t id = api_param_id(req, 0);
    if (!id) return;
    if (tag_rule_delete(&req->x, id)) api_fail(req);
    else req->status = 204;
}

void h_tag_rule_list(yt_req *req) {
    int limit;
    int64_t cursor;
    if (!api_paging(req, &limit, &cursor)) return;
    yt_jw w;
    api_json(req, 200, &w);
    if (tag_rule_list_json(&req->x, &w, limit, cursor)) api_fail(req);
}

void h_tag_rule_history(yt_req *req) {
    int64_t id = api_param_id(req, 0), cursor;
    int limit;
    tag_rule r;
    if (!id || !api_paging(req, &limit, &cursor)) return;
    if (tag_rule_get(&req->x, id, &r)) {
        api_fail(req);
        return;
    }
    yt_jw w;
    api_json(req, 200, &w);
    if (tag_rule_history_json(&req->x, &w, id, limit, cursor)) api_fail(req);
}
