/* Loads the brand's paid orders from the store into CLV summaries (calendar days in Asia/Shanghai). */
#include "clv.h"
#include "../order/order.h"
#include <stdio.h>

#define DAY_MS 86400000LL
#define SHANGHAI_OFFSET_MS (8 * 3600000LL) /* UTC+8 all year: China keeps no daylight saving time */

int32_t clv_day_of_ms(int64_t ms) {
    int64_t local = ms + SHANGHAI_OFFSET_MS;
    int64_t day = local / DAY_MS;
    if (local % DAY_MS < 0) day--; /* floor for times before 1970 */
    return (int32_t)day;
}

bool clv_load_orders(yt_db *db, int32_t cutoff_day, clv_unit unit, clv_summary *s, char *err, size_t errsz) {
    clv_summary_init(s, cutoff_day, unit);
    /* the end of the cut-off day in Shanghai, as UTC ms; merged customers' orders already name the survivor */
    int64_t end_ms = ((int64_t)cutoff_day + 1) * DAY_MS - SHANGHAI_OFFSET_MS;
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
        if (!clv_summary_add(s, rows_int(r, 0), clv_day_of_ms(rows_int(r, 1)), rows_int(r, 2))) break;
    rows_free(r);
    if (!clv_summary_finish(s)) {
        snprintf(err, errsz, "reading orders: %s", s->error);
        return false;
    }
    return true;
}
