/* Commissions: the rate and reversal arithmetic and the two-level rule (pure), commissions made when an order is
 * paid, dated when it completes and reversed when it is refunded, their release by the sweep, lists and the
 * leaderboard. */
#include "commission.h"
#include "distributor.h"
#include "../base/arena.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include "../domain/page.h"
#include <stdio.h>
#include <string.h>

#define RELEASE_BATCH 100 /* the LIMIT in the sweep's query */

/* ---- the rules ---- */

int64_t commission_amount(int64_t base, int64_t rate, int64_t scale) {
    if (base <= 0 || rate <= 0 || scale <= 0) return 0;
    return (int64_t)((__int128)base * rate / scale);
}

int64_t commission_reversal(int64_t amount, int64_t refunded, int64_t paid) {
    if (amount <= 0 || refunded <= 0) return 0;
    if (paid <= 0 || refunded >= paid) return amount;
    return (int64_t)((__int128)amount * refunded / paid);
}

int commission_levels(int64_t buyer, const commission_link *up, int n, int64_t out[DISTRIBUTION_LEVELS]) {
    int paid = 0;
    for (int i = 0; i < DISTRIBUTION_LEVELS; i++) out[i] = 0;
    for (int i = 0; i < n && i < DISTRIBUTION_LEVELS; i++) { /* never past the second level, however long the chain */
        bool repeat = up[i].customer == buyer;
        for (int j = 0; j < i; j++) repeat = repeat || up[i].customer == out[j];
        if (!up[i].customer || !up[i].active || repeat) {
            if (i == 0) break; /* the buyer's own distributor earns nothing: nobody above them does either */
            continue;
        }
        out[i] = up[i].customer;
        paid++;
    }
    return paid;
}

/* ---- an order's life ---- */

static const char *unit_of(int64_t scale) { return scale == 1000 ? "permille" : "percent"; }

int distribution_order_paid(yt_ctx *x, int64_t order_id, int64_t buyer, int64_t paid) {
    distribution_settings s;
    int rc = distribution_settings_get(x, &s);
    if (rc || !s.enabled) return rc;
    bool made;
    if ((rc = distributor_by_rule(x, &s, buyer, &made))) return rc;
    /* the buyer's live binding, and that distributor's own: two steps up, the most that can ever earn */
    int64_t now = now_ms();
    yt_param p[] = {PI(now), PI(buyer), PI(now)};
    yt_rows *r = db_query(x->db, "SELECT b1.distributor_id, COALESCE(d1.status, ''), b2.distributor_id, COALESCE(d2.status, '')"
                                 " FROM distribution_bindings b1 LEFT JOIN distributors d1 ON d1.customer_id = b1.distributor_id"
                                 " LEFT JOIN distribution_bindings b2 ON b2.customer_id = b1.distributor_id"
                                 "   AND (b2.expires_at IS NULL OR b2.expires_at > ?)"
                                 " LEFT JOIN distributors d2 ON d2.customer_id = b2.distributor_id"
                                 " WHERE b1.customer_id = ? AND (b1.expires_at IS NULL OR b1.expires_at > ?)", 3, p);
    if (!r) return yt_fail_db(x, "paying commissions");
    commission_link up[DISTRIBUTION_LEVELS];
    int n = 0;
    if (rows_next(r)) {
        up[n++] = (commission_link){rows_int(r, 0), strcmp(rows_text(r, 1), "active") == 0};
        if (!rows_null(r, 2)) up[n++] = (commission_link){rows_int(r, 2), strcmp(rows_text(r, 3), "active") == 0};
    }
    rows_free(r);
    int64_t earners[DISTRIBUTION_LEVELS];
    commission_levels(buyer, up, n, earners);
    int64_t scale = distribution_scale(&s);
    for (int i = 0; rc == YT_OK && i < DISTRIBUTION_LEVELS; i++) {
        int64_t amount = commission_amount(paid, s.rates[i], scale);
        if (!earners[i] || amount <= 0) continue;
        yt_param c[] = {PI(order_id), PI(i + 1), PI(earners[i]), PI(paid), PI(s.rates[i]), PI(scale), PI(amount), PI(now)};
        yt_param d[] = {PI(amount), PI(now), PI(earners[i])};
        if (db_exec(x->db, "INSERT INTO distribution_commissions(order_id, level, customer_id, base, rate, scale, amount, status,"
                           " created_at) VALUES(?,?,?,?,?,?,?,'frozen',?)", NPARAMS(c), c) != 1 ||
            db_exec(x->db, "UPDATE distributors SET frozen = frozen + ?, updated_at = ? WHERE customer_id = ?", 3, d) != 1)
            rc = yt_fail_db(x, "paying commissions");
    }
    return rc;
}

