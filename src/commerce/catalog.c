/* Catalog: products and SKUs in the store, checked on the way in; stock moves recorded with every change. */
#include "catalog.h"
#include "../base/timeutil.h"
#include "../domain/audit.h"
#include "../domain/page.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const statuses[] = {"on", "off", NULL};

static int check_product(yt_ctx *x, const product_input *in, bool creating) {
    if ((creating || in->name) && yt_check_text(x, "name", in->name ? in->name : "", 1, CATALOG_NAME_MAX)) return x->err.code;
    if (yt_check_text(x, "description", in->description, 0, 2000) || yt_check_text(x, "category", in->category, 0, 60))
        return x->err.code;
    if (in->status) {
        bool known = false;
        for (int i = 0; statuses[i]; i++) known |= strcmp(statuses[i], in->status) == 0;
        if (!known) return yt_fail(x, YT_EINVAL, "status", "is on or off");
    }
    if (!creating) return YT_OK;
    if (in->nskus < 1 || in->nskus > CATALOG_MAX_SKUS)
        return yt_fail(x, YT_EINVAL, "skus", "a product has 1 to %d SKUs", CATALOG_MAX_SKUS);
    for (int i = 0; i < in->nskus; i++) {
        const sku_input *s = &in->skus[i];
        char field[40];
        snprintf(field, sizeof field, "skus[%d].name", i);
        if (yt_check_text(x, field, s->name ? s->name : "", 1, 60)) return x->err.code;
        for (int k = 0; k < i; k++)
            if (strcmp(in->skus[k].name, s->name) == 0) return yt_fail(x, YT_EINVAL, field, "two SKUs are named %s", s->name);
        if (s->price < 0 || s->price > CATALOG_PRICE_MAX) {
            snprintf(field, sizeof field, "skus[%d].price", i);
            return yt_fail(x, YT_EINVAL, field, "is fen from 0 to %lld", (long long)CATALOG_PRICE_MAX);
        }
        if (s->stock < 0 || s->stock > CATALOG_STOCK_MAX) {
            snprintf(field, sizeof field, "skus[%d].stock", i);
            return yt_fail(x, YT_EINVAL, field, "is from 0 to %lld", (long long)CATALOG_STOCK_MAX);
        }
    }
    return YT_OK;
}

/* A stock move row and the SKU's new stock, in the caller's transaction; a move below 0 is a 409. */
int sku_stock_apply(yt_ctx *x, int64_t sku_id, int64_t delta, const char *reason, const char *ref, int64_t *after) {
    int64_t now = now_ms();
    yt_param p[] = {PI(delta), PI(now), PI(sku_id), PI(delta)};
    int64_t stock = db_query_int(x->db, "UPDATE skus SET stock = stock + ?, updated_at = ? WHERE id = ? AND stock + ? >= 0 RETURNING stock",
                                 4, p, -1);
    if (stock < 0) {
        yt_param q[] = {PI(sku_id)};
        int64_t have = db_query_int(x->db, "SELECT stock FROM skus WHERE id = ?", 1, q, -1);
        if (have < 0) return yt_fail(x, YT_ENOTFOUND, "sku_id", "no SKU with id %lld", (long long)sku_id);
        return yt_fail(x, YT_ECONFLICT, "stock", "the SKU has %lld in stock, fewer than %lld", (long long)have, (long long)-delta);
    }
    yt_param m[] = {PI(sku_id), PI(delta), PI(stock), PT(reason), PT(ref ? ref : ""), x->who->staff_id ? PI(x->who->staff_id) : PNULL, PI(now)};
    if (db_exec(x->db, "INSERT INTO stock_moves(sku_id, delta, stock_after, reason, ref, staff_id, at) VALUES(?,?,?,?,?,?,?)", 7, m) != 1)
        return yt_fail_db(x, "recording a stock move");
    if (after) *after = stock;
    return YT_OK;
}

