/* Refunds: what each refunded unit owes back, and everything the order took put back, in one transaction. */
#include "refund.h"
#include "catalog.h"
#include "coupon.h"
#include "flash_journal.h"
#include "pay_wechat.h"
#include "../base/log.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/changes.h"
#include "../domain/page.h"
#include "../groupbuy/groupbuy.h"
#include "../distribution/commission.h"
#include "../loyalty/levels.h"
#include "../loyalty/membership.h"
#include "../loyalty/points.h"
#include <stdio.h>
#include <string.h>

typedef struct {
    int64_t item_id, sku_id, quantity, refunded, unit_price, take;
} unit_line;

typedef struct {
    int64_t customer, quantity, total, goods_total, points_used, refunded, refunded_quantity, points_returned, points_clawed;
    int64_t sku_id, unit_price;
    bool flash;       /* an activity's order (flash sale, group buy): one line at the activity price */
    bool points_mall; /* a points-mall order: its units are worth alike */
    char status[16], provider[16];
} order_row;

static int read_order(yt_ctx *x, int64_t id, order_row *o) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT customer_id, quantity, total, goods_total, points_used, refunded, refunded_quantity,"
                                 " points_returned, points_clawed, sku_id, unit_price, kind, status, pay_provider"
                                 " FROM mall_orders WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "refunding an order");
    bool found = rows_next(r);
    if (found) {
        *o = (order_row){rows_int(r, 0), rows_int(r, 1), rows_int(r, 2), rows_int(r, 3), rows_int(r, 4), rows_int(r, 5),
                         rows_int(r, 6), rows_int(r, 7), rows_int(r, 8), rows_int(r, 9), rows_int(r, 10),
                         strcmp(rows_text(r, 11), "flash") == 0 || strcmp(rows_text(r, 11), "group") == 0,
                         strcmp(rows_text(r, 11), "points") == 0, "", ""};
        snprintf(o->status, sizeof o->status, "%s", rows_text(r, 12));
        snprintf(o->provider, sizeof o->provider, "%s", rows_text(r, 13));
        if (o->flash) o->goods_total = o->total; /* one line at the activity price */
    }
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no order with id %lld", (long long)id);
}

/* The order's lines with what is left to refund; a flash order is its one line (item 0). */
static int read_lines(yt_ctx *x, int64_t id, const order_row *o, unit_line *lines, int *n) {
    *n = 0;
    if (o->flash) {
        lines[(*n)++] = (unit_line){0, o->sku_id, o->quantity, o->refunded_quantity, o->unit_price, 0};
        return YT_OK;
    }
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT id, sku_id, quantity, refunded_quantity, unit_price FROM mall_order_items"
                                 " WHERE order_id = ? ORDER BY id", 1, p);
    if (!r) return yt_fail_db(x, "refunding an order");
    while (rows_next(r) && *n < REFUND_LINES_MAX)
        lines[(*n)++] = (unit_line){rows_int(r, 0), rows_int(r, 1), rows_int(r, 2), rows_int(r, 3), rows_int(r, 4), 0};
    rows_free(r);
    return YT_OK;
}

/* Marks what each line gives back: the lines asked for, or all that is left. */
static int choose(yt_ctx *x, const refund_input *in, unit_line *lines, int n) {
    char field[40];
    if (!in->nlines) {
        for (int i = 0; i < n; i++) lines[i].take = lines[i].quantity - lines[i].refunded;
        return YT_OK;
    }
    for (int i = 0; i < in->nlines; i++) {
        unit_line *l = NULL;
        for (int j = 0; j < n && !l; j++)
            if (lines[j].item_id == in->lines[i].item_id) l = &lines[j];
        snprintf(field, sizeof field, "lines[%d].item_id", i);
        if (!l) return yt_fail(x, YT_EINVAL, field, "the order has no item %lld", (long long)in->lines[i].item_id);
        if (l->take) return yt_fail(x, YT_EINVAL, field, "the same item twice");
        snprintf(field, sizeof field, "lines[%d].quantity", i);
        if (in->lines[i].quantity < 1 || in->lines[i].quantity > l->quantity - l->refunded)
            return yt_fail(x, YT_EINVAL, field, "%lld of this item can still be refunded", (long long)(l->quantity - l->refunded));
        l->take = in->lines[i].quantity;
    }
    return YT_OK;
}

