/* Red packets: the split (pure), packets and their shares in the store, a member's claim and the claims kept as
 * each customer's red-packet balance. */
#include "redpacket.h"
#include "../base/alloc.h"
#include "../base/timeutil.h"
#include "../commerce/mall_order.h"
#include "../customer/customer.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define YEAR_MS (366LL * 86400000)

/* ---- the split ---- */

int64_t red_packet_split(bool lucky, int64_t total, int64_t count, int64_t *amounts) {
    if (count < 1 || total < count) return -1;
    int64_t left = total;
    for (int64_t i = 0; i < count; i++) {
        int64_t k = count - i; /* shares still to make, this one included */
        int64_t a;
        if (k == 1) a = left;
        else if (!lucky) a = total / count + (i < total % count ? 1 : 0);
        else {
            int64_t hi = 2 * (left / k) - 1;
            if (hi > left - (k - 1)) hi = left - (k - 1); /* every share still to come keeps its 1 fen */
            if (hi < 1) hi = 1;
            a = 1 + (int64_t)randombytes_uniform((uint32_t)hi);
        }
        amounts[i] = a;
        left -= a;
    }
    int64_t best = 0;
    for (int64_t i = 1; i < count; i++)
        if (amounts[i] > amounts[best]) best = i;
    return best;
}

/* ---- definitions ---- */

static const char *const modes[] = {"fixed", "lucky"};

int red_packet_create(yt_ctx *x, const red_packet_input *in, int64_t *id) {
    if (yt_check_text(x, "name", in->name ? in->name : "", 1, 100)) return x->err.code;
    int mode = -1;
    for (int i = 0; i < 2; i++)
        if (in->mode && strcmp(in->mode, modes[i]) == 0) mode = i;
    if (mode < 0) return yt_fail(x, YT_EINVAL, "mode", "must be fixed or lucky");
    if (in->count < 1 || in->count > RED_PACKET_COUNT_MAX)
        return yt_fail(x, YT_EINVAL, "count", "is from 1 to %d packets", RED_PACKET_COUNT_MAX);
    if (in->total < 1 || in->total > RED_PACKET_TOTAL_MAX)
        return yt_fail(x, YT_EINVAL, "total", "is fen from 1 to %lld", RED_PACKET_TOTAL_MAX);
    if (in->total < in->count)
        return yt_fail(x, YT_EINVAL, "total", "every packet holds at least 1 fen: total must be at least count (%lld)",
                       (long long)in->count);
    if (in->ends_at <= in->starts_at) return yt_fail(x, YT_EINVAL, "ends_at", "must be after starts_at");
    if (in->ends_at - in->starts_at > YEAR_MS) return yt_fail(x, YT_EINVAL, "ends_at", "red packets last at most a year");
    if (in->ends_at <= now_ms()) return yt_fail(x, YT_EINVAL, "ends_at", "is already past");
    int64_t *amounts = yt_calloc((size_t)in->count, sizeof *amounts); /* freed below */
    int64_t best = red_packet_split(mode == 1, in->total, in->count, amounts);
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) {
        free(amounts);
        return yt_fail_db(x, "creating red packets");
    }
    yt_param p[] = {PT(in->name), PT(modes[mode]), PI(in->total), PI(in->count), PI(in->starts_at), PI(in->ends_at),
                    x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now)};
    *id = db_query_int(x->db,
                       "INSERT INTO red_packets(name, mode, total, count, starts_at, ends_at, created_by, created_at)"
                       " VALUES(?,?,?,?,?,?,?,?) RETURNING id",
                       NPARAMS(p), p, 0);
    int rc = *id > 0 ? YT_OK : yt_fail_db(x, "creating red packets");
    for (int64_t i = 0; rc == YT_OK && i < in->count; i++) {
        yt_param q[] = {PI(*id), PI(i + 1), PI(amounts[i]), PI(i == best)};
        if (db_exec(x->db, "INSERT INTO red_packet_shares(packet_id, seq, amount, best_luck) VALUES(?,?,?,?)", 4, q) != 1)
            rc = yt_fail_db(x, "creating red packets");
    }
    free(amounts);
    if (rc == YT_OK) rc = audit_record(x, "red_packet.create", "red_packet", *id, NULL);
    return yt_finish(x, rc, "creating red packets");
}

/* ---- reading ---- */

