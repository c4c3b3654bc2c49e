/* Group-buy teams: opening and joining (a seat, units of the activity and a pending order in one transaction),
 * the hooks that count payments and hold unformed orders, and the sweep that closes teams and unpaid orders.
 * Locks are taken in one order (team, order, customer, activity), so concurrent work queues instead of
 * deadlocking on PostgreSQL. */
#include "groupbuy.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include "../commerce/catalog.h"
#include "../commerce/refund.h"
#include "../customer/customer.h"
#include "../domain/audit.h"
#include <stdio.h>
#include <string.h>

#define SWEEP_TEAMS 100       /* teams closed in one beat at most */
#define SWEEP_ORDERS 100      /* unpaid orders cancelled in one beat at most */
#define SWEEP_ACTIVITIES 20   /* ended activities whose stock goes back in one beat at most */
#define CODE_TRIES 5          /* 40 random bits: a clash is already rare, five in a row is impossible */

/* The activity's terms, read inside the transaction. */
typedef struct {
    int64_t id, sku_id, price, team_size, team_ms, pay_window_ms, limit, starts_at, ends_at;
    bool one_team, new_only, stopped;
} terms;

static int read_terms(yt_ctx *x, int64_t id, terms *t) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT sku_id, price, team_size, team_ms, pay_window_ms, per_customer_limit, starts_at, ends_at,"
                                 " one_team_per_customer, new_customers_only, stopped_at FROM group_buys WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a group buy");
    bool found = rows_next(r);
    if (found)
        *t = (terms){id, rows_int(r, 0), rows_int(r, 1), rows_int(r, 2), rows_int(r, 3), rows_int(r, 4), rows_int(r, 5),
                     rows_int(r, 6), rows_int(r, 7), rows_int(r, 8) != 0, rows_int(r, 9) != 0, !rows_null(r, 10)};
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no group buy with id %lld", (long long)id);
}

static int not_running(yt_ctx *x, const terms *t, int64_t now) {
    if (t->stopped) return yt_fail(x, 422, "group_buy", "the group buy was stopped");
    if (now < t->starts_at) return yt_fail(x, 422, "group_buy", "the group buy has not started");
    if (now >= t->ends_at) return yt_fail(x, 422, "group_buy", "the group buy is over");
    return YT_OK;
}

/* Whether the customer may take another seat of quantity units: one team at a time when the activity says so,
 * new customers only to join when it says so, and the per-customer limit over their live orders. */
static int may_take(yt_ctx *x, const terms *t, int64_t customer, int64_t quantity, bool joining) {
    yt_param q[] = {PI(t->id), PI(customer)};
    /* +activity_id: through the customer's index (a customer has few orders; the activity may have many) */
    yt_rows *r = db_query(x->db, "SELECT count(*), COALESCE(SUM(quantity - refunded_quantity), 0) FROM mall_orders"
                                 " WHERE +activity_id = ? AND kind = 'group' AND customer_id = ?"
                                 " AND status IN ('pending', 'paid', 'shipped', 'completed')", 2, q);
    if (!r || !rows_next(r)) {
        rows_free(r);
        return yt_fail_db(x, "taking a seat");
    }
    int64_t seats = rows_int(r, 0), held = rows_int(r, 1);
    rows_free(r);
    if (t->one_team && seats > 0)
        return yt_fail(x, YT_ECONFLICT, GROUPBUY_ONE_TEAM, "a customer takes part in one team of this group buy at a time");
    if (joining && t->new_only) {
        yt_param o[] = {PI(customer)};
        int64_t paid = db_query_int(x->db, "SELECT count(*) FROM orders WHERE customer_id = ? AND status = 'paid'", 1, o, -1);
        if (paid < 0) return yt_fail_db(x, "taking a seat");
        if (paid > 0) return yt_fail(x, YT_ECONFLICT, GROUPBUY_NEW_ONLY, "only customers who have not bought yet join these teams");
    }
    if (held + quantity > t->limit)
        return yt_fail(x, YT_ECONFLICT, GROUPBUY_LIMIT, "at most %lld per customer; this customer holds %lld", (long long)t->limit,
                       (long long)held);
    return YT_OK;
}

