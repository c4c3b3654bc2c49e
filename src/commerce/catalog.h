/* The catalog: products (SPU) with their SKUs (spec values, price in fen, stock), and every stock change
 * recorded in stock_moves with why and by whom. */
#ifndef YT_CATALOG_H
#define YT_CATALOG_H
#include "../base/json.h"
#include "../domain/ctx.h"

#define CATALOG_MAX_SKUS 100
#define CATALOG_NAME_MAX 100
#define CATALOG_PRICE_MAX 10000000000LL /* fen: 100 million yuan */
#define CATALOG_STOCK_MAX 1000000000LL

typedef struct {
    const char *name;
    const char *specs_json; /* a JSON object of spec name to value (规格, 颜色), or NULL */
    int64_t price, stock;
} sku_input;

typedef struct {
    const char *name, *description, *category;
    const char *images_json; /* a JSON array of image URLs, or NULL */
    const char *status;      /* "on" (on sale) or "off"; NULL: on */
    sku_input skus[CATALOG_MAX_SKUS];
    int nskus;
} product_input;

/* Checks and stores a product with its SKUs, each SKU's opening stock as a stock move, audited. */
int product_create(yt_ctx *x, const product_input *in, int64_t *id);
/* Name, description, category, images, status: the ones given (not NULL) change. */
int product_update(yt_ctx *x, int64_t id, const product_input *in);
/* {id, name, ..., skus: [{id, name, specs, price, stock}]}; YT_ENOTFOUND when there is none. */
int product_write_json(yt_ctx *x, yt_jw *w, int64_t id);
/* A page of products, newest first, {items, next_cursor}. */
int product_list_json(yt_ctx *x, yt_jw *w, int limit, int64_t cursor);

/* Changes a SKU's stock by delta (never below 0: a 409 otherwise), recorded with reason and ref, inside
 * the caller's transaction or its own. *after: the stock after. */
int sku_stock_move(yt_ctx *x, int64_t sku_id, int64_t delta, const char *reason, const char *ref, int64_t *after);
/* sku_stock_move inside the caller's transaction, unaudited (the caller audits the whole: an order). */
int sku_stock_apply(yt_ctx *x, int64_t sku_id, int64_t delta, const char *reason, const char *ref, int64_t *after);
/* The SKU's price and stock; YT_ENOTFOUND when there is none. */
int sku_get(yt_ctx *x, int64_t sku_id, int64_t *price, int64_t *stock);
/* A page of a SKU's stock moves, newest first. */
int sku_moves_json(yt_ctx *x, yt_jw *w, int64_t sku_id, int limit, int64_t cursor);

#endif