/* The packet, what is claimed, and the best-luck claim once there is one (b: shown once every share is claimed). */
#define PACKET_SQL                                                                                                     \
    "SELECT p.id, p.name, p.mode, p.total, p.count, p.starts_at, p.ends_at, p.created_at,"                            \
    " (SELECT count(*) FROM red_packet_claims c WHERE c.packet_id = p.id),"                                           \
    " (SELECT COALESCE(SUM(amount), 0) FROM red_packet_claims c WHERE c.packet_id = p.id),"                           \
    " b.customer_id, b.amount, b.at, p.stopped_at"                                                                     \
    " FROM red_packets p LEFT JOIN red_packet_claims b ON b.packet_id = p.id AND b.best_luck"

static const char *state_of(int64_t now, int64_t starts_at, int64_t ends_at, bool all_claimed) {
    return all_claimed ? "claimed" : now < starts_at ? "upcoming" : now < ends_at ? "running" : "over";
}

/* The packet's columns (PACKET_SQL) as members of the open object; staff also see a stop as such (a member
 * sees a stopped packet as over). */
static void write_head(yt_jw *w, yt_rows *r, bool staff) {
    bool all = rows_int(r, 8) == rows_int(r, 4);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "name", rows_text(r, 1));
    jw_kstr(w, "mode", rows_text(r, 2));
    jw_kint(w, "total", rows_int(r, 3));
    jw_kint(w, "count", rows_int(r, 4));
    jw_ktime(w, "starts_at", rows_int(r, 5));
    jw_ktime(w, "ends_at", rows_int(r, 6));
    bool stopped = staff && !rows_null(r, 13);
    jw_kstr(w, "state", stopped ? "stopped" : state_of(now_ms(), rows_int(r, 5), rows_int(r, 6), all));
    if (!staff) return;
    if (stopped) jw_ktime(w, "stopped_at", rows_int(r, 13));
    else jw_knull(w, "stopped_at");
}

/* One packet for the staff. */
static void write_packet(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    write_head(w, r, true);
    jw_key(w, "claimed");
    jw_obj(w);
    jw_kint(w, "count", rows_int(r, 8));
    jw_kint(w, "amount", rows_int(r, 9));
    jw_obj_end(w);
    if (rows_int(r, 8) == rows_int(r, 4) && !rows_null(r, 10)) { /* told once every share is claimed */
        jw_key(w, "best_luck");
        jw_obj(w);
        jw_kint(w, "customer_id", rows_int(r, 10));
        jw_kint(w, "amount", rows_int(r, 11));
        jw_ktime(w, "at", rows_int(r, 12));
        jw_obj_end(w);
    } else {
        jw_knull(w, "best_luck");
    }
    jw_ktime(w, "created_at", rows_int(r, 7));
    jw_obj_end(w);
}

int red_packet_write_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, PACKET_SQL " WHERE p.id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading red packets");
    bool found = rows_next(r);
    if (found) write_packet(w, r);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no red packet with id %lld", (long long)id);
}

int red_packet_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor) {
    yt_param p[] = {PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, PACKET_SQL " WHERE p.id < ? ORDER BY p.id DESC LIMIT ?", 2, p);
    if (!r) return yt_fail_db(x, "listing red packets");
    page_write(w, r, limit, write_packet);
    rows_free(r);
    return YT_OK;
}

static void write_claim(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "customer_id", rows_int(r, 1));
    jw_kint(w, "amount", rows_int(r, 2));
    jw_kbool(w, "best_luck", rows_int(r, 3) != 0);
    jw_ktime(w, "at", rows_int(r, 4));
    jw_obj_end(w);
}

static int packet_exists(yt_ctx *x, int64_t id) {
    yt_param q[] = {PI(id)};
    int64_t found = db_query_int(x->db, "SELECT count(*) FROM red_packets WHERE id = ?", 1, q, -1);
    if (found < 0) return yt_fail_db(x, "reading red packets");
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no red packet with id %lld", (long long)id);
}

int red_packet_claims_json(yt_ctx *x, yt_jw *w, int64_t id, int limit, int64_t cursor) {
    if (packet_exists(x, id)) return x->err.code;
    yt_param p[] = {PI(id), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT id, customer_id, amount, best_luck, at FROM red_packet_claims WHERE packet_id = ?"
                                 " AND id < ? ORDER BY id DESC LIMIT ?", 3, p);
    if (!r) return yt_fail_db(x, "reading red packet claims");
    page_write(w, r, limit, write_claim);
    rows_free(r);
    return YT_OK;
}

static int64_t balance_of(yt_ctx *x, int64_t customer) {
    yt_param p[] = {PI(customer)};
    return db_query_int(x->db, "SELECT COALESCE(SUM(amount), 0) FROM red_packet_claims WHERE customer_id = ?", 1, p, 0);
}