/* A share of whole, in proportion part / of, rounded down (the last refund takes what rounding left). */
static int64_t share(int64_t whole, int64_t part, int64_t of) { return of > 0 ? (int64_t)((__int128)whole * part / of) : 0; }

int mall_refund(yt_ctx *x, int64_t order_id, const refund_input *in, refund_result *res) {
    memset(res, 0, sizeof *res);
    if (yt_check_text(x, "reason", in->reason ? in->reason : "", 1, 200)) return x->err.code;
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "refunding an order");
    /* a flash order still in the journal is unpaid: a 409 below, not a 404 */
    if (flash_journal_settle_order(x, order_id)) return yt_finish(x, x->err.code, "refunding an order");
    /* the order's row first: on PostgreSQL its lock queues refunds of the same order */
    yt_param l[] = {PI(order_id)};
    if (db_exec(x->db, "UPDATE mall_orders SET refunded = refunded WHERE id = ?", 1, l) < 0)
        return yt_finish(x, yt_fail_db(x, "refunding an order"), "refunding an order");
    order_row o;
    unit_line lines[REFUND_LINES_MAX];
    int n = 0, rc = read_order(x, order_id, &o);
    if (rc == YT_OK && strcmp(o.status, "paid") && strcmp(o.status, "shipped") && strcmp(o.status, "completed"))
        rc = yt_fail(x, YT_ECONFLICT, "status", "the order is %s: only paid, shipped or completed orders are refunded", o.status);
    if (rc == YT_OK) rc = groupbuy_order_waiting(x, order_id); /* a team still open refunds its orders itself if it fails */
    /* then the customer's row, before any SKU's: every write that takes both takes them in this order */
    yt_param cl[] = {PI(o.customer)};
    if (rc == YT_OK && db_exec(x->db, "UPDATE customers SET updated_at = updated_at WHERE id = ?", 1, cl) < 0)
        rc = yt_fail_db(x, "refunding an order");
    if (rc == YT_OK) rc = read_lines(x, order_id, &o, lines, &n);
    if (rc == YT_OK) rc = choose(x, in, lines, n);
    /* what the refunded units are worth: their price; a points-mall order's units are worth alike */
    int64_t value = 0;
    for (int i = 0; rc == YT_OK && i < n; i++)
        value += lines[i].take * (o.points_mall ? 1 : lines[i].unit_price), res->quantity += lines[i].take;
    if (o.points_mall) o.goods_total = o.quantity;
    if (rc == YT_OK && !res->quantity) rc = yt_fail(x, YT_ECONFLICT, "status", "everything in the order was refunded already");
    if (rc) return yt_finish(x, rc, "refunding an order");
    res->full = o.refunded_quantity + res->quantity == o.quantity;
    res->amount = res->full ? o.total - o.refunded : share(o.total, value, o.goods_total);
    res->points_returned = res->full ? o.points_used - o.points_returned : share(o.points_used, value, o.goods_total);
    char ref[40];
    snprintf(ref, sizeof ref, "mall_order:%lld", (long long)order_id);
    yt_param e[] = {PT(ref)};
    int64_t earned = db_query_int(x->db, "SELECT COALESCE(SUM(delta), 0) FROM points_ledger WHERE ref = ? AND reason = 'order'", 1, e, 0);
    int64_t claw = res->full ? earned - o.points_clawed : share(earned, value, o.goods_total);
    /* the stock back, line by line, and each line's refunded count */
    for (int i = 0; rc == YT_OK && i < n; i++) {
        if (!lines[i].take) continue;
        if (in->restock && lines[i].sku_id) rc = sku_stock_apply(x, lines[i].sku_id, lines[i].take, "refund", ref, NULL); /* no SKU: a membership */
        yt_param q[] = {PI(lines[i].take), PI(lines[i].item_id)};
        if (rc == YT_OK && lines[i].item_id &&
            db_exec(x->db, "UPDATE mall_order_items SET refunded_quantity = refunded_quantity + ? WHERE id = ?", 2, q) != 1)
            rc = yt_fail_db(x, "refunding an order");
    }
    /* points paid with come back; points the order earned go, as far as the balance allows */
    if (rc == YT_OK && res->points_returned > 0 &&
        (rc = points_change(x, o.customer, res->points_returned, POINTS_RETURN, ref, NULL)) == YT_ENOTFOUND)
        rc = YT_OK, res->points_returned = 0;
    if (rc == YT_OK && claw > 0) {
        yt_param b[] = {PI(o.customer)};
        int64_t balance = db_query_int(x->db, "SELECT points FROM customers WHERE id = ? AND merged_into IS NULL AND erased_at IS NULL",
                                       1, b, 0);
        res->points_clawed = claw < balance ? claw : balance;
        if (res->points_clawed > 0) rc = points_change(x, o.customer, -res->points_clawed, POINTS_REFUND, ref, NULL);
    }
    if (rc == YT_OK && res->full) rc = membership_order_refunded(x, order_id, now_ms()); /* a paid period ends */
    if (rc == YT_OK && res->full) {
        yt_param c[] = {PI(order_id)};
        res->coupons_returned = db_query_int(x->db, "SELECT COUNT(*) FROM customer_coupons WHERE order_id = ?", 1, c, 0) > 0;
        rc = coupon_return(x, order_id);
    }
    yt_param u[] = {PI(res->amount), PI(res->quantity), PI(res->points_returned), PI(res->points_clawed), PI(res->full), PI(order_id)};
    if (rc == YT_OK && db_exec(x->db, "UPDATE mall_orders SET refunded = refunded + ?, refunded_quantity = refunded_quantity + ?,"
                                      " points_returned = points_returned + ?, points_clawed = points_clawed + ?,"
                                      " status = CASE WHEN CAST(? AS BIGINT) = 1 THEN 'refunded' ELSE status END WHERE id = ?",
                                      6, u) != 1)
        rc = yt_fail_db(x, "refunding an order");
    /* the customer's orders see the net, so RFM and lifetime value follow */
    char ext[32];
    snprintf(ext, sizeof ext, "%lld", (long long)order_id);
    yt_param w[] = {PI(res->amount), PI(res->full), PT(ext)};
    if (rc == YT_OK && db_exec(x->db, "UPDATE orders SET amount_fen = amount_fen - ?, status = CASE WHEN CAST(? AS BIGINT) = 1"
                                      " THEN 'refunded' ELSE status END WHERE platform = 'yutang' AND external_id = ?", 3, w) < 0)
        rc = yt_fail_db(x, "refunding an order");
    if (rc == YT_OK) rc = change_record(x, CHANGE_CUSTOMER_ORDERS, o.customer, 0);
    /* the growth the refunded money brought goes too */
    loyalty_settings ls;
    if (rc == YT_OK) rc = loyalty_settings_get(x, &ls);
    if (rc == YT_OK) rc = member_growth_add(x, o.customer, -(res->amount / 100 * ls.growth_per_yuan));
    if (rc == YT_OK) rc = distribution_order_refunded(x, order_id, o.refunded + res->amount, o.total); /* commissions follow */
    /* the lines as JSON, kept with the refund */
    yt_buf lb = YT_BUF_INIT;
    yt_jw lw;
    jw_init(&lw, &lb);
    jw_arr(&lw);
    for (int i = 0; i < n; i++)
        if (lines[i].take) {
            jw_obj(&lw);
            jw_kint(&lw, "item_id", lines[i].item_id);
            jw_kint(&lw, "sku_id", lines[i].sku_id);
            jw_kint(&lw, "quantity", lines[i].take);
            jw_obj_end(&lw);
        }
    jw_arr_end(&lw);
    bool settled_now = strcmp(o.provider, "wechatpay") != 0; /* WeChat Pay says when the money is back */
    yt_param ins[] = {PI(order_id), PI(res->amount), PI(res->quantity), PI(res->points_returned), PI(res->points_clawed),
                      PI(res->coupons_returned), PI(in->restock), PT(in->reason), PT(lb.p), PT(settled_now ? "succeeded" : "pending"),
                      o.provider[0] ? PT(o.provider) : PNULL, x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now),
                      settled_now ? PI(now) : PNULL};
    if (rc == YT_OK) {
        res->refund_id = db_query_int(x->db,
                                      "INSERT INTO mall_refunds(order_id, amount, quantity, points_returned, points_clawed, coupons_returned,"
                                      " restock, reason, lines, status, provider, staff_id, created_at, settled_at)"
                                      " VALUES(?,?,?,?,?,?,?,?,?,?,?,?,?,?) RETURNING id", NPARAMS(ins), ins, 0);
        if (res->refund_id <= 0) rc = yt_fail_db(x, "refunding an order");
    }
    buf_free(&lb);
    char summary[96];
    snprintf(summary, sizeof summary, "{\"refund_id\":%lld,\"amount\":%lld}", (long long)res->refund_id, (long long)res->amount);
    if (rc == YT_OK) rc = audit_record(x, "mall_order.refund", "mall_order", order_id, summary);
    return yt_finish(x, rc, "refunding an order");
}