/* The activity's units: never past its stock (the UPDATE decides, and a CHECK), never once it is stopped. */
static int take_units(yt_ctx *x, const terms *t, int64_t quantity, int64_t now) {
    yt_param u[] = {PI(quantity), PI(now), PI(t->id), PI(quantity)};
    int64_t n = db_exec(x->db, "UPDATE group_buys SET sold = sold + ?, updated_at = ? WHERE id = ? AND sold + returned + ? <= stock"
                               " AND stopped_at IS NULL AND closed_at IS NULL", 4, u);
    if (n < 0) return yt_fail_db(x, "taking a seat");
    if (n == 1) return YT_OK;
    yt_param q[] = {PI(t->id)};
    if (db_query_int(x->db, "SELECT count(*) FROM group_buys WHERE id = ? AND stopped_at IS NULL", 1, q, 0) == 0)
        return yt_fail(x, 422, "group_buy", "the group buy was stopped");
    return yt_fail(x, YT_ECONFLICT, GROUPBUY_SOLD_OUT, "sold out: fewer than %lld left", (long long)quantity);
}

/* The seat's pending order at the group price; its payment window ends by the team's deadline at the latest. */
static int place_order(yt_ctx *x, const terms *t, int64_t team, int64_t customer, int64_t quantity, int64_t now, int64_t deadline,
                       int64_t *order) {
    int64_t pay_by = now + t->pay_window_ms < deadline ? now + t->pay_window_ms : deadline, total = t->price * quantity;
    yt_param p[] = {PI(customer), PI(t->id), PI(team), PI(t->sku_id), PI(quantity), PI(t->price), PI(total), PI(total), PI(now),
                    PI(pay_by), x->who->staff_id ? PI(x->who->staff_id) : PNULL};
    *order = db_query_int(x->db,
                          "INSERT INTO mall_orders(customer_id, kind, activity_id, team_id, sku_id, quantity, unit_price, total,"
                          " goods_total, status, created_at, pay_by, staff_id) VALUES(?, 'group', ?, ?, ?, ?, ?, ?, ?, 'pending', ?, ?, ?)"
                          " RETURNING id",
                          NPARAMS(p), p, 0);
    return *order > 0 ? YT_OK : yt_fail_db(x, "taking a seat");
}

static int check_quantity(yt_ctx *x, int64_t quantity) {
    return quantity < 1 || quantity > GROUPBUY_QTY_MAX ? yt_fail(x, YT_EINVAL, "quantity", "is from 1 to %d", GROUPBUY_QTY_MAX) : YT_OK;
}

/* The new team's row under a fresh code; a code another team holds (the unique index says so) is drawn again
 * inside a savepoint, so the transaction survives the clash. */
static int insert_team(yt_ctx *x, const terms *t, int64_t customer, int64_t now, int64_t deadline, int64_t *team,
                       char code[GROUPBUY_CODE_LEN + 1]) {
    for (int i = 0; i < CODE_TRIES; i++) {
        groupbuy_code_new(code);
        if (db_begin(x->db) != 0) return yt_fail_db(x, "opening a team");
        yt_param p[] = {PI(t->id), PT(code), PI(customer), PI(t->team_size), PI(now), PI(deadline)};
        *team = db_query_int(x->db, "INSERT INTO group_teams(activity_id, code, customer_id, size, seats_taken, opened_at, expires_at)"
                                    " VALUES(?, ?, ?, ?, 1, ?, ?) RETURNING id", 6, p, 0);
        if (*team > 0) return db_commit(x->db) == 0 ? YT_OK : yt_fail_db(x, "opening a team");
        bool clash = db_unique_violation(x->db);
        db_rollback(x->db);
        if (!clash) return yt_fail_db(x, "opening a team");
    }
    return yt_fail(x, YT_EINTERNAL, NULL, "no free share code");
}

int groupbuy_open(yt_ctx *x, int64_t activity, int64_t customer, int64_t quantity, char code[GROUPBUY_CODE_LEN + 1]) {
    if (check_quantity(x, quantity)) return x->err.code;
    int64_t now = now_ms(), team = 0, order = 0, deadline = 0;
    terms t = {0};
    if (db_begin(x->db) != 0) return yt_fail_db(x, "opening a team");
    int rc = customer_hold(x, customer, YT_ENOTFOUND, "taking a seat"); /* on PostgreSQL it queues the customer's other seats */
    if (rc == YT_OK) rc = read_terms(x, activity, &t);
    if (rc == YT_OK) rc = not_running(x, &t, now);
    if (rc == YT_OK) rc = may_take(x, &t, customer, quantity, false);
    if (rc == YT_OK) rc = take_units(x, &t, quantity, now);
    if (rc == YT_OK) deadline = now + t.team_ms < t.ends_at ? now + t.team_ms : t.ends_at; /* never past the activity */
    if (rc == YT_OK) rc = insert_team(x, &t, customer, now, deadline, &team, code);
    if (rc == YT_OK) rc = place_order(x, &t, team, customer, quantity, now, deadline, &order);
    char summary[96];
    snprintf(summary, sizeof summary, "{\"activity_id\":%lld,\"order_id\":%lld}", (long long)activity, (long long)order);
    if (rc == YT_OK) rc = audit_record(x, "group_team.open", "group_team", team, summary);
    return yt_finish(x, rc, "opening a team");
}

