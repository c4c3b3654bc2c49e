/* Paid membership (付费会员): the plans, their orders, the periods paid orders hold, and the level held now. */
#include "membership.h"
#include "../base/alloc.h"
#include "../base/arena.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include "../domain/page.h"
#include <stdio.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define DAY_MS 86400000LL

/* A level the ladder has (the ladder may have fewer levels than 20). */
static int check_level(yt_ctx *x, int64_t level) {
    yt_param p[] = {PI(level)};
    if (level < 1 || level > 20 || db_query_int(x->db, "SELECT COUNT(*) FROM member_levels WHERE level = ?", 1, p, 0) != 1)
        return yt_fail(x, YT_EINVAL, "level", "level %lld is not one of the member levels", (long long)level);
    return YT_OK;
}

/* The numbers a plan is made with, or (patch) those a change gives (-1: not given). */
static int check_numbers(yt_ctx *x, int64_t price, int64_t days, int64_t level, bool patch) {
    if (!(patch && price == -1) && (price < 1 || price > PLAN_PRICE_MAX)) return yt_fail(x, YT_EINVAL, "price", "is fen from 1 to 10^8");
    if (!(patch && days == -1) && (days < 1 || days > PLAN_DAYS_MAX)) return yt_fail(x, YT_EINVAL, "days", "is 1 to %d", PLAN_DAYS_MAX);
    return patch && level == -1 ? YT_OK : check_level(x, level);
}

int member_plan_create(yt_ctx *x, const member_plan_input *in, int64_t *id) {
    if (yt_check_text(x, "name", in->name ? in->name : "", 1, 40) || check_numbers(x, in->price, in->days, in->level, false))
        return x->err.code;
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "creating a membership plan");
    yt_param p[] = {PT(in->name), PI(in->price), PI(in->days), PI(in->level), PI(now), PI(now)};
    *id = db_query_int(x->db, "INSERT INTO member_plans(name, price, days, level, created_at, updated_at) VALUES(?,?,?,?,?,?)"
                              " RETURNING id", NPARAMS(p), p, 0);
    int rc = *id > 0 ? audit_record(x, "member_plan.create", "member_plan", *id, NULL) : yt_fail_db(x, "creating a membership plan");
    return yt_finish(x, rc, "creating a membership plan");
}

int member_plan_update(yt_ctx *x, int64_t id, const member_plan_patch *in) {
    if (in->name && yt_check_text(x, "name", in->name, 1, 40)) return x->err.code;
    if (in->status && strcmp(in->status, "on") && strcmp(in->status, "off")) return yt_fail(x, YT_EINVAL, "status", "status is on or off");
    if (check_numbers(x, in->price, in->days, in->level, true)) return x->err.code;
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "changing a membership plan");
    yt_param p[] = {PT(in->name), PT(in->status), PI(in->price), PI(in->price), PI(in->days), PI(in->days), PI(in->level),
                    PI(in->level), PI(now), PI(id)};
    int64_t n = db_exec(x->db, "UPDATE member_plans SET name = COALESCE(?, name), status = COALESCE(?, status),"
                               " price = CASE WHEN CAST(? AS BIGINT) = -1 THEN price ELSE ? END,"
                               " days = CASE WHEN CAST(? AS BIGINT) = -1 THEN days ELSE ? END,"
                               " level = CASE WHEN CAST(? AS BIGINT) = -1 THEN level ELSE ? END, updated_at = ? WHERE id = ?",
                        NPARAMS(p), p);
    int rc = n < 0 ? yt_fail_db(x, "changing a membership plan")
             : n == 0 ? yt_fail(x, YT_ENOTFOUND, NULL, "no membership plan with id %lld", (long long)id)
                      : audit_record(x, "member_plan.update", "member_plan", id, NULL);
    return yt_finish(x, rc, "changing a membership plan");
}

#define PLAN_COLS "p.id, p.name, p.price, p.days, p.level, l.name, p.status, p.sold, p.created_at, p.updated_at"
#define PLAN_FROM " FROM member_plans p LEFT JOIN member_levels l ON l.level = p.level"