int product_create(yt_ctx *x, const product_input *in, int64_t *id) {
    if (check_product(x, in, true)) return x->err.code;
    int64_t now = now_ms();
    if (db_begin(x->db) != 0) return yt_fail_db(x, "creating a product");
    yt_param p[] = {PT(in->name), PT(in->description ? in->description : ""), PT(in->category ? in->category : ""),
                    PT(in->images_json ? in->images_json : "[]"), PT(in->status ? in->status : "on"), PI(now), PI(now)};
    *id = db_query_int(x->db,
                       "INSERT INTO products(name, description, category, images, status, created_at, updated_at)"
                       " VALUES(?,?,?,?,?,?,?) RETURNING id",
                       7, p, 0);
    int rc = *id > 0 ? YT_OK : yt_fail_db(x, "creating a product");
    for (int i = 0; rc == YT_OK && i < in->nskus; i++) {
        const sku_input *s = &in->skus[i];
        yt_param q[] = {PI(*id), PT(s->name), PT(s->specs_json ? s->specs_json : "{}"), PI(s->price), PI(now), PI(now)};
        int64_t sku = db_query_int(x->db,
                                   "INSERT INTO skus(product_id, name, specs, price, stock, created_at, updated_at)"
                                   " VALUES(?,?,?,?,0,?,?) RETURNING id",
                                   6, q, 0);
        if (sku <= 0) rc = yt_fail_db(x, "creating a SKU");
        else if (s->stock > 0) rc = sku_stock_apply(x, sku, s->stock, "opening", NULL, NULL);
    }
    if (rc == YT_OK) rc = audit_record(x, "product.create", "product", *id, NULL);
    return yt_finish(x, rc, "creating a product");
}

int product_update(yt_ctx *x, int64_t id, const product_input *in) {
    if (check_product(x, in, false)) return x->err.code;
    yt_param p[] = {PT(in->name), PT(in->description), PT(in->category), PT(in->images_json), PT(in->status), PI(now_ms()), PI(id)};
    return audited_write(x,
                         "UPDATE products SET name = COALESCE(?, name), description = COALESCE(?, description),"
                         " category = COALESCE(?, category), images = COALESCE(?, images), status = COALESCE(?, status),"
                         " updated_at = ? WHERE id = ?",
                         7, p, NULL, "product.update", "product", id, "name", NULL);
}

/* The SKUs of some products, in one query: product_id, id, name, specs, price, stock; newest product first (as
 * the products are listed), each product's SKUs in order. */
static yt_rows *skus_of(yt_ctx *x, const int64_t *products, size_t n, char **list) {
    yt_dialect d = db_dialect(x->db);
    *list = db_id_list(d, products, n);
    char sql[200];
    snprintf(sql, sizeof sql, "SELECT product_id, id, name, specs, price, stock FROM skus WHERE product_id%s ORDER BY product_id DESC, id",
             db_in_ids(d));
    yt_param p[] = {PT(*list)};
    return db_query(x->db, sql, 1, p);
}

static void write_sku(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 1));
    jw_kstr(w, "name", rows_text(r, 2));
    jw_kraw(w, "specs", rows_text(r, 3));
    jw_kint(w, "price", rows_int(r, 4));
    jw_kint(w, "stock", rows_int(r, 5));
    jw_obj_end(w);
}

#define PRODUCT_COLS "id, name, description, category, images, status, created_at, updated_at"

/* Products (rows of PRODUCT_COLS newest first, at most max) with their SKUs, as an array or (as_list false)
 * the one object: two statements whatever the count. *last: the id of the last one written; *more: a row
 * past max was there. */
typedef struct {
    int64_t id, created_at, updated_at;
    char *name, *description, *category, *images, *status;
} product_row;

static int write_products(yt_ctx *x, yt_jw *w, yt_rows *r, int max, bool as_list, int64_t *last, bool *more) {
    product_row *rows = arena_alloc(x->arena, sizeof *rows * (size_t)(max > 0 ? max : 1));
    int64_t *ids = arena_alloc(x->arena, sizeof *ids * (size_t)(max > 0 ? max : 1));
    int n = 0;
    *more = false;
    while (rows_next(r)) {
        if (n == max) {
            *more = true;
            break;
        }
        product_row *p = &rows[n];
        p->id = ids[n] = rows_int(r, 0);
        p->name = arena_strdup(x->arena, rows_text(r, 1));
        p->description = arena_strdup(x->arena, rows_text(r, 2));
        p->category = arena_strdup(x->arena, rows_text(r, 3));
        p->images = arena_strdup(x->arena, rows_text(r, 4));
        p->status = arena_strdup(x->arena, rows_text(r, 5));
        p->created_at = rows_int(r, 6);
        p->updated_at = rows_int(r, 7);
        n++;
    }
    char *list = NULL; /* bound to the SKU query: freed after it */
    yt_rows *s = n ? skus_of(x, ids, (size_t)n, &list) : NULL;
    if (n && !s) {
        free(list);
        return yt_fail_db(x, "reading SKUs");
    }
    bool have = s && rows_next(s);
    if (as_list) jw_arr(w);
    for (int i = 0; i < n; i++) {
        const product_row *p = &rows[i];
        jw_obj(w);
        jw_kint(w, "id", p->id);
        jw_kstr(w, "name", p->name);
        jw_kstr(w, "description", p->description);
        jw_kstr(w, "category", p->category);
        jw_kraw(w, "images", p->images);
        jw_kstr(w, "status", p->status);
        jw_ktime(w, "created_at", p->created_at);
        jw_ktime(w, "updated_at", p->updated_at);
        jw_key(w, "skus");
        jw_arr(w);
        while (have && rows_int(s, 0) > p->id) have = rows_next(s);
        for (; have && rows_int(s, 0) == p->id; have = rows_next(s)) write_sku(w, s);
        jw_arr_end(w);
        jw_obj_end(w);
    }
    if (as_list) jw_arr_end(w);
    rows_free(s);
    free(list);
    if (last) *last = n ? rows[n - 1].id : 0;
    return YT_OK;
}
int product_write_json(yt_ctx *x, yt_jw *w, int64_t id) {
    yt_param p[] = {PI(id)};
    yt_rows *r = db_query(x->db, "SELECT " PRODUCT_COLS " FROM products WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a product");
    int64_t last;
    bool more;
    int rc = write_products(x, w, r, 1, false, &last, &more);
    rows_free(r);
    if (rc == YT_OK && last != id) rc = yt_fail(x, YT_ENOTFOUND, NULL, "no product with id %lld", (long long)id);
    return rc;
}

