/* Lotteries: the draw rule (pure), lotteries and their prizes in the store, a member's draw, and the draws kept
 * as the audit trail. */
#include "lottery.h"
#include "../base/timeutil.h"
#include "../commerce/mall_order.h"
#include "../customer/customer.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include "../loyalty/points.h"
#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define YEAR_MS (366LL * 86400000)

/* ---- the draw rule ---- */

uint32_t lottery_weight(const lottery_slot *slots, int n) {
    uint32_t total = 0;
    for (int i = 0; i < n; i++)
        if (slots[i].available) total += slots[i].weight;
    return total;
}

int lottery_pick(const lottery_slot *slots, int n, uint32_t value) {
    for (int i = 0; i < n; i++) {
        if (!slots[i].available) continue;
        if (value < slots[i].weight) return i;
        value -= slots[i].weight;
    }
    return -1;
}

int lottery_roll(const lottery_slot *slots, int n, uint32_t *value, uint32_t *total) {
    *total = lottery_weight(slots, n);
    *value = 0;
    if (*total == 0) return -1;
    *value = randombytes_uniform(*total);
    return lottery_pick(slots, n, *value);
}

/* ---- prize kinds ---- */

static const struct {
    const char *name;
    bool stocked;   /* has stock, which draws use up; 'none' has none and never runs out */
    bool points;    /* credits points when won */
} kinds[] = {
    {"points", true, true},
    {"coupon_placeholder", true, false}, /* a coupon to be issued by hand until coupons exist */
    {"goods", true, false},
    {"none", false, false},
};

static int kind_of(const char *name) {
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++)
        if (name && strcmp(kinds[i].name, name) == 0) return (int)i;
    return -1;
}

/* ---- definitions ---- */

static int prize_fail(yt_ctx *x, int i, const char *member, const char *msg) {
    char field[48];
    snprintf(field, sizeof field, "prizes[%d].%s", i, member);
    return yt_fail(x, YT_EINVAL, field, "%s", msg);
}

static int check_prize(yt_ctx *x, int i, const lottery_prize_input *p) {
    char field[48];
    snprintf(field, sizeof field, "prizes[%d].name", i);
    if (!p->name) return prize_fail(x, i, "name", "is required");
    if (yt_check_text(x, field, p->name, 1, 50)) return x->err.code;
    int k = kind_of(p->kind);
    if (k < 0) return prize_fail(x, i, "kind", "must be points, coupon_placeholder, goods or none");
    if (p->weight < 1 || p->weight > LOTTERY_WEIGHT_MAX) return prize_fail(x, i, "weight", "must be a whole number from 1 to 1000000");
    if (kinds[k].points && (!p->has_points || p->points < 1 || p->points > LOTTERY_PRIZE_POINTS_MAX))
        return prize_fail(x, i, "points", "a points prize credits 1 to 1000000 points");
    if (!kinds[k].points && p->has_points) return prize_fail(x, i, "points", "only a points prize credits points");
    if (kinds[k].stocked && (!p->has_stock || p->stock < 1 || p->stock > LOTTERY_STOCK_MAX))
        return prize_fail(x, i, "stock", "a prize has a stock of 1 to 1000000");
    if (!kinds[k].stocked && p->has_stock) return prize_fail(x, i, "stock", "a 'none' prize has no stock");
    return YT_OK;
}

