/* Retail shops (门店): a brand's physical stores, which staff and customers belong to. */
#ifndef YT_SHOP_H
#define YT_SHOP_H
#include "../base/json.h"
#include "../domain/ctx.h"

int shop_create(yt_ctx *x, const char *name, const char *city, int64_t *id);
int shop_list_json(yt_ctx *x, yt_jw *w);
bool shop_exists(yt_db *db, int64_t id);

#endif
