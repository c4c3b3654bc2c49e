/* Handlers: lotteries and red packets, made and watched by staff, drawn and claimed by members for themselves. */
#include "handlers.h"
#include "../base/timeutil.h"
#include "../marketing/lottery.h"
#include "../marketing/redpacket.h"
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

/* A 409's field says which refusal it is; these get their own problem type, as flash sales' do. */
static const struct {
    const char *field, *slug;
} conflict_types[] = {
    {"prizes", "sold-out"},
    {"shares_left", "sold-out"},
    {"max_draws_per_day", "limit-reached"},
    {"free_per_day", "limit-reached"},
};

/* Reports the domain error, with the problem type its refusal has. */
static void marketing_fail(yt_req *r) {
    const yt_err *e = &r->x.err;
    for (size_t i = 0; e->code == YT_ECONFLICT && i < sizeof conflict_types / sizeof conflict_types[0]; i++)
        if (strcmp(e->field, conflict_types[i].field) == 0) {
            api_problem_with(r, 409, e->field, e->msg, &(problem_extra){.position = -1, .slug = conflict_types[i].slug});
            return;
        }
    api_fail(r);
}

/* A required ISO 8601 time member. */
static bool body_when(yt_req *r, const char *key, int64_t *ms) {
    const char *s = NULL;
    if (!body_str(r, r->json, key, &s, true)) return false;
    if (!time_parse(s, ms)) {
        char detail[96];
        snprintf(detail, sizeof detail, "%s must be an ISO 8601 time (2026-12-12T20:00:00+08:00)", key);
        api_problem(r, 400, key, detail);
        return false;
    }
    return true;
}

/* A required integer member; false after answering 400 when it is absent or not an integer. */
static bool body_need_int(yt_req *r, const char *key, int64_t *out) {
    bool given;
    if (!body_int(r, r->json, key, out, &given)) return false;
    if (!given) {
        char detail[64];
        snprintf(detail, sizeof detail, "%s is required", key);
        api_problem(r, 400, key, detail);
    }
    return given;
}

/* ---- lotteries ---- */

/* A prize's members: text or an integer, where each goes, and the flag that says it was given (or none). */
static const struct {
    const char *key;
    bool text;
    size_t at, given;
} prize_members[] = {
    {"name", true, offsetof(lottery_prize_input, name), SIZE_MAX},
    {"kind", true, offsetof(lottery_prize_input, kind), SIZE_MAX},
    {"points", false, offsetof(lottery_prize_input, points), offsetof(lottery_prize_input, has_points)},
    {"stock", false, offsetof(lottery_prize_input, stock), offsetof(lottery_prize_input, has_stock)},
    {"weight", false, offsetof(lottery_prize_input, weight), SIZE_MAX},
};

/* prizes: [{name, kind, points, stock, weight}]; a problem names the member within its prize, prizes[2].weight.
 * What each value may be is the domain's to say. */
static bool read_prizes(yt_req *r, lottery_input *in) {
    const cJSON *prizes = cJSON_GetObjectItemCaseSensitive(r->json, "prizes");
    if (!cJSON_IsArray(prizes) || cJSON_GetArraySize(prizes) < 1 || cJSON_GetArraySize(prizes) > LOTTERY_PRIZES_MAX) {
        api_problem(r, 400, "prizes", "prizes must be an array of 1 to 20 prizes {name, kind, points, stock, weight}");
        return false;
    }
    const cJSON *it, *m;
    cJSON_ArrayForEach(it, prizes) {
        char field[64];
        snprintf(field, sizeof field, "prizes[%d]", in->nprizes);
        if (!cJSON_IsObject(it)) {
            api_problem(r, 400, field, "each prize is an object {name, kind, points, stock, weight}");
            return false;
        }
        char *z = (char *)&in->prizes[in->nprizes];
        cJSON_ArrayForEach(m, it) {
            size_t k = 0, n = sizeof prize_members / sizeof prize_members[0];
            while (k < n && strcmp(prize_members[k].key, m->string) != 0) k++;
            snprintf(field, sizeof field, "prizes[%d].%.24s", in->nprizes, m->string);
            if (k == n) {
                api_problem(r, 400, field, "a prize has name, kind, points, stock and weight only");
                return false;
            }
            if (cJSON_IsNull(m)) continue;
            if (prize_members[k].text) {
                if (!cJSON_IsString(m)) {
                    api_problem(r, 400, field, "must be a string");
                    return false;
                }
                *(const char **)(z + prize_members[k].at) = m->valuestring;
                continue;
            }
            if (!cJSON_IsNumber(m) || m->valuedouble != floor(m->valuedouble) || fabs(m->valuedouble) > 9007199254740991.0) {
                api_problem(r, 400, field, "must be an integer");
                return false;
            }
            *(int64_t *)(z + prize_members[k].at) = (int64_t)m->valuedouble;
            if (prize_members[k].given != SIZE_MAX) *(bool *)(z + prize_members[k].given) = true;
        }
        in->nprizes++;
    }
    return true;
}