int distribution_order_completed(yt_ctx *x, int64_t order_id, int64_t completed_at) {
    distribution_settings s;
    int rc = distribution_settings_get(x, &s);
    if (rc) return rc;
    yt_param p[] = {PI(completed_at + s.settle_days * DAY_MS_DIST), PI(order_id)};
    if (db_exec(x->db, "UPDATE distribution_commissions SET release_at = ? WHERE order_id = ? AND status = 'frozen'"
                       " AND release_at IS NULL", 2, p) < 0)
        return yt_fail_db(x, "dating commissions");
    return YT_OK;
}

int distribution_credit(yt_ctx *x, int64_t customer, int64_t amount, bool from_frozen) {
    static const char *const sql[] = {
        "UPDATE distributors SET withdrawing = withdrawing - ?, owed = CASE WHEN owed >= CAST(? AS BIGINT) THEN owed - CAST(? AS BIGINT)"
        " ELSE 0 END, withdrawable = withdrawable + CASE WHEN owed >= CAST(? AS BIGINT) THEN 0 ELSE CAST(? AS BIGINT) - owed END,"
        " updated_at = ? WHERE customer_id = ?",
        "UPDATE distributors SET frozen = frozen - ?, owed = CASE WHEN owed >= CAST(? AS BIGINT) THEN owed - CAST(? AS BIGINT)"
        " ELSE 0 END, withdrawable = withdrawable + CASE WHEN owed >= CAST(? AS BIGINT) THEN 0 ELSE CAST(? AS BIGINT) - owed END,"
        " updated_at = ? WHERE customer_id = ?",
    };
    yt_param p[] = {PI(amount), PI(amount), PI(amount), PI(amount), PI(amount), PI(now_ms()), PI(customer)};
    return db_exec(x->db, sql[from_frozen], NPARAMS(p), p) < 0 ? yt_fail_db(x, "crediting a distributor") : YT_OK;
}

int distribution_order_refunded(yt_ctx *x, int64_t order_id, int64_t refunded, int64_t paid) {
    /* the order's commissions, locked: a release that runs at the same time waits, then finds what this did */
    yt_param p[] = {PI(refunded), PI(order_id)};
    yt_rows *r = db_query(x->db, "UPDATE distribution_commissions SET refunded = ? WHERE order_id = ?"
                                 " RETURNING id, customer_id, amount, reversed, status", 2, p);
    if (!r) return yt_fail_db(x, "reversing commissions");
    struct {
        int64_t id, customer, amount, reversed;
        bool released;
    } c[DISTRIBUTION_LEVELS];
    int n = 0;
    while (rows_next(r) && n < DISTRIBUTION_LEVELS)
        c[n].id = rows_int(r, 0), c[n].customer = rows_int(r, 1), c[n].amount = rows_int(r, 2), c[n].reversed = rows_int(r, 3),
        c[n].released = strcmp(rows_text(r, 4), "released") == 0, n++;
    rows_free(r);
    int64_t now = now_ms();
    int rc = YT_OK;
    for (int i = 0; rc == YT_OK && i < n; i++) {
        int64_t back = commission_reversal(c[i].amount, refunded, paid) - c[i].reversed;
        if (back <= 0) continue;
        yt_param u[] = {PI(back), PI(back), PI(c[i].id)};
        if (db_exec(x->db, "UPDATE distribution_commissions SET reversed = reversed + ?, status = CASE WHEN reversed + CAST(? AS BIGINT)"
                           " >= amount THEN 'reversed' ELSE status END WHERE id = ?", 3, u) != 1) {
            rc = yt_fail_db(x, "reversing commissions");
            break;
        }
        /* frozen: it never reached the balance. Released: the balance gives it back, and what the balance cannot
         * cover is owed, netted from the next releases */
        yt_param f[] = {PI(back), PI(now), PI(c[i].customer)};
        yt_param b[] = {PI(back), PI(back), PI(back), PI(back), PI(now), PI(c[i].customer)};
        int64_t done = c[i].released
                           ? db_exec(x->db, "UPDATE distributors SET withdrawable = CASE WHEN withdrawable >= CAST(? AS BIGINT)"
                                            " THEN withdrawable - CAST(? AS BIGINT) ELSE 0 END, owed = owed + CASE WHEN withdrawable"
                                            " >= CAST(? AS BIGINT) THEN 0 ELSE CAST(? AS BIGINT) - withdrawable END, updated_at = ?"
                                            " WHERE customer_id = ?", 6, b)
                           : db_exec(x->db, "UPDATE distributors SET frozen = frozen - ?, updated_at = ? WHERE customer_id = ?", 3, f);
        if (done < 0) rc = yt_fail_db(x, "reversing commissions");
    }
    return rc;
}