int groupbuy_join(yt_ctx *x, const char *code, int64_t customer, int64_t quantity) {
    char c[GROUPBUY_CODE_LEN + 1];
    if (!groupbuy_code_normalize(code, c)) return yt_fail(x, YT_ENOTFOUND, NULL, "no team with this code");
    if (check_quantity(x, quantity)) return x->err.code;
    int64_t now = now_ms(), order = 0;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "joining a team");
    /* the team's row first: on PostgreSQL joiners of one team queue here, so its seats are counted exactly */
    yt_param p[] = {PT(c)};
    yt_rows *r = db_query(x->db, "UPDATE group_teams SET seats_taken = seats_taken WHERE code = ?"
                                 " RETURNING id, activity_id, status, size, seats_taken, expires_at", 1, p);
    if (!r) return yt_finish(x, yt_fail_db(x, "joining a team"), "joining a team");
    bool found = rows_next(r);
    int64_t team = found ? rows_int(r, 0) : 0, activity = found ? rows_int(r, 1) : 0, size = found ? rows_int(r, 3) : 0;
    int64_t seats = found ? rows_int(r, 4) : 0, deadline = found ? rows_int(r, 5) : 0;
    char status[8] = "";
    if (found) snprintf(status, sizeof status, "%s", rows_text(r, 2));
    rows_free(r);
    if (!found) return yt_finish(x, yt_fail(x, YT_ENOTFOUND, NULL, "no team with this code"), "");
    int rc = customer_hold(x, customer, YT_ENOTFOUND, "taking a seat");
    if (rc == YT_OK) {
        yt_param q[] = {PI(team), PI(customer)};
        int64_t in = db_query_int(x->db, "SELECT count(*) FROM mall_orders WHERE team_id = ? AND customer_id = ? AND status <> 'cancelled'",
                                  2, q, -1);
        if (in < 0) rc = yt_fail_db(x, "joining a team");
        else if (in > 0) rc = yt_fail(x, YT_ECONFLICT, GROUPBUY_ALREADY_JOINED, "this customer is in the team already");
    }
    if (rc == YT_OK && strcmp(status, "formed") == 0) rc = yt_fail(x, YT_ECONFLICT, GROUPBUY_TEAM_FULL, "the team has formed");
    if (rc == YT_OK && (strcmp(status, "open") != 0 || deadline <= now))
        rc = yt_fail(x, YT_ECONFLICT, GROUPBUY_TEAM_EXPIRED, "the team's time ran out");
    terms t = {0};
    if (rc == YT_OK) rc = read_terms(x, activity, &t);
    if (rc == YT_OK) rc = not_running(x, &t, now);
    if (rc == YT_OK && seats >= size) rc = yt_fail(x, YT_ECONFLICT, GROUPBUY_TEAM_FULL, "every seat of the team is taken");
    if (rc == YT_OK) rc = may_take(x, &t, customer, quantity, true);
    if (rc == YT_OK) rc = take_units(x, &t, quantity, now);
    if (rc == YT_OK) rc = place_order(x, &t, team, customer, quantity, now, deadline, &order);
    yt_param u[] = {PI(team)};
    if (rc == YT_OK && db_exec(x->db, "UPDATE group_teams SET seats_taken = seats_taken + 1 WHERE id = ? AND status = 'open'"
                                      " AND seats_taken < size", 1, u) != 1)
        rc = yt_fail_db(x, "joining a team");
    char summary[64];
    snprintf(summary, sizeof summary, "{\"order_id\":%lld}", (long long)order);
    if (rc == YT_OK) rc = audit_record(x, "group_team.join", "group_team", team, summary);
    return yt_finish(x, rc, "joining a team");
}

/* ---- hooks of the mall's orders ---- */