static void write_plan(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "name", rows_text(r, 1));
    jw_kint(w, "price", rows_int(r, 2));
    jw_kint(w, "days", rows_int(r, 3));
    jw_kint(w, "level", rows_int(r, 4));
    if (rows_null(r, 5)) jw_knull(w, "level_name"); /* the ladder was saved without it since */
    else jw_kstr(w, "level_name", rows_text(r, 5));
    jw_kstr(w, "status", rows_text(r, 6));
    jw_kint(w, "sold", rows_int(r, 7));
    jw_ktime(w, "created_at", rows_int(r, 8));
    jw_ktime(w, "updated_at", rows_int(r, 9));
    jw_obj_end(w);
}

int member_plan_list_json(yt_ctx *x, yt_jw *w, bool on_only, int limit, int64_t cursor) {
    yt_param p[] = {PI(on_only), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT " PLAN_COLS PLAN_FROM " WHERE (CAST(? AS BIGINT) = 0 OR p.status = 'on') AND p.id < ?"
                                 " ORDER BY p.id DESC LIMIT ?", 3, p);
    if (!r) return yt_fail_db(x, "listing membership plans");
    page_write(w, r, limit, write_plan);
    rows_free(r);
    return YT_OK;
}

int member_plan_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " PLAN_COLS PLAN_FROM " WHERE p.id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a membership plan");
    bool found = rows_next(r);
    if (found) write_plan(w, r);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no membership plan with id %lld", (long long)id);
}

int member_plan_order(yt_ctx *x, int64_t plan, int64_t customer, int64_t pay_window_ms, membership_order_result *res) {
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "ordering a membership");
    yt_param q[] = {PI(plan)};
    yt_rows *r = db_query(x->db, "SELECT name, price, status, days, level FROM member_plans WHERE id = ?", 1, q);
    if (!r) return yt_finish(x, yt_fail_db(x, "ordering a membership"), "");
    int rc = YT_OK;
    char name[200] = "";
    int64_t price = 0, days = 0, level = 0;
    if (!rows_next(r)) rc = yt_fail(x, YT_ENOTFOUND, NULL, "no membership plan with id %lld", (long long)plan);
    else if (strcmp(rows_text(r, 2), "on") != 0) rc = yt_fail(x, YT_ECONFLICT, "status", "this membership plan is not on sale");
    else snprintf(name, sizeof name, "付费会员 · %s", rows_text(r, 0)), price = rows_int(r, 1), days = rows_int(r, 3), level = rows_int(r, 4);
    rows_free(r);
    if (rc) return yt_finish(x, rc, "ordering a membership");
    yt_param o[] = {PI(customer), PI(plan), PI(price), PI(price), PI(price), PI(now), PI(now + pay_window_ms),
                    x->who->staff_id ? PI(x->who->staff_id) : PNULL};
    res->order_id = db_query_int(x->db,
                                 "INSERT INTO mall_orders(customer_id, kind, activity_id, sku_id, quantity, unit_price, total, goods_total,"
                                 " status, created_at, pay_by, staff_id) VALUES(?, 'membership', ?, 0, 1, ?, ?, ?, 'pending', ?, ?, ?)"
                                 " RETURNING id", NPARAMS(o), o, 0);
    if (res->order_id <= 0) return yt_finish(x, yt_fail_db(x, "ordering a membership"), "");
    /* its one line names the plan; there is no SKU, so nothing is stocked or restocked */
    yt_param li[] = {PI(res->order_id), PT(name), PI(price), PI(price)};
    if (db_exec(x->db, "INSERT INTO mall_order_items(order_id, sku_id, product_id, name, quantity, unit_price, subtotal)"
                       " VALUES(?, 0, 0, ?, 1, ?, ?)", 4, li) != 1)
        rc = yt_fail_db(x, "ordering a membership");
    /* and what it buys, as the plan is now: a change to the plan before the payment changes no order */
    yt_param mo[] = {PI(res->order_id), PI(plan), PI(days), PI(level)};
    if (rc == YT_OK && db_exec(x->db, "INSERT INTO membership_orders(order_id, plan_id, days, level) VALUES(?, ?, ?, ?)", 4, mo) != 1)
        rc = yt_fail_db(x, "ordering a membership");
    res->total = price, res->pay_by = now + pay_window_ms;
    if (rc == YT_OK) rc = audit_record(x, "member_plan.order", "mall_order", res->order_id, NULL);
    return yt_finish(x, rc, "ordering a membership");
}

