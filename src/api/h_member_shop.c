/* Handlers: the storefront as a member's pages read it (an on-sale product, a flash sale with the member's
 * own quantity); the member's link token only, never a staff token. */
#include "handlers.h"
#include "server.h"
#include "../commerce/storefront.h"

void h_member_product(yt_req *r) {
    int64_t me = api_member(r);
    if (!me) return;
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (storefront_product_json(&r->x, &w, id)) api_fail(r);
}

void h_member_flash_sale(yt_req *r) {
    int64_t me = api_member(r);
    if (!me) return;
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (storefront_flash_sale_json(&r->x, &w, id, me)) api_fail(r);
}