int lottery_create(yt_ctx *x, const lottery_input *in, int64_t *id) {
    if (yt_check_text(x, "name", in->name ? in->name : "", 1, 100)) return x->err.code;
    if (in->cost_points < 0 || in->cost_points > LOTTERY_COST_MAX)
        return yt_fail(x, YT_EINVAL, "cost_points", "is from 0 to %lld points", (long long)LOTTERY_COST_MAX);
    if (in->free_per_day < 0 || in->free_per_day > LOTTERY_FREE_PER_DAY_MAX)
        return yt_fail(x, YT_EINVAL, "free_per_day", "is from 0 to %d", LOTTERY_FREE_PER_DAY_MAX);
    if (in->cost_points == 0 && in->free_per_day == 0)
        return yt_fail(x, YT_EINVAL, "cost_points", "a draw costs points, or the lottery gives free draws a day, or both");
    if (in->max_draws_per_day < 0 || in->max_draws_per_day > LOTTERY_DRAWS_PER_DAY_MAX)
        return yt_fail(x, YT_EINVAL, "max_draws_per_day", "is from 1 to %d, or left out for no limit", LOTTERY_DRAWS_PER_DAY_MAX);
    if (in->ends_at <= in->starts_at) return yt_fail(x, YT_EINVAL, "ends_at", "must be after starts_at");
    if (in->ends_at - in->starts_at > YEAR_MS) return yt_fail(x, YT_EINVAL, "ends_at", "a lottery lasts at most a year");
    if (in->ends_at <= now_ms()) return yt_fail(x, YT_EINVAL, "ends_at", "is already past");
    if (in->nprizes < 1 || in->nprizes > LOTTERY_PRIZES_MAX)
        return yt_fail(x, YT_EINVAL, "prizes", "a lottery has 1 to %d prizes", LOTTERY_PRIZES_MAX);
    bool stocked = false;
    for (int i = 0; i < in->nprizes; i++) {
        if (check_prize(x, i, &in->prizes[i])) return x->err.code;
        stocked |= kinds[kind_of(in->prizes[i].kind)].stocked;
    }
    if (!stocked) return yt_fail(x, YT_EINVAL, "prizes", "a lottery needs at least one prize that is not 'none'");
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "creating a lottery");
    yt_param p[] = {PT(in->name), PI(in->starts_at), PI(in->ends_at), PI(in->cost_points), PI(in->free_per_day),
                    in->max_draws_per_day ? PI(in->max_draws_per_day) : PNULL,
                    x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now), PI(now)};
    *id = db_query_int(x->db,
                       "INSERT INTO lotteries(name, starts_at, ends_at, cost_points, free_per_day, max_draws_per_day,"
                       " created_by, created_at, updated_at) VALUES(?,?,?,?,?,?,?,?,?) RETURNING id",
                       NPARAMS(p), p, 0);
    int rc = *id > 0 ? YT_OK : yt_fail_db(x, "creating a lottery");
    for (int i = 0; rc == YT_OK && i < in->nprizes; i++) {
        const lottery_prize_input *z = &in->prizes[i];
        bool has_stock = kinds[kind_of(z->kind)].stocked;
        yt_param q[] = {PI(*id), PI(i + 1), PT(z->name), PT(z->kind), PI(z->has_points ? z->points : 0),
                        has_stock ? PI(z->stock) : PNULL, has_stock ? PI(z->stock) : PNULL, PI(z->weight)};
        if (db_exec(x->db, "INSERT INTO lottery_prizes(lottery_id, seq, name, kind, points, stock, stock_left, weight)"
                           " VALUES(?,?,?,?,?,?,?,?)", NPARAMS(q), q) != 1)
            rc = yt_fail_db(x, "creating a lottery");
    }
    if (rc == YT_OK) rc = audit_record(x, "lottery.create", "lottery", *id, NULL);
    return yt_finish(x, rc, "creating a lottery");
}

int lottery_stop(yt_ctx *x, int64_t id) {
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "stopping a lottery");
    yt_param p[] = {PI(now), PI(now), PI(id)};
    int64_t n = db_exec(x->db, "UPDATE lotteries SET stopped_at = ?, updated_at = ? WHERE id = ? AND stopped_at IS NULL", 3, p);
    int rc = n < 0 ? yt_fail_db(x, "stopping a lottery") : YT_OK;
    if (rc == YT_OK && n == 0) { /* already stopped, or no such lottery */
        yt_param q[] = {PI(id)};
        if (db_query_int(x->db, "SELECT count(*) FROM lotteries WHERE id = ?", 1, q, 0) == 0)
            rc = yt_fail(x, YT_ENOTFOUND, NULL, "no lottery with id %lld", (long long)id);
    }
    if (rc == YT_OK && n == 1) rc = audit_record(x, "lottery.stop", "lottery", id, NULL);
    return yt_finish(x, rc, "stopping a lottery");
}

