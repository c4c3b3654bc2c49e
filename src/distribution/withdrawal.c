/* Withdrawals: requested against the withdrawable balance, approved or rejected by staff, read back. */
#include "withdrawal.h"
#include "commission.h"
#include "settings.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include <stdio.h>
#include <string.h>

int withdrawal_request(yt_ctx *x, int64_t customer, int64_t amount, int64_t *id) {
    *id = 0;
    distribution_settings s;
    int rc = distribution_settings_get(x, &s);
    if (rc) return rc;
    if (amount < s.withdraw_min || amount > WITHDRAWAL_MAX)
        return yt_fail(x, YT_EINVAL, "amount", "is fen from %lld to %lld", (long long)s.withdraw_min, WITHDRAWAL_MAX);
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "requesting a withdrawal");
    /* the balance moves first, only if it holds the amount: on PostgreSQL the row lock queues the distributor's
     * other requests, which then find what this one left */
    yt_param p[] = {PI(amount), PI(amount), PI(now), PI(customer), PI(amount)};
    int64_t n = db_exec(x->db, "UPDATE distributors SET withdrawable = withdrawable - ?, withdrawing = withdrawing + ?, updated_at = ?"
                               " WHERE customer_id = ? AND withdrawable >= ?", 5, p);
    if (n < 0) rc = yt_fail_db(x, "requesting a withdrawal");
    if (rc == YT_OK && n == 0) {
        yt_param q[] = {PI(customer)};
        int64_t balance = db_query_int(x->db, "SELECT withdrawable FROM distributors WHERE customer_id = ?", 1, q, -1);
        rc = balance < 0 ? yt_fail(x, YT_ENOTFOUND, NULL, "you are no distributor")
                         : yt_fail(x, YT_ECONFLICT, "amount", "more than your withdrawable balance (%lld fen)", (long long)balance);
    }
    yt_param w[] = {PI(customer), PI(amount), PI(now)};
    if (rc == YT_OK) {
        *id = db_query_int(x->db, "INSERT INTO distribution_withdrawals(customer_id, amount, status, requested_at)"
                                  " VALUES(?, ?, 'pending', ?) RETURNING id", 3, w, 0);
        if (*id <= 0) rc = yt_fail_db(x, "requesting a withdrawal");
    }
    char summary[64];
    snprintf(summary, sizeof summary, "{\"amount\":%lld,\"customer_id\":%lld}", (long long)amount, (long long)customer);
    if (rc == YT_OK) rc = audit_record(x, "distribution_withdrawal.request", "distribution_withdrawal", *id, summary);
    return yt_finish(x, rc, "requesting a withdrawal");
}

/* Decides a pending withdrawal: to "paid" or "rejected"; *customer and *amount: whose and how much. */
static int decide(yt_ctx *x, int64_t id, const char *to, const char *payout_ref, const char *note, int64_t *customer, int64_t *amount) {
    yt_param p[] = {PT(to), x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now_ms()), PT(payout_ref ? payout_ref : ""),
                    PT(note ? note : ""), PI(id)};
    yt_rows *r = db_query(x->db, "UPDATE distribution_withdrawals SET status = ?, reviewed_by = ?, reviewed_at = ?, payout_ref = ?,"
                                 " note = ? WHERE id = ? AND status = 'pending' RETURNING customer_id, amount", NPARAMS(p), p);
    if (!r) return yt_fail_db(x, "reviewing a withdrawal");
    bool changed = rows_next(r);
    if (changed) *customer = rows_int(r, 0), *amount = rows_int(r, 1);
    rows_free(r);
    if (changed) return YT_OK;
    yt_param q[] = {PI(id)};
    r = db_query(x->db, "SELECT status FROM distribution_withdrawals WHERE id = ?", 1, q);
    if (!r) return yt_fail_db(x, "reviewing a withdrawal");
    int rc = rows_next(r) ? yt_fail(x, YT_ECONFLICT, "status", "the withdrawal is %s already", rows_text(r, 0))
                          : yt_fail(x, YT_ENOTFOUND, NULL, "no withdrawal with id %lld", (long long)id);
    rows_free(r);
    return rc;
}