int red_packet_member_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t customer) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, PACKET_SQL " WHERE p.id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading red packets");
    if (!rows_next(r)) {
        rows_free(r);
        return yt_fail(x, YT_ENOTFOUND, NULL, "no red packet with id %lld", (long long)id);
    }
    bool all = rows_int(r, 8) == rows_int(r, 4);
    jw_obj(w);
    write_head(w, r, false);
    jw_kint(w, "claimed_count", rows_int(r, 8));
    rows_free(r);
    yt_param q[] = {PI(customer), PI(id)};
    yt_rows *c = db_query(x->db, "SELECT id, amount, best_luck, at FROM red_packet_claims WHERE customer_id = ? AND packet_id = ?"
                                 " ORDER BY id LIMIT 1", 2, q);
    if (!c) return yt_fail_db(x, "reading red packets");
    if (rows_next(c)) {
        jw_key(w, "my_claim");
        jw_obj(w);
        jw_kint(w, "claim_id", rows_int(c, 0));
        jw_kint(w, "amount", rows_int(c, 1));
        if (all) jw_kbool(w, "best_luck", rows_int(c, 2) != 0);
        else jw_knull(w, "best_luck"); /* told once every share is claimed */
        jw_ktime(w, "at", rows_int(c, 3));
        jw_obj_end(w);
    } else {
        jw_knull(w, "my_claim");
    }
    rows_free(c);
    jw_kint(w, "balance", balance_of(x, customer));
    jw_obj_end(w);
    return YT_OK;
}

/* ---- a claim ---- */

/* Takes the next unclaimed share: the first by seq that nobody holds. On PostgreSQL a share another claim has
 * locked (and may still give back) is skipped rather than waited for; the plain form waits for it. */
#define TAKE_SQL(lock)                                                                                                 \
    "UPDATE red_packet_shares SET claimed_at = ? WHERE id = (SELECT id FROM red_packet_shares WHERE packet_id = ?"     \
    " AND claimed_at IS NULL ORDER BY seq LIMIT 1" lock ") AND claimed_at IS NULL RETURNING id, amount, best_luck"

static int take_share(yt_ctx *x, int64_t id, int64_t now, int64_t *share, int64_t *amount, bool *best) {
    static const char wait[] = TAKE_SQL(""), skip[] = TAKE_SQL(" FOR UPDATE SKIP LOCKED");
    const char *first = db_dialect(x->db) == YT_PG ? skip : wait;
    yt_param p[] = {PI(now), PI(id)}, q[] = {PI(id)};
    /* a round that takes nothing while shares are left either found them all locked (PostgreSQL: the next
     * round waits for one) or lost a share to a claim that took it: a bounded number of rounds */
    for (int round = 0; round <= 2 * RED_PACKET_COUNT_MAX; round++) {
        yt_rows *r = db_query(x->db, round % 2 ? wait : first, 2, p);
        if (!r) return yt_fail_db(x, "claiming a red packet");
        bool took = rows_next(r);
        if (took) *share = rows_int(r, 0), *amount = rows_int(r, 1), *best = rows_int(r, 2) != 0;
        rows_free(r);
        if (took) return YT_OK;
        int64_t left = db_query_int(x->db, "SELECT count(*) FROM red_packet_shares WHERE packet_id = ? AND claimed_at IS NULL", 1, q, -1);
        if (left < 0) return yt_fail_db(x, "claiming a red packet");
        if (left == 0) return yt_fail(x, YT_ECONFLICT, "shares_left", "every packet has been claimed");
    }
    return yt_fail(x, YT_EINTERNAL, NULL, "the claim could not take a share");
}

int red_packet_stop(yt_ctx *x, int64_t id) {
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "stopping a red packet");
    yt_param p[] = {PI(now), PI(now), PI(id), PI(now)};
    int64_t n = db_exec(x->db, "UPDATE red_packets SET stopped_at = ?, ends_at = ? WHERE id = ? AND stopped_at IS NULL AND ends_at > ?",
                        4, p);
    int rc = n < 0 ? yt_fail_db(x, "stopping a red packet") : YT_OK;
    yt_param q[] = {PI(id)};
    if (rc == YT_OK && n == 0 && db_query_int(x->db, "SELECT count(*) FROM red_packets WHERE id = ?", 1, q, 0) == 0)
        rc = yt_fail(x, YT_ENOTFOUND, NULL, "no red packet with id %lld", (long long)id);
    if (rc == YT_OK && n == 1) rc = audit_record(x, "red_packet.stop", "red_packet", id, NULL);
    return yt_finish(x, rc, "stopping a red packet");
}