/* ---- reading ---- */

#define LOTTERY_COLS "id, name, starts_at, ends_at, cost_points, free_per_day, max_draws_per_day, stopped_at, created_at"

static const char *state_of(int64_t now, int64_t starts_at, int64_t ends_at, bool stopped) {
    return stopped ? "stopped" : now < starts_at ? "upcoming" : now < ends_at ? "running" : "over";
}

/* The lottery's columns (LOTTERY_COLS) as members of the open object. */
static void write_head(yt_jw *w, yt_rows *r) {
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "name", rows_text(r, 1));
    jw_ktime(w, "starts_at", rows_int(r, 2));
    jw_ktime(w, "ends_at", rows_int(r, 3));
    jw_kstr(w, "state", state_of(now_ms(), rows_int(r, 2), rows_int(r, 3), !rows_null(r, 7)));
    jw_kint(w, "cost_points", rows_int(r, 4));
    jw_kint(w, "free_per_day", rows_int(r, 5));
    if (rows_null(r, 6)) jw_knull(w, "max_draws_per_day");
    else jw_kint(w, "max_draws_per_day", rows_int(r, 6));
}

/* The prizes of lotteries, ordered by lottery as their page is, each with its draws so far; a page of
 * lotteries reads them in one statement and walks them with the page. */
#define PRIZE_SQL                                                                                                      \
    "SELECT z.lottery_id, z.id, z.name, z.kind, z.points, z.stock, z.stock_left, z.weight,"                           \
    " (SELECT count(*) FROM lottery_draws d WHERE d.lottery_id = z.lottery_id AND d.prize_id = z.id)"                 \
    " FROM lottery_prizes z"

typedef struct {
    yt_rows *r;
    bool ahead; /* r holds a row not yet written (the next lottery's first prize) */
    bool done;  /* r has no more rows */
    bool staff;
} prize_walk;

/* Writes "prizes" for lottery id from the walk (its rows come next): the staff see stock, weight and draws
 * so far, members whether each can still be drawn; both see the configured probability. *draws: the sum. */
static void write_prizes(prize_walk *pw, yt_jw *w, int64_t id, int64_t *draws) {
    struct {
        int64_t id, points, stock, stock_left, weight, draws; /* stock, stock_left -1: none (a 'none' prize) */
        char kind[24], name[256];
    } z[LOTTERY_PRIZES_MAX];
    int n = 0;
    int64_t sum = 0;
    *draws = 0;
    while (n < LOTTERY_PRIZES_MAX) {
        if (!pw->ahead) {
            if (pw->done || !rows_next(pw->r)) { /* never stepped again once done */
                pw->done = true;
                break;
            }
            pw->ahead = true;
        }
        if (rows_int(pw->r, 0) != id) break;
        pw->ahead = false;
        z[n].id = rows_int(pw->r, 1);
        snprintf(z[n].name, sizeof z[n].name, "%s", rows_text(pw->r, 2));
        snprintf(z[n].kind, sizeof z[n].kind, "%s", rows_text(pw->r, 3));
        z[n].points = rows_int(pw->r, 4);
        z[n].stock = rows_null(pw->r, 5) ? -1 : rows_int(pw->r, 5);
        z[n].stock_left = rows_null(pw->r, 6) ? -1 : rows_int(pw->r, 6);
        z[n].weight = rows_int(pw->r, 7);
        z[n].draws = rows_int(pw->r, 8);
        sum += z[n].weight;
        *draws += z[n].draws;
        n++;
    }
    jw_key(w, "prizes");
    jw_arr(w);
    for (int i = 0; i < n; i++) {
        jw_obj(w);
        jw_kint(w, "id", z[i].id);
        jw_kstr(w, "name", z[i].name);
        jw_kstr(w, "kind", z[i].kind);
        if (strcmp(z[i].kind, "points") == 0) jw_kint(w, "points", z[i].points);
        else jw_knull(w, "points");
        jw_key(w, "probability"); /* as configured: the prize's weight over all of them */
        jw_dbl(w, sum ? (double)z[i].weight / (double)sum : 0);
        if (pw->staff) {
            if (z[i].stock < 0) jw_knull(w, "stock");
            else jw_kint(w, "stock", z[i].stock);
            if (z[i].stock < 0) jw_knull(w, "stock_left");
            else jw_kint(w, "stock_left", z[i].stock_left);
            jw_kint(w, "weight", z[i].weight);
            jw_kint(w, "draws", z[i].draws);
        } else {
            jw_kbool(w, "available", z[i].stock < 0 || z[i].stock_left > 0);
        }
        jw_obj_end(w);
    }
    jw_arr_end(w);
}