/* ---- release ---- */

int distribution_release(yt_ctx *x, int64_t commission_id) {
    if (db_begin(x->db) != 0) {
        yt_fail_db(x, "releasing a commission");
        return -1;
    }
    /* the status decides who releases it: another instance's sweep (or a refund holding it) finds it changed */
    yt_param p[] = {PI(now_ms()), PI(commission_id)};
    yt_rows *r = db_query(x->db, "UPDATE distribution_commissions SET status = 'released', released_at = ? WHERE id = ?"
                                 " AND status = 'frozen' RETURNING customer_id, amount - reversed", 2, p);
    if (!r) {
        yt_finish(x, yt_fail_db(x, "releasing a commission"), "releasing a commission");
        return -1;
    }
    bool took = rows_next(r);
    int64_t customer = took ? rows_int(r, 0) : 0, net = took ? rows_int(r, 1) : 0;
    rows_free(r);
    int rc = took && net > 0 ? distribution_credit(x, customer, net, true) : YT_OK;
    if (yt_finish(x, rc, "releasing a commission") != YT_OK) return -1;
    return took ? 1 : 0;
}

void distribution_sweep(yt_store *store) {
    yt_db *db = store_db(store);
    if (!db) return;
    int64_t ids[RELEASE_BATCH];
    int n = 0;
    yt_param p[] = {PI(now_ms())};
    /* on this thread's own connection, through the index of frozen commissions by due time: nearly free when
     * nothing is due */
    yt_rows *r = db_query(db, "SELECT c.id FROM distribution_commissions c WHERE c.status = 'frozen' AND c.release_at <= ?"
                              " AND NOT EXISTS (SELECT 1 FROM after_sales a WHERE a.order_id = c.order_id AND a.status = 'open')"
                              " ORDER BY c.release_at LIMIT 100", 1, p);
    while (r && rows_next(r) && n < RELEASE_BATCH) ids[n++] = rows_int(r, 0);
    rows_free(r);
    if (!n) return;
    yt_db *w = store_writer_acquire(store);
    if (!w) return;
    yt_arena arena = {0};
    for (int i = 0; i < n; i++) {
        yt_ctx x = {.db = w, .who = yt_system_actor(), .arena = &arena};
        if (distribution_release(&x, ids[i]) < 0)
            log_error("distribution: cannot release commission %lld: %s", (long long)ids[i], x.err.msg);
    }
    arena_free(&arena);
    store_writer_release(store);
}

/* ---- reading ---- */

static const bool member_view = true, staff_view = false;

/* arg: &member_view (the member's own: no ids of others) or &staff_view */
static void write_commission(void *arg, yt_jw *w, yt_rows *r) {
    bool member = *(const bool *)arg;
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "order_id", rows_int(r, 1));
    jw_kint(w, "level", rows_int(r, 2));
    if (!member) {
        jw_kint(w, "distributor_id", rows_int(r, 3));
        jw_kint(w, "buyer_id", rows_int(r, 4));
    }
    jw_kint(w, "base", rows_int(r, 5));
    jw_kint(w, "refunded", rows_int(r, 6));
    jw_kint(w, "rate", rows_int(r, 7));
    jw_kstr(w, "rate_unit", unit_of(rows_int(r, 8)));
    jw_kint(w, "amount", rows_int(r, 9));
    jw_kint(w, "reversed", rows_int(r, 10));
    jw_kstr(w, "status", rows_text(r, 11));
    static const char *const times[] = {"release_at", "released_at"};
    for (int i = 0; i < 2; i++)
        if (rows_null(r, 12 + i)) jw_knull(w, times[i]);
        else jw_ktime(w, times[i], rows_int(r, 12 + i));
    jw_ktime(w, "created_at", rows_int(r, 14));
    jw_obj_end(w);
}