static void write_refund(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "order_id", rows_int(r, 1));
    jw_kint(w, "amount", rows_int(r, 2));
    jw_kint(w, "quantity", rows_int(r, 3));
    jw_kint(w, "points_returned", rows_int(r, 4));
    jw_kint(w, "points_clawed", rows_int(r, 5));
    jw_kbool(w, "coupons_returned", rows_int(r, 6) != 0);
    jw_kbool(w, "restock", rows_int(r, 7) != 0);
    jw_kstr(w, "reason", rows_text(r, 8));
    jw_kraw(w, "lines", rows_text(r, 9));
    jw_kstr(w, "status", rows_text(r, 10));
    jw_ktime(w, "created_at", rows_int(r, 11));
    if (rows_null(r, 12)) jw_knull(w, "settled_at");
    else jw_ktime(w, "settled_at", rows_int(r, 12));
    if (rows_null(r, 13)) jw_knull(w, "provider");
    else jw_kstr(w, "provider", rows_text(r, 13));
    if (strcmp(rows_text(r, 13), "wechatpay") == 0) { /* what WeChat Pay's refund API was asked, and what it said */
        char no[WECHATPAY_TRADE_NO_LEN];
        wechatpay_out_refund_no(rows_int(r, 0), rows_int(r, 21), no);
        jw_kstr(w, "out_refund_no", no);
        jw_kint(w, "round", rows_int(r, 21)); /* 1, and one more each time staff asked for it again */
        if (rows_null(r, 14)) jw_knull(w, "submitted_at");
        else jw_ktime(w, "submitted_at", rows_int(r, 14));
        jw_kint(w, "attempts", rows_int(r, 15));
        if (rows_null(r, 16)) jw_knull(w, "provider_status");
        else jw_kstr(w, "provider_status", rows_text(r, 16));
        jw_kstr(w, "provider_note", rows_text(r, 17));
    }
    if (rows_null(r, 20)) {
        jw_knull(w, "settled_by_hand");
    } else { /* the money went back outside yutang: who said so, when, and how */
        jw_key(w, "settled_by_hand");
        jw_obj(w);
        jw_kstr(w, "note", rows_text(r, 18));
        jw_kint(w, "staff_id", rows_int(r, 19));
        jw_ktime(w, "at", rows_int(r, 20));
        jw_obj_end(w);
    }
    jw_obj_end(w);
}

