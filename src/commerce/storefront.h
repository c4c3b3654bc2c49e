/* The storefront: what a member's pages show of the catalog and of a flash sale. Prices and times, a stock
 * state instead of shelf stock figures, and of the orders only the member's own count. */
#ifndef YT_STOREFRONT_H
#define YT_STOREFRONT_H
#include "../base/json.h"
#include "../domain/ctx.h"

#define STOREFRONT_LOW_STOCK 10 /* a SKU with this many or fewer on the shelf shows as "low" */

/* An on-sale product: {id, name, description, category, images, skus: [{id, name, specs, price, stock_state}],
 * flash_sales: [{id, name, sku_id, price, starts_at, ends_at, state}] (those not over, soonest first)};
 * stock_state is in_stock, low or sold_out. A product that is off sale, or none, is YT_ENOTFOUND. */
int storefront_product_json(yt_ctx *x, yt_jw *w, int64_t id);

/* A flash sale as member customer sees it: {id, name, product_id, product_name, description, images, sku_id,
 * sku_name, specs, price, original_price, stock, stock_left, per_customer_limit, mine, starts_at, ends_at,
 * state, server_time}; mine is what customer holds in it (pending and paid), and stock_left what no order holds
 * (units on an instance's lease count as left), both as the store has them whichever instance sold them.
 * Shown whatever the product's shelf status (a flash-only product may be off the shelf). YT_ENOTFOUND when
 * there is none. */
int storefront_flash_sale_json(yt_ctx *x, yt_jw *w, int64_t id, int64_t customer);

#endif