/* One lottery for the staff: its columns (LOTTERY_COLS) and prizes (arg: the walk). */
static void write_lottery(void *arg, yt_jw *w, yt_rows *r) {
    jw_obj(w);
    write_head(w, r);
    if (rows_null(r, 7)) jw_knull(w, "stopped_at");
    else jw_ktime(w, "stopped_at", rows_int(r, 7));
    jw_ktime(w, "created_at", rows_int(r, 8));
    int64_t draws;
    write_prizes(arg, w, rows_int(r, 0), &draws);
    jw_kint(w, "draws", draws);
    jw_obj_end(w);
}

int lottery_write_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " LOTTERY_COLS " FROM lotteries WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a lottery");
    if (!rows_next(r)) {
        rows_free(r);
        return yt_fail(x, YT_ENOTFOUND, NULL, "no lottery with id %lld", (long long)id);
    }
    prize_walk pw = {.staff = true, .r = db_query(x->db, PRIZE_SQL " WHERE z.lottery_id = ? ORDER BY z.seq", 1, p)};
    if (pw.r) write_lottery(&pw, w, r);
    rows_free(pw.r);
    rows_free(r);
    return pw.r ? YT_OK : yt_fail_db(x, "reading a lottery");
}

int lottery_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor) {
    yt_param p[] = {PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT " LOTTERY_COLS " FROM lotteries WHERE id < ? ORDER BY id DESC LIMIT ?", 2, p);
    if (!r) return yt_fail_db(x, "listing lotteries");
    prize_walk pw = {.staff = true,
                     .r = db_query(x->db, PRIZE_SQL " WHERE z.lottery_id IN (SELECT id FROM lotteries WHERE id < ?"
                                          " ORDER BY id DESC LIMIT ?) ORDER BY z.lottery_id DESC, z.seq", 2, p)};
    if (pw.r) page_write_with(w, r, limit, write_lottery, &pw);
    rows_free(pw.r);
    rows_free(r);
    return pw.r ? YT_OK : yt_fail_db(x, "listing lotteries");
}

static void write_draw(yt_jw *w, yt_rows *r) {
    char day[16];
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "customer_id", rows_int(r, 1));
    jw_key(w, "prize"); /* the slot drawn, a 'none' prize too */
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 2));
    jw_kstr(w, "name", rows_text(r, 3));
    jw_kstr(w, "kind", rows_text(r, 4));
    jw_obj_end(w);
    jw_kbool(w, "free", rows_int(r, 5) != 0);
    jw_kint(w, "cost", rows_int(r, 6));
    jw_kint(w, "weight_total", rows_int(r, 7));
    jw_kint(w, "random_value", rows_int(r, 8));
    day_fmt(rows_int(r, 9), day, sizeof day);
    jw_kstr(w, "day", day);
    jw_ktime(w, "at", rows_int(r, 10));
    jw_obj_end(w);
}