#define REFUND_COLS                                                                                                 \
    "id, order_id, amount, quantity, points_returned, points_clawed, coupons_returned, restock, reason, lines, status," \
    " created_at, settled_at, provider, submitted_at, attempts, provider_status, provider_note, hand_note, hand_by, hand_at," \
    " provider_round"

int mall_refunds_json(yt_ctx *x, yt_jw *w, int64_t order_id) {
    yt_param p[] = {PI(order_id)};
    yt_rows *r = db_query(x->db, "SELECT " REFUND_COLS " FROM mall_refunds WHERE order_id = ? ORDER BY id", 1, p);
    if (!r) return yt_fail_db(x, "reading refunds");
    rows_write_array(w, r, write_refund);
    rows_free(r);
    return YT_OK;
}

int mall_refund_json(yt_ctx *x, yt_jw *w, int64_t order_id, int64_t refund_id) {
    yt_param p[] = {PI(refund_id), PI(order_id)};
    yt_rows *r = db_query(x->db, "SELECT " REFUND_COLS " FROM mall_refunds WHERE id = ? AND order_id = ?", 2, p);
    if (!r) return yt_fail_db(x, "reading a refund");
    bool found = rows_next(r);
    if (found) write_refund(w, r);
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "order %lld has no refund %lld", (long long)order_id, (long long)refund_id);
}