int membership_order_paid(yt_ctx *x, int64_t order_id, int64_t customer, int64_t now) {
    /* the customer's row first (after the order's, as refunds and cancels take them): one customer's periods
     * are stacked one payment or refund at a time, on PostgreSQL too */
    yt_param c0[] = {PI(customer)};
    if (db_exec(x->db, "UPDATE customers SET updated_at = updated_at WHERE id = ?", 1, c0) != 1)
        return yt_fail_db(x, "starting a membership");
    yt_param p[] = {PI(order_id)};
    yt_rows *r = db_query(x->db, "SELECT plan_id, days, level FROM membership_orders WHERE order_id = ?", 1, p);
    if (!r) return yt_fail_db(x, "starting a membership");
    bool found = rows_next(r);
    int64_t plan = found ? rows_int(r, 0) : 0, days = found ? rows_int(r, 1) : 0, level = found ? rows_int(r, 2) : 0;
    rows_free(r);
    if (!found) return yt_fail(x, YT_EINTERNAL, NULL, "membership order %lld has no plan recorded", (long long)order_id);
    /* after the last period still to come, or from now */
    yt_param c[] = {PI(now), PI(customer), PI(now)};
    int64_t starts = db_query_int(x->db, "SELECT COALESCE(MAX(ends_at), ?) FROM memberships WHERE customer_id = ? AND ended_at IS NULL"
                                         " AND ends_at > ?", 3, c, -1);
    if (starts < 0) return yt_fail_db(x, "starting a membership");
    yt_param m[] = {PI(customer), PI(plan), PI(order_id), PI(level), PI(days), PI(starts), PI(starts + days * DAY_MS), PI(now)};
    if (db_exec(x->db, "INSERT INTO memberships(customer_id, plan_id, order_id, level, days, starts_at, ends_at, created_at)"
                       " VALUES(?, ?, ?, ?, ?, ?, ?, ?)", NPARAMS(m), m) != 1)
        return yt_fail_db(x, "starting a membership");
    yt_param u[] = {PI(now), PI(order_id)};
    if (db_exec(x->db, "UPDATE mall_orders SET status = 'completed', completed_at = ? WHERE id = ?", 2, u) != 1 ||
        db_exec(x->db, "UPDATE member_plans SET sold = sold + 1 WHERE id = ?", 1, (yt_param[]){PI(plan)}) != 1)
        return yt_fail_db(x, "starting a membership");
    return YT_OK;
}

int membership_order_refunded(yt_ctx *x, int64_t order_id, int64_t now) {
    yt_param p[] = {PI(order_id)};
    yt_rows *r = db_query(x->db, "SELECT id, customer_id, starts_at, ends_at FROM memberships WHERE order_id = ? AND ended_at IS NULL", 1, p);
    if (!r) return yt_fail_db(x, "ending a membership");
    bool found = rows_next(r);
    int64_t id = found ? rows_int(r, 0) : 0, customer = found ? rows_int(r, 1) : 0;
    int64_t starts = found ? rows_int(r, 2) : 0, ends = found ? rows_int(r, 3) : 0;
    rows_free(r);
    if (!found) return YT_OK; /* ended already */
    /* from now, or its start if it had not begun, or its end if it was over */
    int64_t from = starts > now ? starts : now < ends ? now : ends, gave_back = ends - from;
    yt_param e[] = {PI(now), PI(from), PI(id)};
    if (db_exec(x->db, "UPDATE memberships SET ended_at = ?, ends_at = ? WHERE id = ?", 3, e) != 1)
        return yt_fail_db(x, "ending a membership");
    /* the periods that were to follow it, one after another from its end, move up by what it gave back (only
     * its own chain: a store merged into before membership_merge laid periods one after another may hold
     * another running alongside) */
    for (int64_t at = ends; gave_back > 0;) {
        yt_param f[] = {PI(customer), PI(at)};
        yt_rows *n = db_query(x->db, "SELECT id, ends_at FROM memberships WHERE customer_id = ? AND ended_at IS NULL AND starts_at = ?"
                                     " ORDER BY id LIMIT 1", 2, f);
        if (!n) return yt_fail_db(x, "ending a membership");
        bool next = rows_next(n);
        int64_t next_id = next ? rows_int(n, 0) : 0, next_end = next ? rows_int(n, 1) : 0;
        rows_free(n);
        if (!next) break;
        yt_param m[] = {PI(gave_back), PI(gave_back), PI(next_id)};
        if (db_exec(x->db, "UPDATE memberships SET starts_at = starts_at - ?, ends_at = ends_at - ? WHERE id = ?", 3, m) != 1)
            return yt_fail_db(x, "ending a membership");
        at = next_end;
    }
    return YT_OK;
}