int lottery_draws_json(yt_ctx *x, yt_jw *w, int64_t id, int limit, int64_t cursor) {
    yt_param q[] = {PI(id)};
    int64_t found = db_query_int(x->db, "SELECT count(*) FROM lotteries WHERE id = ?", 1, q, -1);
    if (found < 0) return yt_fail_db(x, "reading a lottery's draws");
    if (!found) return yt_fail(x, YT_ENOTFOUND, NULL, "no lottery with id %lld", (long long)id);
    yt_param p[] = {PI(id), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db,
                          "SELECT d.id, d.customer_id, d.prize_id, z.name, z.kind, d.free, d.cost, d.weight_total, d.random_value,"
                          " d.day, d.at FROM lottery_draws d JOIN lottery_prizes z ON z.id = d.prize_id"
                          " WHERE d.lottery_id = ? AND d.id < ? ORDER BY d.id DESC LIMIT ?",
                          3, p);
    if (!r) return yt_fail_db(x, "reading a lottery's draws");
    page_write(w, r, limit, write_draw);
    rows_free(r);
    return YT_OK;
}

/* The customer's draws of the lottery on day: all of them, and the free ones among them. */
static int day_counts(yt_ctx *x, int64_t id, int64_t customer, int32_t day, int64_t *all, int64_t *used_free) {
    yt_param p[] = {PI(customer), PI(id), PI(day)};
    yt_rows *r = db_query(x->db, "SELECT count(*), COALESCE(SUM(CASE WHEN free THEN 1 ELSE 0 END), 0) FROM lottery_draws"
                                 " WHERE customer_id = ? AND lottery_id = ? AND day = ?", 3, p);
    if (!r) return yt_fail_db(x, "counting draws");
    *all = *used_free = 0;
    if (rows_next(r)) *all = rows_int(r, 0), *used_free = rows_int(r, 1);
    rows_free(r);
    return YT_OK;
}

int lottery_member_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t customer) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " LOTTERY_COLS " FROM lotteries WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a lottery");
    if (!rows_next(r)) {
        rows_free(r);
        return yt_fail(x, YT_ENOTFOUND, NULL, "no lottery with id %lld", (long long)id);
    }
    int64_t all, used_free, draws, free_per_day = rows_int(r, 5), max = rows_null(r, 6) ? 0 : rows_int(r, 6);
    int rc = day_counts(x, id, customer, brand_day(now_ms()), &all, &used_free);
    if (rc == YT_OK) {
        jw_obj(w);
        write_head(w, r);
        int64_t free_left = free_per_day > used_free ? free_per_day - used_free : 0;
        if (max && max - all < free_left) free_left = max - all > 0 ? max - all : 0;
        jw_kint(w, "draws_today", all);
        jw_kint(w, "free_left_today", free_left);
        if (max) jw_kint(w, "draws_left_today", max > all ? max - all : 0);
        else jw_knull(w, "draws_left_today");
        yt_param c[] = {PI(customer)};
        jw_kint(w, "balance", db_query_int(x->db, "SELECT points FROM customers WHERE id = ?", 1, c, 0));
        prize_walk pw = {.staff = false, .r = db_query(x->db, PRIZE_SQL " WHERE z.lottery_id = ? ORDER BY z.seq", 1, p)};
        if (pw.r) write_prizes(&pw, w, id, &draws);
        else rc = yt_fail_db(x, "reading a lottery");
        rows_free(pw.r);
        jw_obj_end(w);
    }
    rows_free(r);
    return rc;
}

/* ---- a draw ---- */

typedef struct {
    int64_t id, points, stock_left;
    int kind;
    char name[256];
} prize_row;