int mall_refund_settle(yt_ctx *x, int64_t refund_id, int64_t round, bool succeeded, const char *provider_status, int64_t amount,
                       bool *replay) {
    *replay = false;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "settling a refund");
    yt_param q[] = {PI(refund_id)};
    yt_rows *r = db_query(x->db, "SELECT amount, status, provider_round,"
                                 " CASE WHEN submitted_at IS NULL AND claim_until IS NULL THEN 0 ELSE 1 END"
                                 " FROM mall_refunds WHERE id = ?", 1, q);
    if (!r) return yt_finish(x, yt_fail_db(x, "settling a refund"), "settling a refund");
    bool found = rows_next(r);
    int64_t owed = found ? rows_int(r, 0) : 0, current = found ? rows_int(r, 2) : 0;
    char status[32] = "";
    if (found) text_copy(status, sizeof status, rows_text(r, 1));
    bool asked = found && rows_int(r, 3);
    rows_free(r);
    /* what may change: a pending refund, told of its current round; and an earlier round that paid after all
     * settles the refund paid, pending or failed in a later round (if WeChat Pay was asked for the later round
     * already, the money may go twice: said, for the merchant platform) */
    bool earlier_paid = round != current && succeeded;
    const char *changes = earlier_paid && strcmp(status, "failed") == 0 ? "failed" : "pending";
    int rc = YT_OK;
    if (!found) rc = yt_fail(x, YT_ENOTFOUND, "out_refund_no", "no refund %lld", (long long)refund_id);
    else if (amount >= 0 && amount != owed) {
        log_error("refund notification refused: refund %lld is %lld fen, the provider says %lld", (long long)refund_id,
                  (long long)owed, (long long)amount);
        rc = yt_fail(x, YT_EINVAL, "refund_amount", "the refund is %lld fen, not %lld", (long long)owed, (long long)amount);
    } else if ((round != current && !earlier_paid) || strcmp(status, changes) != 0) {
        *replay = true; /* settled before and told again, or an earlier round's failure: that round is over */
    } else if (earlier_paid) {
        if (asked)
            log_error("refund %lld: WeChat Pay says its round %lld succeeded while round %lld was asked for; check the merchant"
                      " platform for a second refund", (long long)refund_id, (long long)round, (long long)current);
        round = current;
    }
    /* whoever tells of it first (another delivery, another instance) */
    yt_param p[] = {PT(succeeded ? "succeeded" : "failed"), PI(now_ms()), provider_status ? PT(provider_status) : PNULL, PI(refund_id),
                    PT(changes), PI(round)};
    int64_t changed = rc == YT_OK && !*replay
                          ? db_exec(x->db, "UPDATE mall_refunds SET status = ?, settled_at = ?, provider_status = COALESCE(?, provider_status)"
                                           " WHERE id = ? AND status = ? AND provider_round = ?", 6, p)
                          : 0;
    if (changed < 0) rc = yt_fail_db(x, "settling a refund");
    else if (rc == YT_OK && !*replay && changed == 0) *replay = true;
    if (rc == YT_OK && changed == 1)
        rc = audit_record(x, succeeded ? "mall_refund.succeed" : "mall_refund.fail", "mall_refund", refund_id, NULL);
    return yt_finish(x, rc, "settling a refund");
}

/* A refund of the order that WeChat Pay was asked for and failed, read for a call about it (doing names the
 * call in errors): its round and what WeChat Pay said (said: "" when nothing). 404 when the order has no such
 * refund; 409 on "provider" for another provider's, on "status" unless it failed. */