static const char *const commission_statuses[] = {"frozen", "released", "reversed"};

int commission_list_json(yt_ctx *x, yt_jw *w, int64_t distributor, int64_t order_id, const char *status, int64_t member,
                         int limit, int64_t cursor) {
    bool known = !status;
    for (size_t i = 0; status && i < sizeof commission_statuses / sizeof commission_statuses[0]; i++)
        known = known || strcmp(status, commission_statuses[i]) == 0;
    if (!known) return yt_fail(x, YT_EINVAL, "status", "status is frozen, released or reversed");
    if (member) distributor = member;
    yt_param p[] = {PI(distributor), PI(distributor), PI(order_id), PI(order_id), PT(status ? status : ""), PT(status ? status : ""),
                    PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT c.id, c.order_id, c.level, c.customer_id, o.customer_id, c.base, c.refunded, c.rate, c.scale,"
                                 " c.amount, c.reversed, c.status, c.release_at, c.released_at, c.created_at"
                                 " FROM distribution_commissions c JOIN mall_orders o ON o.id = c.order_id"
                                 " WHERE (? = 0 OR c.customer_id = ?) AND (? = 0 OR c.order_id = ?) AND (? = '' OR c.status = ?)"
                                 " AND c.id < ? ORDER BY c.id DESC LIMIT ?", NPARAMS(p), p);
    if (!r) return yt_fail_db(x, "listing commissions");
    page_write_with(w, r, limit, write_commission, (void *)(member ? &member_view : &staff_view));
    rows_free(r);
    return YT_OK;
}

/* What a leaderboard ranks by: the same columns, another order, and only those with something to rank. */
#define BOARD_SQL(having, order)                                                                                       \
    "SELECT c.customer_id, cu.name, cu.nickname, SUM(c.amount - c.reversed),"                                          \
    " SUM(CASE WHEN c.level = 1 THEN c.base - c.refunded ELSE 0 END), SUM(CASE WHEN c.level = 1 THEN 1 ELSE 0 END)"    \
    " FROM distribution_commissions c JOIN customers cu ON cu.id = c.customer_id"                                      \
    " WHERE c.created_at >= ? AND c.created_at < ? AND cu.erased_at IS NULL"                                           \
    " GROUP BY c.customer_id, cu.name, cu.nickname HAVING " having " > 0 ORDER BY " order " DESC, c.customer_id LIMIT ?"

static const struct {
    const char *by, *sql;
} boards[] = {
    {"commission", BOARD_SQL("SUM(c.amount - c.reversed)", "4")},
    {"sales", BOARD_SQL("SUM(CASE WHEN c.level = 1 THEN c.base - c.refunded ELSE 0 END)", "5")},
};

int distribution_leaderboard_json(yt_ctx *x, yt_jw *w, const char *by, int64_t from, int64_t to, int limit, int64_t member) {
    const char *sql = NULL;
    for (size_t i = 0; i < sizeof boards / sizeof boards[0]; i++)
        if (strcmp(by, boards[i].by) == 0) sql = boards[i].sql;
    if (!sql) return yt_fail(x, YT_EINVAL, "by", "by is commission or sales");
    if (to <= from) return yt_fail(x, YT_EINVAL, "to", "must be after from");
    yt_param p[] = {PI(from), PI(to), PI(limit)};
    yt_rows *r = db_query(x->db, sql, 3, p);
    if (!r) return yt_fail_db(x, "reading the leaderboard");
    jw_obj(w);
    jw_kstr(w, "by", by);
    jw_ktime(w, "from", from);
    jw_ktime(w, "to", to);
    jw_key(w, "items");
    jw_arr(w);
    for (int rank = 1; rows_next(r); rank++) {
        const char *name = rows_text(r, 1)[0] ? rows_text(r, 1) : rows_text(r, 2);
        jw_obj(w);
        jw_kint(w, "rank", rank);
        if (member) {
            char masked[16];
            distributor_mask_name(name, masked, sizeof masked);
            jw_kstr(w, "name", masked);
            jw_kbool(w, "me", rows_int(r, 0) == member);
        } else {
            jw_kint(w, "customer_id", rows_int(r, 0));
            jw_kstr(w, "name", name);
        }
        jw_kint(w, "commission", rows_int(r, 3));
        jw_kint(w, "sales", rows_int(r, 4));
        jw_kint(w, "orders", rows_int(r, 5));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    jw_obj_end(w);
    rows_free(r);
    return YT_OK;
}