/* The lottery's prizes, as they stand now, in their order. */
static int load_prizes(yt_ctx *x, int64_t id, prize_row *z, lottery_slot *slots, int *n) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT id, name, kind, points, stock_left, weight FROM lottery_prizes WHERE lottery_id = ?"
                                 " ORDER BY seq", 1, p);
    if (!r) return yt_fail_db(x, "drawing");
    *n = 0;
    while (*n < LOTTERY_PRIZES_MAX && rows_next(r)) {
        prize_row *o = &z[*n];
        o->id = rows_int(r, 0);
        snprintf(o->name, sizeof o->name, "%s", rows_text(r, 1));
        o->kind = kind_of(rows_text(r, 2));
        o->points = rows_int(r, 3);
        o->stock_left = rows_null(r, 4) ? -1 : rows_int(r, 4); /* -1: no stock ('none') */
        slots[*n].weight = (uint32_t)rows_int(r, 5);
        slots[*n].available = o->kind >= 0 && (!kinds[o->kind].stocked || o->stock_left > 0);
        (*n)++;
    }
    rows_free(r);
    return YT_OK;
}

/* Draws a prize and takes one of its stock; a prize another draw emptied first drops out and the draw is made
 * again (at most once per prize). *pick: the prize's index; *value and *total: the draw that decided it. */
static int draw_prize(yt_ctx *x, prize_row *z, lottery_slot *slots, int n, int *pick, uint32_t *value, uint32_t *total) {
    for (int round = 0; round <= n; round++) {
        *pick = lottery_roll(slots, n, value, total);
        if (*pick < 0) {
            yt_fail(x, YT_ECONFLICT, "prizes", "every prize has been drawn");
            return YT_ECONFLICT;
        }
        if (!kinds[z[*pick].kind].stocked) return YT_OK;
        yt_param p[] = {PI(z[*pick].id)};
        int64_t took = db_exec(x->db, "UPDATE lottery_prizes SET stock_left = stock_left - 1 WHERE id = ? AND stock_left > 0", 1, p);
        if (took < 0) return yt_fail_db(x, "drawing");
        if (took == 1) return YT_OK;
        slots[*pick].available = false; /* lost the race for its last unit */
        z[*pick].stock_left = 0;
    }
    return yt_fail(x, YT_EINTERNAL, NULL, "the draw could not settle on a prize");
}

