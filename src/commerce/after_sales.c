/* After-sales tickets: opening on an order with the member's priority, the priority queue, resolving. */
#include "after_sales.h"
#include "flash_journal.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../loyalty/levels.h"
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kinds[] = {"return", "exchange", "repair", NULL};

int after_sale_open(yt_ctx *x, int64_t order_id, int64_t member, const char *kind, const char *reason, int64_t *id) {
    if (!text_one_of(kind, kinds)) return yt_fail(x, YT_EINVAL, "kind", "kind is return (退货), exchange (换货) or repair (维修)");
    if (yt_check_text(x, "reason", reason ? reason : "", 1, 500)) return x->err.code;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "opening an after-sales ticket");
    if (flash_journal_settle_order(x, order_id)) return yt_finish(x, x->err.code, ""); /* a flash order there is unpaid: a 409, not a 404 */
    /* the order's row first: on PostgreSQL its lock queues tickets for the same order */
    yt_param p[] = {PI(order_id), PI(member), PI(member)};
    yt_rows *r = db_query(x->db, "UPDATE mall_orders SET status = status WHERE id = ? AND (? = 0 OR customer_id = ?)"
                                 " RETURNING customer_id, status, kind", 3, p);
    if (!r) return yt_finish(x, yt_fail_db(x, "opening an after-sales ticket"), "");
    bool found = rows_next(r);
    int64_t customer = found ? rows_int(r, 0) : 0;
    char status[16] = "";
    if (found) snprintf(status, sizeof status, "%s", rows_text(r, 1));
    bool membership = found && strcmp(rows_text(r, 2), "membership") == 0;
    rows_free(r);
    int rc = YT_OK;
    static const char *const served[] = {"paid", "shipped", "completed", NULL};
    if (!found) rc = yt_fail(x, YT_ENOTFOUND, "order_id", "no order with id %lld", (long long)order_id);
    else if (!text_one_of(status, served)) rc = yt_fail(x, YT_ECONFLICT, "order_id", "the order is %s: after-sales serve paid orders", status);
    else if (membership) rc = yt_fail(x, YT_ECONFLICT, "order_id", "a paid membership ships nothing to return or repair: refund it instead");
    yt_param q[] = {PI(order_id)};
    if (rc == YT_OK && db_query_int(x->db, "SELECT COUNT(*) FROM after_sales WHERE order_id = ? AND status = 'open'", 1, q, 0) > 0)
        rc = yt_fail(x, YT_ECONFLICT, "order_id", "the order has an open after-sales ticket already");
    member_benefits mb;
    if (rc == YT_OK) rc = member_benefits_get(x, customer, &mb);
    int64_t now = now_ms();
    yt_param w[] = {PI(order_id), PI(customer), PT(kind), PT(reason), PI(mb.after_sales_priority),
                    x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now)};
    if (rc == YT_OK) {
        *id = db_query_int(x->db, "INSERT INTO after_sales(order_id, customer_id, kind, reason, priority, staff_id, created_at)"
                                  " VALUES(?,?,?,?,?,?,?) RETURNING id", 7, w, 0);
        if (*id <= 0) rc = yt_fail_db(x, "opening an after-sales ticket");
    }
    if (rc == YT_OK) rc = audit_record(x, "after_sale.open", "after_sale", *id, NULL);
    return yt_finish(x, rc, "opening an after-sales ticket");
}

int after_sale_order(yt_ctx *x, int64_t id, int64_t *order_id) {
    yt_param p[] = {PI(id)};
    *order_id = db_query_int(x->db, "SELECT order_id FROM after_sales WHERE id = ?", 1, p, 0);
    return *order_id > 0 ? YT_OK : yt_fail(x, YT_ENOTFOUND, NULL, "no after-sales ticket with id %lld", (long long)id);
}