static int failed_wechatpay_refund(yt_ctx *x, int64_t order_id, int64_t refund_id, const char *doing, int64_t *round, char said[32]) {
    yt_param q[] = {PI(refund_id), PI(order_id)};
    yt_rows *r = db_query(x->db, "SELECT status, provider, provider_status, provider_round FROM mall_refunds WHERE id = ? AND order_id = ?", 2, q);
    if (!r) return yt_fail_db(x, doing);
    char status[32] = "", provider[32] = "";
    said[0] = '\0';
    if (rows_next(r)) {
        text_copy(status, sizeof status, rows_text(r, 0));
        text_copy(provider, sizeof provider, rows_null(r, 1) ? "" : rows_text(r, 1));
        text_copy(said, 32, rows_null(r, 2) ? "" : rows_text(r, 2));
        *round = rows_int(r, 3);
    }
    rows_free(r);
    if (!status[0]) return yt_fail(x, YT_ENOTFOUND, NULL, "order %lld has no refund %lld", (long long)order_id, (long long)refund_id);
    if (strcmp(provider, "wechatpay") != 0)
        return yt_fail(x, YT_ECONFLICT, "provider", "only a WeChat Pay refund is %s; this one is %s", doing, *provider ? provider : "offline");
    if (strcmp(status, "failed") != 0) return yt_fail(x, YT_ECONFLICT, "status", "only a failed refund is %s; this one is %s", doing, status);
    return YT_OK;
}

int mall_refund_ask_again(yt_ctx *x, int64_t order_id, int64_t refund_id) {
    if (db_begin(x->db) != 0) return yt_fail_db(x, "asking for a refund again");
    int64_t round;
    char said[32];
    int rc = failed_wechatpay_refund(x, order_id, refund_id, "asked for again", &round, said);
    /* CLOSED and a refusal are over at WeChat Pay; an ABNORMAL one (the card frozen, say) is still WeChat Pay's to
     * finish under its own out_refund_no: paid out another way (mall_refund_abnormal_applied) */
    if (rc == YT_OK && strcmp(said, "CLOSED") != 0 && strcmp(said, "REFUSED") != 0)
        rc = yt_fail(x, YT_ECONFLICT, "provider_status", "only a refund WeChat Pay closed or refused is asked for again; this one is %s%s",
                     *said ? said : "unknown",
                     strcmp(said, "ABNORMAL") == 0 ? " (have WeChat Pay pay it out another way: abnormal-refund)" : "");
    /* a new round: a new out_refund_no, asked for as a new refund (WeChat Pay closed the last one for good) */
    yt_param p[] = {PI(refund_id)};
    if (rc == YT_OK && db_exec(x->db, "UPDATE mall_refunds SET status = 'pending', provider_round = provider_round + 1, settled_at = NULL,"
                                      " submitted_at = NULL, claim_until = NULL, attempts = 0, provider_status = NULL, provider_note = ''"
                                      " WHERE id = ? AND status = 'failed'", 1, p) != 1)
        rc = yt_fail(x, YT_ECONFLICT, "status", "the refund changed meanwhile; look again");
    if (rc == YT_OK) rc = audit_record(x, "mall_refund.ask_again", "mall_refund", refund_id, NULL);
    return yt_finish(x, rc, "asking for a refund again");
}

int mall_refund_abnormal_of(yt_ctx *x, int64_t order_id, int64_t refund_id, int64_t *round) {
    char said[32];
    int rc = failed_wechatpay_refund(x, order_id, refund_id, "paid out another way", round, said);
    if (rc == YT_OK && strcmp(said, "ABNORMAL") != 0)
        rc = yt_fail(x, YT_ECONFLICT, "provider_status", "only a refund WeChat Pay holds as ABNORMAL is paid out another way; this one is %s%s",
                     *said ? said : "unknown", strcmp(said, "CLOSED") == 0 || strcmp(said, "REFUSED") == 0 ? " (ask for it again)" : "");
    return rc;
}