int lottery_draw(yt_ctx *x, int64_t id, int64_t customer, lottery_draw_result *res) {
    memset(res, 0, sizeof *res);
    points_expire_due(x);
    if (db_begin(x->db) != 0) return yt_fail_db(x, "drawing");
    /* the customer's row first: on PostgreSQL it queues this customer's draws, so the day's counts below hold */
    int64_t now = now_ms();
    yt_param c[] = {PI(customer)};
    if (customer_hold(x, customer, YT_ENOTFOUND, "drawing")) return yt_finish(x, x->err.code, "drawing");
    yt_param l[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT starts_at, ends_at, stopped_at, cost_points, free_per_day, max_draws_per_day"
                                 " FROM lotteries WHERE id = ?", 1, l);
    if (!r) return yt_finish(x, yt_fail_db(x, "drawing"), "drawing");
    bool found = rows_next(r);
    int64_t starts = found ? rows_int(r, 0) : 0, ends = found ? rows_int(r, 1) : 0, cost = found ? rows_int(r, 3) : 0;
    int64_t free_per_day = found ? rows_int(r, 4) : 0, max = found && !rows_null(r, 5) ? rows_int(r, 5) : 0;
    bool stopped = found && !rows_null(r, 2);
    rows_free(r);
    int rc = YT_OK;
    if (!found) rc = yt_fail(x, YT_ENOTFOUND, NULL, "no lottery with id %lld", (long long)id);
    else if (stopped || now < starts || now >= ends)
        rc = yt_fail(x, 422, "lottery", "the lottery %s", stopped ? "was stopped" : now < starts ? "has not started" : "is over");
    int32_t day = brand_day(now);
    int64_t all = 0, used_free = 0;
    if (rc == YT_OK) rc = day_counts(x, id, customer, day, &all, &used_free);
    res->free = used_free < free_per_day;
    if (rc == YT_OK && max && all >= max)
        rc = yt_fail(x, YT_ECONFLICT, "max_draws_per_day", "at most %lld draws a day; this member has drawn them today", (long long)max);
    else if (rc == YT_OK && !res->free && cost == 0)
        rc = yt_fail(x, YT_ECONFLICT, "free_per_day", "no free draws left today, and this lottery takes no points");
    char ref[48];
    snprintf(ref, sizeof ref, "lottery:%lld", (long long)id);
    res->cost = res->free ? 0 : cost;
    if (rc == YT_OK && res->cost) rc = points_change(x, customer, -res->cost, POINTS_LOTTERY, ref, NULL);
    prize_row z[LOTTERY_PRIZES_MAX];
    lottery_slot slots[LOTTERY_PRIZES_MAX];
    int n = 0, pick = -1;
    uint32_t value = 0, total = 0;
    if (rc == YT_OK) rc = load_prizes(x, id, z, slots, &n);
    if (rc == YT_OK) rc = draw_prize(x, z, slots, n, &pick, &value, &total);
    if (rc == YT_OK) {
        yt_param d[] = {PI(id), PI(customer), PI(z[pick].id), PI(day), PI(res->free), PI(res->cost), PI(total), PI(value), PI(now)};
        res->draw_id = db_query_int(x->db,
                                    "INSERT INTO lottery_draws(lottery_id, customer_id, prize_id, day, free, cost, weight_total,"
                                    " random_value, at) VALUES(?,?,?,?,?,?,?,?,?) RETURNING id",
                                    NPARAMS(d), d, 0);
        if (res->draw_id <= 0) rc = yt_fail_db(x, "drawing");
    }
    if (rc == YT_OK && kinds[z[pick].kind].stocked) {
        res->prize_id = z[pick].id;
        res->prize_kind = kinds[z[pick].kind].name;
        res->prize_points = kinds[z[pick].kind].points ? z[pick].points : 0;
        snprintf(res->prize_name, sizeof res->prize_name, "%s", z[pick].name);
        snprintf(ref, sizeof ref, "lottery_draw:%lld", (long long)res->draw_id);
        if (res->prize_points) rc = points_change(x, customer, res->prize_points, POINTS_LOTTERY, ref, NULL);
    }
    if (rc == YT_OK) {
        res->balance = db_query_int(x->db, "SELECT points FROM customers WHERE id = ?", 1, c, 0);
        res->free_left = free_per_day - used_free - (res->free ? 1 : 0);
        if (max && max - all - 1 < res->free_left) res->free_left = max - all - 1;
        if (res->free_left < 0) res->free_left = 0;
    }
    return yt_finish(x, rc, "drawing");
}

int lottery_stats_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param q[] = {PI(id)};
    int64_t ends = db_query_int(x->db, "SELECT COALESCE(MAX(ends_at), -1) FROM lotteries WHERE id = ?", 1, q, -2);
    if (ends == -2) return yt_fail_db(x, "reading a lottery's figures");
    if (ends < 0) return yt_fail(x, YT_ENOTFOUND, NULL, "no lottery with id %lld", (long long)id);
    /* a participant's paid orders placed from their first draw until a while after the end */
    int64_t until = ends + ACTIVITY_ORDER_DAYS * 86400000LL;
    yt_param p[] = {PI(id), PI(id), PI(id), PI(until)};
    return activity_stats_json(x, w, "lottery", id, until,
                               "SELECT (SELECT COUNT(DISTINCT customer_id) FROM lottery_draws WHERE lottery_id = ?),"
                               " (SELECT COUNT(*) FROM lottery_draws WHERE lottery_id = ?),"
                               " COUNT(DISTINCT o.customer_id), COUNT(o.id), COALESCE(SUM(o.total), 0), COALESCE(SUM(o.refunded), 0)"
                               " FROM (SELECT customer_id, MIN(at) AS first_at FROM lottery_draws WHERE lottery_id = ?"
                               " GROUP BY customer_id) d JOIN mall_orders o ON o.customer_id = d.customer_id"
                               " AND o.paid_at IS NOT NULL AND o.created_at >= d.first_at AND o.created_at < ?",
                               4, p);
}