int membership_merge(yt_ctx *x, int64_t survivor, int64_t absorbed) {
    int64_t now = now_ms();
    yt_param s[] = {PI(survivor), PI(now)};
    int64_t end = db_query_int(x->db, "SELECT COALESCE(MAX(ends_at), 0) FROM memberships WHERE customer_id = ? AND ended_at IS NULL"
                                      " AND ends_at > ?", 2, s, -1);
    if (end < 0) return yt_fail_db(x, "merging memberships");
    if (!end) return YT_OK; /* the survivor holds nothing now or to come: the absorbed record's periods keep their dates */
    yt_param a[] = {PI(absorbed), PI(now)};
    yt_rows *r = db_query(x->db, "SELECT id, starts_at, ends_at FROM memberships WHERE customer_id = ? AND ended_at IS NULL AND ends_at > ?"
                                 " ORDER BY starts_at, id", 2, a);
    if (!r) return yt_fail_db(x, "merging memberships");
    size_t n = 0, cap = 8;
    int64_t(*left)[2] = yt_calloc(cap, sizeof *left); /* id, what it has still to run */
    while (rows_next(r)) {
        if (n == cap) left = yt_realloc(left, (cap *= 2) * sizeof *left);
        int64_t starts = rows_int(r, 1), ends = rows_int(r, 2);
        left[n][0] = rows_int(r, 0);
        left[n++][1] = ends - (starts > now ? starts : now);
    }
    rows_free(r);
    int rc = YT_OK;
    for (size_t i = 0; rc == YT_OK && i < n; end += left[i++][1]) {
        yt_param m[] = {PI(survivor), PI(end), PI(end + left[i][1]), PI(left[i][0])};
        if (db_exec(x->db, "UPDATE memberships SET customer_id = ?, starts_at = ?, ends_at = ? WHERE id = ?", 4, m) != 1)
            rc = yt_fail_db(x, "merging memberships");
    }
    free(left);
    return rc;
}

int membership_level_now(yt_ctx *x, int64_t customer, int64_t now, int64_t *level, int64_t *until) {
    yt_param p[] = {PI(customer), PI(now), PI(now)};
    yt_rows *r = db_query(x->db, "SELECT level, ends_at FROM memberships WHERE customer_id = ? AND ended_at IS NULL AND starts_at <= ?"
                                 " AND ends_at > ? ORDER BY level DESC, ends_at DESC LIMIT 1", 3, p);
    if (!r) return yt_fail_db(x, "reading a membership");
    *level = rows_next(r) ? rows_int(r, 0) : 0;
    rows_free(r);
    if (!until) return YT_OK;
    /* until the end of the periods at that level or above that follow on from now without a gap */
    *until = now;
    for (int64_t after = -1; *level && after != *until;) {
        after = *until;
        yt_param q[] = {PI(customer), PI(*level), PI(after), PI(after)};
        yt_rows *u = db_query(x->db, "SELECT MAX(ends_at) FROM memberships WHERE customer_id = ? AND ended_at IS NULL AND level >= ?"
                                     " AND starts_at <= ? AND ends_at > ?", 4, q);
        if (!u) return yt_fail_db(x, "reading a membership");
        if (rows_next(u) && !rows_null(u, 0)) *until = rows_int(u, 0);
        rows_free(u);
    }
    if (!*level) *until = 0;
    return YT_OK;
}