int withdrawal_approve(yt_ctx *x, int64_t id, const char *payout_ref, const char *note) {
    if (yt_check_text(x, "payout_ref", payout_ref, 0, 100) || yt_check_text(x, "note", note, 0, 200)) return x->err.code;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "reviewing a withdrawal");
    int64_t customer = 0, amount = 0;
    int rc = decide(x, id, "paid", payout_ref, note, &customer, &amount);
    yt_param u[] = {PI(amount), PI(amount), PI(now_ms()), PI(customer)};
    if (rc == YT_OK && db_exec(x->db, "UPDATE distributors SET withdrawing = withdrawing - ?, withdrawn = withdrawn + ?, updated_at = ?"
                                      " WHERE customer_id = ?", 4, u) < 0)
        rc = yt_fail_db(x, "reviewing a withdrawal");
    char summary[96];
    snprintf(summary, sizeof summary, "{\"amount\":%lld,\"customer_id\":%lld}", (long long)amount, (long long)customer);
    if (rc == YT_OK) rc = audit_record(x, "distribution_withdrawal.approve", "distribution_withdrawal", id, summary);
    return yt_finish(x, rc, "reviewing a withdrawal");
}

int withdrawal_reject(yt_ctx *x, int64_t id, const char *reason) {
    if (yt_check_text(x, "reason", reason ? reason : "", 1, 200)) return x->err.code;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "reviewing a withdrawal");
    int64_t customer = 0, amount = 0;
    int rc = decide(x, id, "rejected", NULL, reason, &customer, &amount);
    if (rc == YT_OK) rc = distribution_credit(x, customer, amount, false);
    char summary[96];
    snprintf(summary, sizeof summary, "{\"amount\":%lld,\"customer_id\":%lld}", (long long)amount, (long long)customer);
    if (rc == YT_OK) rc = audit_record(x, "distribution_withdrawal.reject", "distribution_withdrawal", id, summary);
    return yt_finish(x, rc, "reviewing a withdrawal");
}

#define WITHDRAWAL_COLS "id, customer_id, amount, status, requested_at, reviewed_at, payout_ref, note"

static const bool member_view = true, staff_view = false;

/* arg: &member_view (the member's own: no customer id) or &staff_view */
static void write_withdrawal(void *arg, yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    if (!*(const bool *)arg) jw_kint(w, "customer_id", rows_int(r, 1));
    jw_kint(w, "amount", rows_int(r, 2));
    jw_kstr(w, "status", rows_text(r, 3));
    jw_ktime(w, "requested_at", rows_int(r, 4));
    if (rows_null(r, 5)) jw_knull(w, "reviewed_at");
    else jw_ktime(w, "reviewed_at", rows_int(r, 5));
    jw_kstr(w, "payout_ref", rows_text(r, 6));
    jw_kstr(w, "note", rows_text(r, 7));
    jw_obj_end(w);
}

int withdrawal_write_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t member) {
    yt_param p[] = {PI(id), PI(member), PI(member)};
    yt_rows *r = db_query(x->db, "SELECT " WITHDRAWAL_COLS " FROM distribution_withdrawals WHERE id = ? AND (? = 0 OR customer_id = ?)",
                          3, p);
    if (!r) return yt_fail_db(x, "reading a withdrawal");
    bool found = rows_next(r);
    if (found) write_withdrawal((void *)(member ? &member_view : &staff_view), w, r);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no withdrawal with id %lld", (long long)id);
}

static const char *const statuses[] = {"pending", "paid", "rejected"};

int withdrawal_list_json(yt_ctx *x, yt_jw *w, const char *status, int64_t member, int limit, int64_t cursor) {
    bool known = !status;
    for (size_t i = 0; status && i < sizeof statuses / sizeof statuses[0]; i++) known = known || strcmp(status, statuses[i]) == 0;
    if (!known) return yt_fail(x, YT_EINVAL, "status", "status is pending, paid or rejected");
    yt_param p[] = {PT(status ? status : ""), PT(status ? status : ""), PI(member), PI(member), PI(cursor ? cursor : INT64_MAX),
                    PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT " WITHDRAWAL_COLS " FROM distribution_withdrawals WHERE (? = '' OR status = ?)"
                                 " AND (? = 0 OR customer_id = ?) AND id < ? ORDER BY id DESC LIMIT ?", NPARAMS(p), p);
    if (!r) return yt_fail_db(x, "listing withdrawals");
    page_write_with(w, r, limit, write_withdrawal, (void *)(member ? &member_view : &staff_view));
    rows_free(r);
    return YT_OK;
}