int red_packet_claim(yt_ctx *x, int64_t id, int64_t customer, red_packet_claim_result *res) {
    memset(res, 0, sizeof *res);
    res->best_luck = -1;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "claiming a red packet");
    /* the customer's row first: on PostgreSQL it queues this customer's claims, so one finds the other's */
    if (customer_hold(x, customer, YT_ENOTFOUND, "claiming a red packet")) return yt_finish(x, x->err.code, "claiming a red packet");
    yt_param l[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT starts_at, ends_at, count FROM red_packets WHERE id = ?", 1, l);
    if (!r) return yt_finish(x, yt_fail_db(x, "claiming a red packet"), "claiming a red packet");
    bool found = rows_next(r);
    int64_t starts = found ? rows_int(r, 0) : 0, ends = found ? rows_int(r, 1) : 0;
    rows_free(r);
    if (!found) return yt_finish(x, yt_fail(x, YT_ENOTFOUND, NULL, "no red packet with id %lld", (long long)id), "");
    int rc = YT_OK;
    bool best = false;
    yt_param q[] = {PI(customer), PI(id)};
    r = db_query(x->db, "SELECT id, amount, best_luck FROM red_packet_claims WHERE customer_id = ? AND packet_id = ?"
                        " ORDER BY id LIMIT 1", 2, q);
    if (!r) return yt_finish(x, yt_fail_db(x, "claiming a red packet"), "claiming a red packet");
    if (rows_next(r)) { /* claimed before: the same share again */
        res->replay = true;
        res->claim_id = rows_int(r, 0);
        res->amount = rows_int(r, 1);
        best = rows_int(r, 2) != 0;
    }
    rows_free(r);
    int64_t now = now_ms();
    if (!res->replay && (now < starts || now >= ends))
        rc = yt_fail(x, 422, "red_packet", "the red packet %s", now < starts ? "has not started" : "is over");
    int64_t share = 0;
    if (rc == YT_OK && !res->replay) rc = take_share(x, id, now, &share, &res->amount, &best);
    if (rc == YT_OK && !res->replay) {
        yt_param p[] = {PI(id), PI(share), PI(customer), PI(res->amount), PI(best), PI(now)};
        res->claim_id = db_query_int(x->db, "INSERT INTO red_packet_claims(packet_id, share_id, customer_id, amount, best_luck, at)"
                                            " VALUES(?,?,?,?,?,?) RETURNING id", NPARAMS(p), p, 0);
        if (res->claim_id <= 0) rc = yt_fail_db(x, "claiming a red packet");
    }
    if (rc == YT_OK) {
        int64_t left = db_query_int(x->db, "SELECT count(*) FROM red_packet_shares WHERE packet_id = ? AND claimed_at IS NULL", 1, l, -1);
        if (left == 0) res->best_luck = best;
        res->balance = balance_of(x, customer);
    }
    return yt_finish(x, rc, "claiming a red packet");
}

int red_packet_stats_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param q[] = {PI(id)};
    int64_t ends = db_query_int(x->db, "SELECT COALESCE(MAX(ends_at), -1) FROM red_packets WHERE id = ?", 1, q, -2);
    if (ends == -2) return yt_fail_db(x, "reading red packets' figures");
    if (ends < 0) return yt_fail(x, YT_ENOTFOUND, NULL, "no red packet with id %lld", (long long)id);
    /* a claimant's paid orders placed from their claim until a while after the end */
    int64_t until = ends + ACTIVITY_ORDER_DAYS * 86400000LL;
    yt_param p[] = {PI(id), PI(id), PI(id), PI(until)};
    return activity_stats_json(x, w, "red_packet", id, until,
                               "SELECT (SELECT COUNT(DISTINCT customer_id) FROM red_packet_claims WHERE packet_id = ?),"
                               " (SELECT COUNT(*) FROM red_packet_claims WHERE packet_id = ?),"
                               " COUNT(DISTINCT o.customer_id), COUNT(o.id), COALESCE(SUM(o.total), 0), COALESCE(SUM(o.refunded), 0)"
                               " FROM (SELECT customer_id, MIN(at) AS first_at FROM red_packet_claims WHERE packet_id = ?"
                               " GROUP BY customer_id) d JOIN mall_orders o ON o.customer_id = d.customer_id"
                               " AND o.paid_at IS NOT NULL AND o.created_at >= d.first_at AND o.created_at < ?",
                               4, p);
}
