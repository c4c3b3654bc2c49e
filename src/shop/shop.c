/* Retail shops (门店): a brand's physical stores, which staff and customers belong to. Called "stores" in
 * the API and the tables; "shop" in the code, so they are never mistaken for the database (yt_store). */
#include "shop.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include <limits.h>

int shop_create(yt_ctx *x, const char *name, const char *city, int64_t *id) {
    if (utf8_chars(name) < 1 || utf8_chars(name) > 64) return yt_fail(x, YT_EINVAL, "name", "must be 1 to 64 characters");
    if (city && utf8_chars(city) > 64) return yt_fail(x, YT_EINVAL, "city", "must be at most 64 characters");
    if (text_unreadable(name)) return yt_fail(x, YT_EINVAL, "name", "%s", text_unreadable(name));
    if (city && text_unreadable(city)) return yt_fail(x, YT_EINVAL, "city", "%s", text_unreadable(city));
    yt_param p[] = {PT(name), PT(city ? city : ""), PI(now_ms())};
    if (db_begin(x->db) != 0) return yt_fail_db(x, "creating a shop");
    *id = db_query_int(x->db, "INSERT INTO stores(name, city, created_at) VALUES(?,?,?) RETURNING id", 3, p, 0);
    if (*id == 0) {
        int rc = db_unique_violation(x->db) ? yt_fail(x, YT_ECONFLICT, "name", "a store with this name exists")
                                            : yt_fail_db(x, "creating a shop");
        db_rollback(x->db);
        return rc;
    }
    return yt_finish(x, audit_record(x, "store.create", "store", *id, NULL), "creating a shop");
}

static void write_shop_row(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kstr(w, "name", rows_text(r, 1));
    jw_kstr(w, "city", rows_text(r, 2));
    jw_ktime(w, "created_at", rows_int(r, 3));
    jw_obj_end(w);
}

int shop_list_json(yt_ctx *x, yt_jw *w) {
    yt_rows *r = db_query(x->db, "SELECT id, name, city, created_at FROM stores ORDER BY id", 0, NULL);
    if (!r) return yt_fail_db(x, "listing shops");
    page_write(w, r, INT_MAX, write_shop_row); /* every shop: a brand has a few */
    rows_free(r);
    return YT_OK;
}

bool shop_exists(yt_db *db, int64_t id) {
    yt_param p[] = {PI(id)};
    return db_query_int(db, "SELECT 1 FROM stores WHERE id = ?", 1, p, 0) == 1;
}