int mall_refund_abnormal_applied(yt_ctx *x, int64_t order_id, int64_t refund_id, int64_t round, const char *type, const char *bank_type,
                                 const char *provider_status) {
    if (db_begin(x->db) != 0) return yt_fail_db(x, "recording an abnormal refund");
    /* pending again in the same round (WeChat Pay pays it out under the same out_refund_no): its notification,
     * or the refund query when none comes, settles it; submitted_at now starts that query's wait */
    int64_t now = now_ms();
    yt_param p[] = {PT(provider_status), PI(now), PI(refund_id), PI(order_id), PI(round)};
    int64_t changed = db_exec(x->db, "UPDATE mall_refunds SET status = 'pending', settled_at = NULL, provider_status = ?, provider_note = '',"
                                     " submitted_at = ?, claim_until = NULL, attempts = 1"
                                     " WHERE id = ? AND order_id = ? AND provider_round = ? AND status = 'failed' AND provider_status = 'ABNORMAL'",
                              5, p);
    int rc = YT_OK;
    if (changed < 0) rc = yt_fail_db(x, "recording an abnormal refund");
    else if (changed == 0) {
        log_error("refund %lld: WeChat Pay took it to pay out another way (%s), but it changed here meanwhile; check the merchant platform",
                  (long long)refund_id, provider_status);
        rc = yt_fail(x, YT_ECONFLICT, "status", "WeChat Pay took it, but the refund changed here meanwhile; look again");
    }
    if (rc == YT_OK) {
        yt_buf s = YT_BUF_INIT; /* the type and bank only: the card is the buyer's */
        yt_jw w;
        jw_init(&w, &s);
        jw_obj(&w);
        jw_kstr(&w, "type", type);
        jw_kstr(&w, "bank_type", bank_type ? bank_type : "");
        jw_kstr(&w, "provider_status", provider_status);
        jw_obj_end(&w);
        rc = audit_record(x, "mall_refund.abnormal_refund", "mall_refund", refund_id, s.p);
        buf_free(&s);
    }
    bool replay; /* WeChat Pay's answer settles it now when it is final already */
    if (rc == YT_OK && strcmp(provider_status, "PROCESSING") != 0)
        rc = mall_refund_settle(x, refund_id, round, strcmp(provider_status, "SUCCESS") == 0, NULL, -1, &replay);
    return yt_finish(x, rc, "recording an abnormal refund");
}

int mall_refund_settle_by_hand(yt_ctx *x, int64_t order_id, int64_t refund_id, const char *note, bool *replay) {
    *replay = false;
    if (yt_check_text(x, "note", note ? note : "", 1, 200)) return x->err.code;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "settling a refund by hand");
    yt_param q[] = {PI(refund_id), PI(order_id)};
    yt_rows *r = db_query(x->db, "SELECT status FROM mall_refunds WHERE id = ? AND order_id = ?", 2, q);
    if (!r) return yt_finish(x, yt_fail_db(x, "settling a refund by hand"), "settling a refund by hand");
    char status[32] = "";
    if (rows_next(r)) text_copy(status, sizeof status, rows_text(r, 0));
    rows_free(r);
    int rc = YT_OK;
    if (!status[0]) rc = yt_fail(x, YT_ENOTFOUND, NULL, "order %lld has no refund %lld", (long long)order_id, (long long)refund_id);
    else if (strcmp(status, "settled_by_hand") == 0) *replay = true;
    else if (strcmp(status, "failed") != 0)
        rc = yt_fail(x, YT_ECONFLICT, "status", "only a failed refund is settled by hand; this one is %s", status);
    yt_param p[] = {PT(note), PI(x->who->staff_id), PI(now_ms()), PI(refund_id)};
    int64_t changed = rc == YT_OK && !*replay
                          ? db_exec(x->db, "UPDATE mall_refunds SET status = 'settled_by_hand', hand_note = ?, hand_by = ?, hand_at = ?"
                                           " WHERE id = ? AND status = 'failed'", 4, p)
                          : 0;
    if (changed < 0) rc = yt_fail_db(x, "settling a refund by hand");
    else if (rc == YT_OK && !*replay && changed == 0) *replay = true; /* another request settled it meanwhile */
    if (rc == YT_OK && changed == 1) rc = audit_record(x, "mall_refund.settle_by_hand", "mall_refund", refund_id, NULL);
    return yt_finish(x, rc, "settling a refund by hand");
}