static void write_period(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "plan_id", rows_int(r, 1));
    jw_kstr(w, "plan_name", rows_null(r, 2) ? "" : rows_text(r, 2));
    jw_kint(w, "order_id", rows_int(r, 3));
    jw_kint(w, "level", rows_int(r, 4));
    jw_kint(w, "days", rows_int(r, 5));
    jw_ktime(w, "starts_at", rows_int(r, 6));
    jw_ktime(w, "ends_at", rows_int(r, 7));
    if (rows_null(r, 8)) jw_knull(w, "ended_at"); /* refunded: it ended early (or never started) */
    else jw_ktime(w, "ended_at", rows_int(r, 8));
    jw_obj_end(w);
}

int membership_periods_json(yt_ctx *x, yt_jw *w, int64_t customer, int limit, int64_t cursor) {
    yt_param p[] = {PI(customer), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT m.id, m.plan_id, p.name, m.order_id, m.level, m.days, m.starts_at, m.ends_at, m.ended_at"
                                 " FROM memberships m LEFT JOIN member_plans p ON p.id = m.plan_id WHERE m.customer_id = ? AND m.id < ?"
                                 " ORDER BY m.id DESC LIMIT ?", 3, p);
    if (!r) return yt_fail_db(x, "listing memberships");
    page_write(w, r, limit, write_period);
    rows_free(r);
    return YT_OK;
}

int membership_now_json(yt_ctx *x, yt_jw *w, int64_t customer) {
    int64_t level, until;
    if (membership_level_now(x, customer, now_ms(), &level, &until)) return x->err.code;
    if (!level) {
        jw_null(w);
        return YT_OK;
    }
    yt_param p[] = {PI(level)};
    yt_rows *r = db_query(x->db, "SELECT name FROM member_levels WHERE level = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a membership");
    jw_obj(w);
    jw_kint(w, "level", level);
    if (rows_next(r)) jw_kstr(w, "level_name", rows_text(r, 0));
    else jw_knull(w, "level_name");
    jw_ktime(w, "until", until);
    jw_obj_end(w);
    rows_free(r);
    return YT_OK;
}

int membership_transitions(yt_ctx *x, int64_t since, int64_t until, size_t *customers) {
    *customers = 0;
    yt_param p[] = {PI(since), PI(until), PI(since), PI(until)};
    yt_rows *r = db_query(x->db, "SELECT DISTINCT customer_id FROM memberships WHERE ends_at > starts_at AND"
                                 " ((starts_at > ? AND starts_at <= ?) OR (ends_at > ? AND ends_at <= ?))", 4, p);
    if (!r) return yt_fail_db(x, "reading memberships");
    size_t n;
    int64_t *ids = rows_ids(r, &n);
    int rc = YT_OK;
    if (n) {
        if (db_begin(x->db) != 0) rc = yt_fail_db(x, "recording memberships that began or ended");
        else rc = yt_finish(x, change_record_customers(x, CHANGE_CUSTOMER_UPDATED, ids, &n), "recording memberships that began or ended");
    }
    free(ids);
    if (rc == YT_OK) *customers = n;
    return rc;
}

static _Atomic int64_t transitions_seen; /* periods that began or ended up to here have been told of */

void membership_transitions_due(yt_store *store) {
    int64_t now = now_ms(), since = atomic_load(&transitions_seen);
    if (!since) since = now - 60000; /* the first beat looks back past the start (and the index's build then) */
    else if (now - since < MEMBERSHIP_TRANSITIONS_MS) return;
    yt_db *db = store_writer_acquire(store);
    if (!db) return;
    yt_arena arena = {0};
    yt_ctx x = {.db = db, .who = yt_system_actor(), .arena = &arena};
    size_t n;
    if (membership_transitions(&x, since, now, &n) == YT_OK) atomic_store(&transitions_seen, now);
    else log_error("paid memberships that began or ended: %s", x.err.msg);
    arena_free(&arena);
    store_writer_release(store);
}
