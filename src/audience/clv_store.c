/* Loads the brand's paid orders from the store into CLV summaries (calendar days in Asia/Shanghai). */
#include "../base/timeutil.h"
#include "clv.h"
#include "../order/order.h"
#include <stdio.h>



bool clv_load_orders(yt_db *db, int32_t cutoff_day, clv_unit unit, clv_summary *s, char *err, size_t errsz) {
    clv_summary_init(s, cutoff_day, unit);
    /* the end of the cut-off day in Shanghai, as UTC ms; merged customers' orders already name the survivor */
    int64_t end_ms = brand_day_start(cutoff_day + 1);
    yt_param p[] = {PI(end_ms)};
    yt_rows *r = db_query(db,
                          "SELECT customer_id, ordered_at, amount_fen FROM orders WHERE " ORDER_COUNTS " AND ordered_at < ?"
                          " ORDER BY customer_id, ordered_at",
                          NPARAMS(p), p);
    if (!r) {
        snprintf(err, errsz, "reading orders: %s", db_error(db));
        return false;
    }
    while (rows_next(r))
        if (!clv_summary_add(s, rows_int(r, 0), brand_day(rows_int(r, 1)), rows_int(r, 2))) break;
    rows_free(r);
    if (!clv_summary_finish(s)) {
        snprintf(err, errsz, "reading orders: %s", s->error);
        return false;
    }
    return true;
}
