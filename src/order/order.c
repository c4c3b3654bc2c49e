/* Orders: the customer's purchases, imported from platforms today; the mall's own orders grow here. */
#include "order.h"
#include "../base/timeutil.h"
#include "../domain/page.h"
#include <stdint.h>

static void write_order_row(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "platform", rows_text(r, 1));
    jw_kstr(w, "external_id", rows_text(r, 2));
    jw_ktime(w, "ordered_at", rows_int(r, 3));
    jw_kint(w, "quantity", rows_int(r, 4));
    jw_kint(w, "amount_fen", rows_int(r, 5));
    jw_kstr(w, "status", rows_text(r, 6));
    jw_obj_end(w);
}

#define ORDER_SELECT \
    "SELECT id, platform, external_id, ordered_at, quantity, amount_fen, status FROM orders WHERE customer_id = ?"

int order_list_json(yt_ctx *x, yt_jw *w, int64_t customer_id, int limit, int64_t cursor) {
    yt_param p[] = {PI(customer_id), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, ORDER_SELECT " AND id < ? ORDER BY id DESC LIMIT ?", 3, p);
    if (!r) return yt_fail_db(x, "listing orders");
    page_write(w, r, limit, write_order_row);
    rows_free(r);
    return YT_OK;
}

int order_all_json(yt_ctx *x, yt_jw *w, int64_t customer_id) {
    yt_param p[] = {PI(customer_id)};
    yt_rows *r = db_query(x->db, ORDER_SELECT " ORDER BY ordered_at, id", 1, p);
    if (!r) return yt_fail_db(x, "reading orders");
    rows_write_array(w, r, write_order_row);
    rows_free(r);
    return YT_OK;
}