void h_lottery_create(yt_req *r) {
    static const char *const allowed[] = {"name", "starts_at", "ends_at", "cost_points", "free_per_day", "max_draws_per_day",
                                          "prizes", NULL};
    lottery_input in;
    memset(&in, 0, sizeof in);
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &in.name, true) ||
        !body_when(r, "starts_at", &in.starts_at) || !body_when(r, "ends_at", &in.ends_at) ||
        !body_int(r, r->json, "cost_points", &in.cost_points, NULL) || !body_int(r, r->json, "free_per_day", &in.free_per_day, NULL))
        return;
    bool has_max;
    if (!body_int(r, r->json, "max_draws_per_day", &in.max_draws_per_day, &has_max)) return;
    if (has_max && in.max_draws_per_day < 1) {
        api_problem(r, 400, "max_draws_per_day", "max_draws_per_day is from 1 to 1000, or left out for no limit");
        return;
    }
    if (!read_prizes(r, &in)) return;
    int64_t id;
    if (lottery_create(&r->x, &in, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (lottery_write_json(&r->x, &w, id)) api_fail(r);
}

void h_lottery_get(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (lottery_write_json(&r->x, &w, id)) api_fail(r);
}

void h_lottery_stats(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (lottery_stats_json(&r->x, &w, id)) api_fail(r);
}

void h_lottery_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (lottery_list_json(&r->x, &w, limit, cursor)) api_fail(r);
}

void h_lottery_stop(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    if (lottery_stop(&r->x, id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (lottery_write_json(&r->x, &w, id)) api_fail(r);
}

void h_lottery_draws(yt_req *r) {
    int limit;
    int64_t cursor, id = api_param_id(r, 0);
    if (!id || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (lottery_draws_json(&r->x, &w, id, limit, cursor)) api_fail(r);
}

void h_member_lottery(yt_req *r) {
    int64_t me = api_member(r), id = me ? api_param_id(r, 0) : 0;
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (lottery_member_json(&r->x, &w, id, me)) api_fail(r);
}

/* {} -> 201 {draw_id, prize: {id, name, kind, points} or null (nothing won), free, cost, balance, free_left_today}. */
void h_member_lottery_draw(yt_req *r) {
    static const char *const allowed[] = {NULL};
    int64_t me = api_member(r), id = me ? api_param_id(r, 0) : 0;
    if (!id || !body_only(r, r->json, allowed)) return;
    lottery_draw_result res;
    if (lottery_draw(&r->x, id, me, &res)) {
        marketing_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    jw_obj(&w);
    jw_kint(&w, "draw_id", res.draw_id);
    jw_kint(&w, "lottery_id", id);
    if (res.prize_id) {
        jw_key(&w, "prize");
        jw_obj(&w);
        jw_kint(&w, "id", res.prize_id);
        jw_kstr(&w, "name", res.prize_name);
        jw_kstr(&w, "kind", res.prize_kind);
        if (res.prize_points) jw_kint(&w, "points", res.prize_points);
        else jw_knull(&w, "points");
        jw_obj_end(&w);
    } else {
        jw_knull(&w, "prize");
    }
    jw_kbool(&w, "free", res.free);
    jw_kint(&w, "cost", res.cost);
    jw_kint(&w, "balance", res.balance);
    jw_kint(&w, "free_left_today", res.free_left);
    jw_obj_end(&w);
}

/* ---- red packets ---- */

void h_red_packet_create(yt_req *r) {
    static const char *const allowed[] = {"name", "total", "count", "mode", "starts_at", "ends_at", NULL};
    red_packet_input in = {0};
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &in.name, true) ||
        !body_str(r, r->json, "mode", &in.mode, true) || !body_need_int(r, "total", &in.total) ||
        !body_need_int(r, "count", &in.count) || !body_when(r, "starts_at", &in.starts_at) ||
        !body_when(r, "ends_at", &in.ends_at))
        return;
    int64_t id;
    if (red_packet_create(&r->x, &in, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (red_packet_write_json(&r->x, &w, id)) api_fail(r);
}

void h_red_packet_get(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (red_packet_write_json(&r->x, &w, id)) api_fail(r);
}

void h_red_packet_stop(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    if (red_packet_stop(&r->x, id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (red_packet_write_json(&r->x, &w, id)) api_fail(r);
}

void h_red_packet_stats(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (red_packet_stats_json(&r->x, &w, id)) api_fail(r);
}

void h_red_packet_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (red_packet_list_json(&r->x, &w, limit, cursor)) api_fail(r);
}

void h_red_packet_claims(yt_req *r) {
    int limit;
    int64_t cursor, id = api_param_id(r, 0);
    if (!id || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (red_packet_claims_json(&r->x, &w, id, limit, cursor)) api_fail(r);
}

void h_member_red_packet(yt_req *r) {
    int64_t me = api_member(r), id = me ? api_param_id(r, 0) : 0;
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (red_packet_member_json(&r->x, &w, id, me)) api_fail(r);
}

/* {} -> 201 {claim_id, red_packet_id, amount, best_luck, replay: false, balance}; claimed before: 200, the same
 * share, replay: true. best_luck is null until every share is claimed. */
void h_member_red_packet_claim(yt_req *r) {
    static const char *const allowed[] = {NULL};
    int64_t me = api_member(r), id = me ? api_param_id(r, 0) : 0;
    if (!id || !body_only(r, r->json, allowed)) return;
    red_packet_claim_result res;
    if (red_packet_claim(&r->x, id, me, &res)) {
        marketing_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, res.replay ? 200 : 201, &w);
    jw_obj(&w);
    jw_kint(&w, "claim_id", res.claim_id);
    jw_kint(&w, "red_packet_id", id);
    jw_kint(&w, "amount", res.amount);
    if (res.best_luck < 0) jw_knull(&w, "best_luck");
    else jw_kbool(&w, "best_luck", res.best_luck != 0);
    jw_kbool(&w, "replay", res.replay);
    jw_kint(&w, "balance", res.balance);
    jw_obj_end(&w);
}