int after_sale_resolve(yt_ctx *x, int64_t id, const char *status, const char *resolution) {
    static const char *const ends[] = {"resolved", "rejected", NULL};
    if (!text_one_of(status, ends)) return yt_fail(x, YT_EINVAL, "status", "status is resolved or rejected");
    if (yt_check_text(x, "resolution", resolution ? resolution : "", 1, 500)) return x->err.code;
    if (db_begin(x->db) != 0) return yt_fail_db(x, "resolving an after-sales ticket");
    yt_param p[] = {PT(status), PT(resolution), PI(now_ms()), PI(id)};
    int64_t n = db_exec(x->db, "UPDATE after_sales SET status = ?, resolution = ?, resolved_at = ? WHERE id = ? AND status = 'open'", 4, p);
    int rc = n < 0 ? yt_fail_db(x, "resolving an after-sales ticket") : YT_OK;
    yt_param q[] = {PI(id)};
    if (rc == YT_OK && n == 0)
        rc = db_query_int(x->db, "SELECT COUNT(*) FROM after_sales WHERE id = ?", 1, q, 0)
                 ? yt_fail(x, YT_ECONFLICT, "status", "the ticket is closed already")
                 : yt_fail(x, YT_ENOTFOUND, NULL, "no after-sales ticket with id %lld", (long long)id);
    if (rc == YT_OK) rc = audit_record(x, "after_sale.resolve", "after_sale", id, NULL);
    return yt_finish(x, rc, "resolving an after-sales ticket");
}

static void write_ticket(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "order_id", rows_int(r, 1));
    jw_kint(w, "customer_id", rows_int(r, 2));
    jw_kstr(w, "kind", rows_text(r, 3));
    jw_kstr(w, "reason", rows_text(r, 4));
    jw_kstr(w, "status", rows_text(r, 5));
    jw_kint(w, "priority", rows_int(r, 6));
    jw_kstr(w, "resolution", rows_text(r, 7));
    jw_ktime(w, "created_at", rows_int(r, 8));
    if (rows_null(r, 9)) jw_knull(w, "resolved_at");
    else jw_ktime(w, "resolved_at", rows_int(r, 9));
    jw_obj_end(w);
}

#define TICKET_COLS "id, order_id, customer_id, kind, reason, status, priority, resolution, created_at, resolved_at"

int after_sale_list_json(yt_ctx *x, yt_jw *w, const char *status, int64_t customer, int limit, const char *cursor) {
    static const char *const statuses[] = {"open", "resolved", "rejected", NULL};
    if (status && !text_one_of(status, statuses)) return yt_fail(x, YT_EINVAL, "status", "status is open, resolved or rejected");
    bool queue = status && strcmp(status, "open") == 0;
    /* the queue's cursor is "priority.id" of the last ticket; other lists page by id, newest first */
    int64_t cp = INT64_MAX, cid = 0;
    if (cursor && *cursor) {
        char *end;
        cp = strtoll(cursor, &end, 10);
        if (queue ? (*end != '.' || (cid = strtoll(end + 1, &end, 10)) < 1 || *end) : (*end || cp < 1))
            return yt_fail(x, YT_EINVAL, "cursor", "cursor is not one this list returned");
    }
    yt_rows *r;
    if (queue) {
        yt_param p[] = {PI(customer), PI(customer), PI(cp), PI(cp), PI(cid), PI(limit + 1)};
        r = db_query(x->db, "SELECT " TICKET_COLS " FROM after_sales WHERE status = 'open' AND (? = 0 OR customer_id = ?)"
                            " AND (priority < ? OR (priority = ? AND id > ?)) ORDER BY priority DESC, id LIMIT ?", 6, p);
    } else {
        yt_param p[] = {PT(status ? status : ""), PT(status ? status : ""), PI(customer), PI(customer), PI(cp), PI(limit + 1)};
        r = db_query(x->db, "SELECT " TICKET_COLS " FROM after_sales WHERE (? = '' OR status = ?) AND (? = 0 OR customer_id = ?)"
                            " AND id < ? ORDER BY id DESC LIMIT ?", 6, p);
    }
    if (!r) return yt_fail_db(x, "listing after-sales tickets");
    jw_obj(w);
    jw_key(w, "items");
    jw_arr(w);
    int n = 0;
    int64_t last_p = 0, last_id = 0;
    bool more = false;
    while (rows_next(r)) {
        if (n == limit) {
            more = true;
            break;
        }
        write_ticket(w, r);
        last_p = rows_int(r, 6), last_id = rows_int(r, 0), n++;
    }
    rows_free(r);
    jw_arr_end(w);
    if (!more) jw_knull(w, "next_cursor");
    else {
        char next[48];
        if (queue) snprintf(next, sizeof next, "%" PRId64 ".%" PRId64, last_p, last_id);
        else snprintf(next, sizeof next, "%" PRId64, last_id);
        jw_kstr(w, "next_cursor", next);
    }
    jw_obj_end(w);
    return YT_OK;
}