int groupbuy_pay_lock(yt_ctx *x, int64_t order_id) {
    yt_param p[] = {PI(order_id)};
    return db_exec(x->db, "UPDATE group_teams SET paid = paid WHERE id = (SELECT team_id FROM mall_orders WHERE id = ?)", 1, p) < 0
               ? yt_fail_db(x, "recording a payment")
               : YT_OK;
}

int groupbuy_order_paid(yt_ctx *x, int64_t order_id) {
    int64_t now = now_ms();
    yt_param p[] = {PI(now), PI(order_id)};
    yt_rows *r = db_query(x->db,
                          "UPDATE group_teams SET paid = paid + 1, status = CASE WHEN paid + 1 >= size THEN 'formed' ELSE status END,"
                          " formed_at = CASE WHEN paid + 1 >= size THEN CAST(? AS BIGINT) ELSE formed_at END"
                          " WHERE id = (SELECT team_id FROM mall_orders WHERE id = ?) AND status = 'open' RETURNING id, status",
                          2, p);
    if (!r) return yt_fail_db(x, "recording a payment");
    bool counted = rows_next(r);
    int64_t team = counted ? rows_int(r, 0) : 0;
    bool formed = counted && strcmp(rows_text(r, 1), "formed") == 0;
    rows_free(r);
    /* a pending order is always in an open team (closing a team cancels its pending orders first) */
    if (!counted) log_error("group buys: order %lld was paid while its team is not open", (long long)order_id);
    return formed ? audit_record(x, "group_team.form", "group_team", team, NULL) : YT_OK;
}

int groupbuy_order_waiting(yt_ctx *x, int64_t order_id) {
    yt_param p[] = {PI(order_id)};
    int64_t open = db_query_int(x->db, "SELECT count(*) FROM mall_orders o JOIN group_teams t ON t.id = o.team_id"
                                       " WHERE o.id = ? AND t.status = 'open'", 1, p, -1);
    if (open < 0) return yt_fail_db(x, "reading an order's team");
    return open ? yt_fail(x, YT_ECONFLICT, "status", "the order's group-buy team has not formed: it ships once the team forms,"
                                                     " and is refunded by itself if the team fails")
                : YT_OK;
}

/* ---- the sweep ---- */

/* Units back in the activity; once its stock has gone back to the SKU (closed), straight to the SKU. */
static int give_back(yt_ctx *x, int64_t activity, int64_t units, int64_t now) {
    if (units <= 0) return YT_OK;
    yt_param p[] = {PI(units), PI(units), PI(now), PI(activity)};
    yt_rows *r = db_query(x->db, "UPDATE group_buys SET sold = sold - ?, returned = returned + CASE WHEN closed_at IS NULL"
                                 " THEN 0 ELSE CAST(? AS BIGINT) END, updated_at = ? WHERE id = ? RETURNING closed_at, sku_id", 4, p);
    if (!r) return yt_fail_db(x, "giving units back");
    bool found = rows_next(r), closed = found && !rows_null(r, 0);
    int64_t sku = found ? rows_int(r, 1) : 0;
    rows_free(r);
    if (!closed) return YT_OK;
    char ref[48];
    snprintf(ref, sizeof ref, "group_buy:%lld", (long long)activity);
    return sku_stock_apply(x, sku, units, "group_buy_end", ref, NULL);
}

/* A team past its deadline: failed (whichever instance's UPDATE changes it), its paid orders refunded, its
 * unpaid ones cancelled, their units back in the activity, in one transaction. */
