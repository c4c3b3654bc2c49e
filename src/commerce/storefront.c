/* The storefront's reads for member pages: an on-sale product with its SKUs and coming flash sales, and a
 * flash sale with its live counts and the member's own quantity. */
#include "storefront.h"
#include "../base/timeutil.h"

static const char *stock_state(int64_t stock) {
    return stock <= 0 ? "sold_out" : stock <= STOREFRONT_LOW_STOCK ? "low" : "in_stock";
}

static const char *sale_state(int64_t now, int64_t starts_at, int64_t ends_at) {
    return now < starts_at ? "upcoming" : now < ends_at ? "running" : "over";
}

int storefront_product_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT name, description, category, images FROM products WHERE id = ? AND status = 'on'", 1, p);
    if (!r) return yt_fail_db(x, "reading a product");
    if (!rows_next(r)) {
        rows_free(r);
        return yt_fail(x, YT_ENOTFOUND, NULL, "no product on sale with id %lld", (long long)id);
    }
    jw_obj(w);
    jw_kint(w, "id", id);
    jw_kstr(w, "name", rows_text(r, 0));
    jw_kstr(w, "description", rows_text(r, 1));
    jw_kstr(w, "category", rows_text(r, 2));
    jw_kraw(w, "images", rows_text(r, 3));
    rows_free(r);
    r = db_query(x->db, "SELECT id, name, specs, price, stock FROM skus WHERE product_id = ? ORDER BY id", 1, p);
    if (!r) return yt_fail_db(x, "reading SKUs");
    jw_key(w, "skus");
    jw_arr(w);
    while (rows_next(r)) {
        jw_obj(w);
        jw_kint(w, "id", rows_int(r, 0));
        jw_kstr(w, "name", rows_text(r, 1));
        jw_kraw(w, "specs", rows_text(r, 2));
        jw_kint(w, "price", rows_int(r, 3));
        jw_kstr(w, "stock_state", stock_state(rows_int(r, 4)));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    rows_free(r);
    int64_t now = now_ms();
    yt_param q[] = {PI(id), PI(now)};
    r = db_query(x->db,
                 "SELECT f.id, f.name, f.sku_id, f.price, f.starts_at, f.ends_at FROM flash_sales f"
                 " JOIN skus s ON s.id = f.sku_id WHERE s.product_id = ? AND f.ends_at > ? ORDER BY f.starts_at, f.id LIMIT 20",
                 2, q);
    if (!r) return yt_fail_db(x, "reading flash sales");
    jw_key(w, "flash_sales");
    jw_arr(w);
    while (rows_next(r)) {
        jw_obj(w);
        jw_kint(w, "id", rows_int(r, 0));
        jw_kstr(w, "name", rows_text(r, 1));
        jw_kint(w, "sku_id", rows_int(r, 2));
        jw_kint(w, "price", rows_int(r, 3));
        jw_ktime(w, "starts_at", rows_int(r, 4));
        jw_ktime(w, "ends_at", rows_int(r, 5));
        jw_kstr(w, "state", sale_state(now, rows_int(r, 4), rows_int(r, 5)));
        jw_obj_end(w);
    }
    jw_arr_end(w);
    rows_free(r);
    jw_obj_end(w);
    return YT_OK;
}

int storefront_flash_sale_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t customer) {
    yt_param p[] = {PI(customer), PI(id)};
    yt_rows *r = db_query(x->db,
                          "SELECT f.name, f.sku_id, f.price, f.stock, f.per_customer_limit, f.starts_at, f.ends_at,"
                          " s.name, s.specs, s.price, p.id, p.name, p.description, p.images,"
                          " f.stock - f.taken + COALESCE((SELECT SUM(held) FROM flash_leases l WHERE l.sale_id = f.id), 0),"
                          " COALESCE((SELECT quantity FROM flash_buyers b WHERE b.sale_id = f.id AND b.customer_id = ?), 0)"
                          " FROM flash_sales f JOIN skus s ON s.id = f.sku_id JOIN products p ON p.id = s.product_id"
                          " WHERE f.id = ?",
                          2, p);
    if (!r) return yt_fail_db(x, "reading a flash sale");
    if (!rows_next(r)) {
        rows_free(r);
        return yt_fail(x, YT_ENOTFOUND, NULL, "no flash sale with id %lld", (long long)id);
    }
    int64_t left = rows_int(r, 14), mine = rows_int(r, 15);
    int64_t now = now_ms(), starts_at = rows_int(r, 5), ends_at = rows_int(r, 6);
    jw_obj(w);
    jw_kint(w, "id", id);
    jw_kstr(w, "name", rows_text(r, 0));
    jw_kint(w, "product_id", rows_int(r, 10));
    jw_kstr(w, "product_name", rows_text(r, 11));
    jw_kstr(w, "description", rows_text(r, 12));
    jw_kraw(w, "images", rows_text(r, 13));
    jw_kint(w, "sku_id", rows_int(r, 1));
    jw_kstr(w, "sku_name", rows_text(r, 7));
    jw_kraw(w, "specs", rows_text(r, 8));
    jw_kint(w, "price", rows_int(r, 2));
    jw_kint(w, "original_price", rows_int(r, 9));
    jw_kint(w, "stock", rows_int(r, 3));
    jw_kint(w, "stock_left", left > 0 ? left : 0);
    jw_kint(w, "per_customer_limit", rows_int(r, 4));
    jw_kint(w, "mine", mine);
    jw_ktime(w, "starts_at", starts_at);
    jw_ktime(w, "ends_at", ends_at);
    jw_kstr(w, "state", sale_state(now, starts_at, ends_at));
    jw_ktime(w, "server_time", now);
    jw_obj_end(w);
    rows_free(r);
    return YT_OK;
}