int product_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor) {
    yt_param p[] = {PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db, "SELECT " PRODUCT_COLS " FROM products WHERE id < ? ORDER BY id DESC LIMIT ?", 2, p);
    if (!r) return yt_fail_db(x, "listing products");
    int64_t last;
    bool more;
    jw_obj(w);
    jw_key(w, "items");
    int rc = write_products(x, w, r, limit, true, &last, &more);
    rows_free(r);
    jw_next_cursor(w, more, last);
    jw_obj_end(w);
    return rc;
}

int sku_stock_move(yt_ctx *x, int64_t sku_id, int64_t delta, const char *reason, const char *ref, int64_t *after) {
    if (delta == 0 || delta > CATALOG_STOCK_MAX || delta < -CATALOG_STOCK_MAX)
        return yt_fail(x, YT_EINVAL, "delta", "is a change from -%lld to %lld, not 0", (long long)CATALOG_STOCK_MAX,
                       (long long)CATALOG_STOCK_MAX);
    if (db_begin(x->db) != 0) return yt_fail_db(x, "moving stock");
    int rc = sku_stock_apply(x, sku_id, delta, reason, ref, after);
    char summary[96];
    snprintf(summary, sizeof summary, "{\"delta\":%lld}", (long long)delta);
    if (rc == YT_OK) rc = audit_record(x, "sku.stock", "sku", sku_id, summary);
    return yt_finish(x, rc, "moving stock");
}

int sku_get(yt_ctx *x, int64_t sku_id, int64_t *price, int64_t *stock) {
    yt_param p[] = {PI(sku_id)};
    yt_rows *r = db_query(x->db, "SELECT price, stock FROM skus WHERE id = ?", 1, p);
    if (!r) return yt_fail_db(x, "reading a SKU");
    bool found = rows_next(r);
    if (found) {
        *price = rows_int(r, 0);
        *stock = rows_int(r, 1);
    }
    rows_free(r);
    return found ? YT_OK : yt_fail(x, YT_ENOTFOUND, "sku_id", "no SKU with id %lld", (long long)sku_id);
}

static void write_move_row(yt_jw *w, yt_rows *r) {
    jw_obj(w);
    jw_kint(w, "id", rows_int(r, 0));
    jw_kint(w, "delta", rows_int(r, 1));
    jw_kint(w, "stock_after", rows_int(r, 2));
    jw_kstr(w, "reason", rows_text(r, 3));
    jw_kstr(w, "ref", rows_text(r, 4));
    if (rows_null(r, 5)) jw_knull(w, "staff_id");
    else jw_kint(w, "staff_id", rows_int(r, 5));
    jw_ktime(w, "at", rows_int(r, 6));
    jw_obj_end(w);
}

int sku_moves_json(yt_ctx *x, yt_jw *w, int64_t sku_id, int limit, int64_t cursor) {
    int64_t price, stock;
    if (sku_get(x, sku_id, &price, &stock)) return x->err.code;
    yt_param p[] = {PI(sku_id), PI(cursor ? cursor : INT64_MAX), PI(limit + 1)};
    yt_rows *r = db_query(x->db,
                          "SELECT id, delta, stock_after, reason, ref, staff_id, at FROM stock_moves"
                          " WHERE sku_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                          3, p);
    if (!r) return yt_fail_db(x, "reading stock moves");
    page_write(w, r, limit, write_move_row);
    rows_free(r);
    return YT_OK;
}