static int close_team(yt_ctx *x, int64_t team, int64_t now) {
    if (db_begin(x->db) != 0) return yt_fail_db(x, "closing a team");
    yt_param p[] = {PI(now), PI(team), PI(now)};
    int64_t activity = db_query_int(x->db, "UPDATE group_teams SET status = 'failed', closed_at = ? WHERE id = ? AND status = 'open'"
                                           " AND expires_at <= ? RETURNING activity_id", 3, p, 0);
    if (activity <= 0) { /* formed meanwhile, or closed by another instance */
        db_rollback(x->db);
        return YT_OK;
    }
    /* each customer's row is locked in ascending order, as every sweep does */
    struct { int64_t id, qty; bool paid; } orders[GROUPBUY_TEAM_MAX];
    int n = 0;
    yt_param q[] = {PI(team)};
    yt_rows *r = db_query(x->db, "SELECT id, quantity, status FROM mall_orders WHERE team_id = ? AND status IN ('pending', 'paid')"
                                 " ORDER BY customer_id, id", 1, q);
    if (!r) return yt_finish(x, yt_fail_db(x, "closing a team"), "closing a team");
    while (rows_next(r) && n < GROUPBUY_TEAM_MAX) {
        orders[n].id = rows_int(r, 0), orders[n].qty = rows_int(r, 1), orders[n].paid = strcmp(rows_text(r, 2), "paid") == 0;
        n++;
    }
    rows_free(r);
    int rc = YT_OK;
    int64_t units = 0, refunded = 0, cancelled = 0;
    for (int i = 0; rc == YT_OK && i < n; i++) {
        if (orders[i].paid) {
            refund_input in = {.reason = "拼团失败", .restock = false}; /* the units go back to the activity below */
            refund_result res;
            rc = mall_refund(x, orders[i].id, &in, &res);
            if (rc == YT_OK) units += res.quantity, refunded++;
            continue;
        }
        yt_param c[] = {PI(now), PI(orders[i].id)};
        int64_t k = db_exec(x->db, "UPDATE mall_orders SET status = 'cancelled', closed_at = ?, cancel_reason = 'group_failed'"
                                   " WHERE id = ? AND status = 'pending'", 2, c);
        if (k < 0) rc = yt_fail_db(x, "closing a team");
        else if (k == 1) {
            units += orders[i].qty, cancelled++;
            rc = audit_record(x, "mall_order.cancel", "mall_order", orders[i].id, "{\"reason\":\"group_failed\"}");
        }
    }
    if (rc == YT_OK) rc = give_back(x, activity, units, now);
    char summary[96];
    snprintf(summary, sizeof summary, "{\"refunded\":%lld,\"cancelled\":%lld}", (long long)refunded, (long long)cancelled);
    if (rc == YT_OK) rc = audit_record(x, "group_team.fail", "group_team", team, summary);
    return yt_finish(x, rc, "closing a team");
}

/* An unpaid order past its payment window, in a team still open: cancelled, its seat and units free. A team
 * left with no seat at all (its leader never paid, and nobody else holds one) fails at once: nothing to refund. */
static int expire_order(yt_ctx *x, int64_t order, int64_t now) {
    if (db_begin(x->db) != 0) return yt_fail_db(x, "cancelling an unpaid order");
    yt_param l[] = {PI(order)};
    int64_t locked = db_exec(x->db, "UPDATE group_teams SET seats_taken = seats_taken WHERE id = (SELECT team_id FROM mall_orders"
                                    " WHERE id = ?) AND status = 'open'", 1, l);
    if (locked <= 0) { /* the team closed meanwhile: its closing took care of the order */
        db_rollback(x->db);
        return locked < 0 ? yt_fail_db(x, "cancelling an unpaid order") : YT_OK;
    }
    yt_param p[] = {PI(now), PI(order), PI(now)};
    yt_rows *r = db_query(x->db, "UPDATE mall_orders SET status = 'cancelled', closed_at = ?, cancel_reason = 'timeout' WHERE id = ?"
                                 " AND status = 'pending' AND pay_by <= ? RETURNING team_id, activity_id, quantity", 3, p);
    if (!r) return yt_finish(x, yt_fail_db(x, "cancelling an unpaid order"), "cancelling an unpaid order");
    bool changed = rows_next(r);
    int64_t team = changed ? rows_int(r, 0) : 0, activity = changed ? rows_int(r, 1) : 0, qty = changed ? rows_int(r, 2) : 0;
    rows_free(r);
    if (!changed) { /* paid meanwhile, or cancelled by another instance */
        db_rollback(x->db);
        return YT_OK;
    }
    yt_param s[] = {PI(now), PI(team)};
    yt_rows *t = db_query(x->db, "UPDATE group_teams SET seats_taken = seats_taken - 1, status = CASE WHEN seats_taken = 1"
                                 " THEN 'failed' ELSE status END, closed_at = CASE WHEN seats_taken = 1 THEN CAST(? AS BIGINT)"
                                 " ELSE closed_at END WHERE id = ? RETURNING status", 2, s);
    int rc = t && rows_next(t) ? YT_OK : yt_fail_db(x, "cancelling an unpaid order");
    bool emptied = rc == YT_OK && strcmp(rows_text(t, 0), "failed") == 0;
    rows_free(t);
    if (rc == YT_OK) rc = give_back(x, activity, qty, now);
    if (rc == YT_OK) rc = audit_record(x, "mall_order.cancel", "mall_order", order, "{\"reason\":\"timeout\"}");
    if (rc == YT_OK && emptied) rc = audit_record(x, "group_team.fail", "group_team", team, "{\"refunded\":0,\"cancelled\":1}");
    return yt_finish(x, rc, "cancelling an unpaid order");
}

