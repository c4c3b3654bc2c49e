/* The overview a boss reads at a glance: customers by lifecycle stage and store, orders, repurchase, recent activity. */
#include "overview.h"
#include "../customer/customer.h"
#include "../order/order.h"
#include <stdio.h>
#include <string.h>

#define DAY_MS 86400000LL


/* Every query below reads live customers only, and only the actor's own for a guide. */
#define LIVE "c.merged_into IS NULL AND c.erased_at IS NULL AND (? = 0 OR c.owner_id = ?)"

int overview_json(yt_ctx *x, yt_jw *w, int64_t now) {
    int64_t owner = x->who->own_customers_only ? x->who->staff_id : 0;
    int64_t week_ago = now - 7 * DAY_MS;
    yt_param scope[] = {PI(owner), PI(owner)};
    yt_param scope_since[] = {PI(owner), PI(owner), PI(week_ago)};

    yt_rows *r = db_query(x->db,
                          "SELECT count(*), coalesce(sum(CASE WHEN c.created_at >= ? THEN 1 ELSE 0 END), 0),"
                          " coalesce(sum(CASE WHEN c.consent = 'granted' THEN 1 ELSE 0 END), 0)"
                          " FROM customers c WHERE " LIVE,
                          3, (yt_param[]){PI(week_ago), PI(owner), PI(owner)});
    if (!r || !rows_next(r)) {
        rows_free(r);
        return yt_fail_db(x, "computing the overview");
    }
    jw_obj(w);
    jw_kint(w, "customers", rows_int(r, 0));
    jw_kint(w, "new_7d", rows_int(r, 1));
    jw_kint(w, "consent_granted", rows_int(r, 2));
    rows_free(r);

    /* the relationship ladder, every stage listed even when empty, in ladder order */
    int64_t counts[LIFECYCLE_NSTAGES] = {0};
    if (!(r = db_query(x->db, "SELECT c.lifecycle, count(*) FROM customers c WHERE " LIVE " GROUP BY c.lifecycle", 2, scope)))
        return yt_fail_db(x, "computing the overview");
    while (rows_next(r))
        for (int i = 0; i < LIFECYCLE_NSTAGES; i++)
            if (strcmp(rows_text(r, 0), lifecycle_stages[i]) == 0) counts[i] = rows_int(r, 1);
    rows_free(r);
    jw_key(w, "lifecycle");
    jw_arr(w);
    for (int i = 0; i < LIFECYCLE_NSTAGES; i++) {
        jw_obj(w);
        jw_kstr(w, "stage", lifecycle_stages[i]);
        jw_kint(w, "customers", counts[i]);
        jw_obj_end(w);
    }
    jw_arr_end(w);

    if (!(r = db_query(x->db,
                       "SELECT s.id, s.name, (SELECT count(*) FROM customers c WHERE c.store_id = s.id AND " LIVE ")"
                       " FROM stores s ORDER BY s.id",
                       2, scope)))
        return yt_fail_db(x, "computing the overview");
    jw_key(w, "stores");
    jw_arr(w);
    while (rows_next(r)) {
        jw_obj(w);
        jw_kint(w, "store_id", rows_int(r, 0));
        jw_kstr(w, "name", rows_text(r, 1));
        jw_kint(w, "customers", rows_int(r, 2));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    rows_free(r);

    /* orders: paid volume in fen, buyers, and buyers with two orders or more (repurchase) */
    if (!(r = db_query(x->db,
                       "SELECT count(*), coalesce(sum(n), 0), coalesce(sum(fen), 0),"
                       " coalesce(sum(CASE WHEN n >= 2 THEN 1 ELSE 0 END), 0) FROM"
                       " (SELECT o.customer_id, count(*) AS n, sum(o.amount_fen) AS fen FROM orders o"
                       "  JOIN customers c ON c.id = o.customer_id WHERE " ORDER_COUNTS_ON("o") " AND " LIVE
                       "  GROUP BY o.customer_id) AS per_buyer",
                       2, scope)))
        return yt_fail_db(x, "computing the overview");
    int64_t buyers = 0, orders = 0, fen = 0, repeat = 0;
    if (rows_next(r)) {
        buyers = rows_int(r, 0);
        orders = rows_int(r, 1);
        fen = rows_int(r, 2);
        repeat = rows_int(r, 3);
    }
    rows_free(r);
    jw_key(w, "orders");
    jw_obj(w);
    jw_kint(w, "count", orders);
    jw_kint(w, "gmv_fen", fen);
    jw_kint(w, "buyers", buyers);
    jw_kint(w, "repeat_buyers", repeat);
    jw_key(w, "repeat_rate");
    jw_dbl(w, buyers ? (double)repeat / (double)buyers : 0.0);
    jw_kint(w, "average_order_fen", orders ? fen / orders : 0);
    jw_obj_end(w);

    int64_t events = db_query_int(x->db,
                                  "SELECT count(*) FROM events e JOIN customers c ON c.id = e.customer_id"
                                  " WHERE " LIVE " AND e.at >= ?",
                                  3, scope_since, -1);
    if (events < 0) return yt_fail_db(x, "computing the overview");
    jw_kint(w, "events_7d", events);
    jw_obj_end(w);
    return YT_OK;
}