/* An activity over (ended or stopped) with no open team: what is left of its stock goes back to the SKU, once. */
static int close_activity(yt_ctx *x, int64_t id, int64_t now) {
    if (db_begin(x->db) != 0) return yt_fail_db(x, "closing a group buy");
    yt_param p[] = {PI(now), PI(now), PI(id), PI(now)};
    yt_rows *r = db_query(x->db, "UPDATE group_buys SET closed_at = ?, returned = stock - sold, updated_at = ? WHERE id = ?"
                                 " AND closed_at IS NULL AND (stopped_at IS NOT NULL OR ends_at <= ?) AND NOT EXISTS (SELECT 1"
                                 " FROM group_teams t WHERE t.activity_id = group_buys.id AND t.status = 'open')"
                                 " RETURNING sku_id, returned", 4, p);
    if (!r) return yt_finish(x, yt_fail_db(x, "closing a group buy"), "closing a group buy");
    bool changed = rows_next(r);
    int64_t sku = changed ? rows_int(r, 0) : 0, returned = changed ? rows_int(r, 1) : 0;
    rows_free(r);
    if (!changed) {
        db_rollback(x->db);
        return YT_OK;
    }
    char ref[48], summary[48];
    snprintf(ref, sizeof ref, "group_buy:%lld", (long long)id);
    snprintf(summary, sizeof summary, "{\"returned\":%lld}", (long long)returned);
    int rc = returned > 0 ? sku_stock_apply(x, sku, returned, "group_buy_end", ref, NULL) : YT_OK;
    if (rc == YT_OK) rc = audit_record(x, "group_buy.close", "group_buy", id, summary);
    return yt_finish(x, rc, "closing a group buy");
}

/* Reads up to max ids (column 0) of sql bound to now. */
static int due(yt_db *db, const char *sql, int64_t now, int64_t *ids, int max) {
    yt_param p[] = {PI(now)};
    yt_rows *r = db_query(db, sql, 1, p);
    int n = 0;
    while (r && rows_next(r) && n < max) ids[n++] = rows_int(r, 0);
    rows_free(r);
    return n;
}

void groupbuy_sweep(yt_store *store) {
    yt_db *db = store_db(store);
    if (!db) return;
    int64_t now = now_ms(), teams[SWEEP_TEAMS], orders[SWEEP_ORDERS], acts[SWEEP_ACTIVITIES];
    /* read on this thread's own connection: the writer is taken only when something is due */
    int nt = due(db, "SELECT id FROM group_teams WHERE status = 'open' AND expires_at <= ? ORDER BY expires_at LIMIT 100", now, teams,
                 SWEEP_TEAMS);
    int no = due(db, "SELECT id FROM mall_orders WHERE status = 'pending' AND pay_by <= ? AND kind = 'group' ORDER BY pay_by LIMIT 100",
                 now, orders, SWEEP_ORDERS);
    int na = due(db, "SELECT g.id FROM group_buys g WHERE g.closed_at IS NULL AND (g.stopped_at IS NOT NULL OR g.ends_at <= ?)"
                     " AND NOT EXISTS (SELECT 1 FROM group_teams t WHERE t.activity_id = g.id AND t.status = 'open')"
                     " ORDER BY g.id LIMIT 20", now, acts, SWEEP_ACTIVITIES);
    if (!nt && !no && !na) return;
    yt_db *w = store_writer_acquire(store);
    if (!w) return;
    yt_arena arena = {0};
    static const char *const what[] = {"close team", "cancel unpaid order", "close group buy"};
    for (int k = 0; k < 3; k++) {
        int n = k == 0 ? nt : k == 1 ? no : na;
        for (int i = 0; i < n; i++) {
            yt_ctx x = {.db = w, .who = yt_system_actor(), .arena = &arena};
            int64_t id = k == 0 ? teams[i] : k == 1 ? orders[i] : acts[i];
            int rc = k == 0 ? close_team(&x, id, now) : k == 1 ? expire_order(&x, id, now) : close_activity(&x, id, now);
            if (rc) log_error("group buys: cannot %s %lld: %s", what[k], (long long)id, x.err.msg);
        }
    }
    arena_free(&arena);
    store_writer_release(store);
}
