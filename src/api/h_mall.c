/* Handlers: coupons (templates, grants, a customer's coupons) and checkout of normal mall orders with their
 * life after it (cancel, ship, complete, refunds), for staff and, where the route says so, for the member. */
#include "handlers.h"
#include "server.h"
#include "../commerce/after_sales.h"
#include "../commerce/checkout.h"
#include "../commerce/coupon.h"
#include "../commerce/mall_order.h"
#include "../commerce/refund.h"
#include "../base/timeutil.h"
#include "../customer/customer.h"
#include <stdio.h>
#include <string.h>

/* ---- coupons ---- */

void h_coupon_create(yt_req *r) {
    static const char *const allowed[] = {"name", "kind", "threshold", "amount_off", "percent_off", "max_off", "new_customers_only",
                                          "stackable", "total", "per_customer", "claim_starts", "claim_ends", "valid_days",
                                          "valid_until", "products", "categories", NULL};
    coupon_input in = {.per_customer = 1};
    int64_t products[COUPON_SCOPE_MAX + 1];
    const char **categories = NULL;
    bool has_total, has_starts = false;
    in.claim_starts = 0;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &in.name, true) ||
        !body_str(r, r->json, "kind", &in.kind, true) || !body_int(r, r->json, "threshold", &in.threshold, NULL) ||
        !body_int(r, r->json, "amount_off", &in.amount_off, NULL) || !body_int(r, r->json, "percent_off", &in.percent_off, NULL) ||
        !body_int(r, r->json, "max_off", &in.max_off, NULL) ||
        !body_bool(r, r->json, "new_customers_only", &in.new_customers_only, NULL) ||
        !body_bool(r, r->json, "stackable", &in.stackable, NULL) || !body_int(r, r->json, "total", &in.total, &has_total) ||
        !body_int(r, r->json, "per_customer", &in.per_customer, NULL) || !body_time(r, "claim_starts", &in.claim_starts, false) ||
        !body_time(r, "claim_ends", &in.claim_ends, true) || !body_int(r, r->json, "valid_days", &in.valid_days, NULL) ||
        !body_time(r, "valid_until", &in.valid_until, false) ||
        !body_id_array(r, r->json, "products", products, &in.nproducts, COUPON_SCOPE_MAX + 1) ||
        !body_str_array(r, r->json, "categories", &categories, &in.ncategories, COUPON_SCOPE_MAX + 1))
        return;
    has_starts = in.claim_starts != 0;
    if (!has_total) {
        api_problem(r, 400, "total", "total (how many may be given out) is required");
        return;
    }
    if (!has_starts) in.claim_starts = now_ms();
    in.products = products;
    in.categories = categories;
    int64_t id;
    if (coupon_create(&r->x, &in, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (coupon_write_json(&r->x, &w, id)) api_fail(r);
}

void h_coupon_get(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (coupon_write_json(&r->x, &w, id)) api_fail(r);
}

void h_coupon_stats(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (coupon_stats_json(&r->x, &w, id)) api_fail(r);
}

void h_coupon_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (coupon_list_json(&r->x, &w, limit, cursor)) api_fail(r);
}

void h_coupon_stop(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    if (coupon_stop(&r->x, id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (coupon_write_json(&r->x, &w, id)) api_fail(r);
}

/* A held coupon just given. */
static void answer_given(yt_req *r, int64_t held, int64_t coupon, int64_t customer) {
    yt_jw w;
    api_json(r, 201, &w);
    jw_obj(&w);
    jw_kint(&w, "id", held);
    jw_kint(&w, "coupon_id", coupon);
    jw_kint(&w, "customer_id", customer);
    jw_obj_end(&w);
}

/* {customer_id}: one customer gets one (the claim window does not apply; the quota and limit do). */
void h_coupon_grant(yt_req *r) {
    static const char *const allowed[] = {"customer_id", NULL};
    int64_t id = api_param_id(r, 0), customer = 0, live, held;
    bool has_customer;
    if (!id || !body_only(r, r->json, allowed) || !body_int(r, r->json, "customer_id", &customer, &has_customer)) return;
    if (!has_customer || customer < 1) {
        api_problem(r, 400, "customer_id", "customer_id is required (a saved segment is granted through its actions)");
        return;
    }
    if (customer_resolve_for_write(&r->x, customer, &live)) {
        api_fail(r);
        return;
    }
    if (coupon_claim(&r->x, id, live, "grant", &held)) api_fail_refusal(r, "coupon_id");
    else answer_given(r, held, id, live);
}

void h_customer_coupons(yt_req *r) {
    int limit;
    int64_t cursor, id = api_path_customer(r);
    if (!id || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (customer_coupons_json(&r->x, &w, id, api_query(r, "status"), limit, cursor)) api_fail(r);
}

/* ---- checkout and the order's life ---- */

/* {customer_id, lines: [{sku_id, quantity}], coupon_ids, points}; a member orders for themselves. */
void h_mall_order_create(yt_req *r) {
    static const char *const allowed[] = {"customer_id", "lines", "coupon_ids", "points", NULL};
    static const char *const line_keys[] = {"sku_id", "quantity", NULL};
    checkout_input in = {0};
    bool has_customer;
    if (!body_only(r, r->json, allowed) || !body_int(r, r->json, "customer_id", &in.customer_id, &has_customer) ||
        !body_id_array(r, r->json, "coupon_ids", in.coupon_ids, &in.ncoupons, COUPON_PER_ORDER_MAX) ||
        !body_int(r, r->json, "points", &in.points, NULL))
        return;
    if (!(in.customer_id = api_acting_customer(r, in.customer_id, has_customer))) return;
    const cJSON *lines = cJSON_GetObjectItemCaseSensitive(r->json, "lines");
    if (!cJSON_IsArray(lines) || cJSON_GetArraySize(lines) < 1 || cJSON_GetArraySize(lines) > CHECKOUT_LINES_MAX) {
        api_problem(r, 400, "lines", "lines must be a list of 1 to 20 {sku_id, quantity}");
        return;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, lines) {
        char field[32];
        snprintf(field, sizeof field, "lines[%d]", in.nlines);
        bool has_sku, has_qty;
        if (!cJSON_IsObject(it)) {
            api_problem(r, 400, field, "each line is an object {sku_id, quantity}");
            return;
        }
        if (!body_only(r, it, line_keys) || !body_int(r, it, "sku_id", &in.lines[in.nlines].sku_id, &has_sku) ||
            !body_int(r, it, "quantity", &in.lines[in.nlines].quantity, &has_qty))
            return;
        if (!has_sku || !has_qty || in.lines[in.nlines].sku_id < 1) {
            api_problem(r, 400, field, "each line needs sku_id and quantity");
            return;
        }
        in.nlines++;
    }
    in.pay_window_ms = r->server->mall_pay_window_ms;
    checkout_result res;
    if (checkout(&r->x, &in, &res)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (mall_order_write_json(&r->x, &w, res.order_id, 0)) api_fail(r);
}

/* Staff who see only their own customers (guides) act only on those customers' orders; to them others' do
 * not exist (404). Members are kept to their own by the domain calls. */
static bool order_in_reach(yt_req *r, int64_t order_id) {
    int64_t customer, live;
    if (!r->who.own_customers_only || r->who.member_id) return true;
    if (mall_order_customer(&r->x, order_id, &customer) || customer_resolve(&r->x, customer, &live)) {
        api_fail(r);
        return false;
    }
    return true;
}

/* Answers a state change with the order as it is now. */
static void answer_order(yt_req *r, int rc, int64_t id) {
    if (rc) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (mall_order_write_json(&r->x, &w, id, r->who.member_id)) api_fail(r);
}

void h_mall_order_cancel(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (id && order_in_reach(r, id)) answer_order(r, mall_order_cancel(&r->x, id, r->who.member_id, r->who.member_id ? "customer" : "staff"), id);
}

void h_mall_order_ship(yt_req *r) {
    static const char *const allowed[] = {"carrier", "tracking_no", NULL};
    int64_t id = api_param_id(r, 0);
    const char *carrier = NULL, *tracking = NULL;
    if (!id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "carrier", &carrier, true) ||
        !body_str(r, r->json, "tracking_no", &tracking, true))
        return;
    answer_order(r, mall_order_ship(&r->x, id, carrier, tracking), id);
}

void h_mall_order_complete(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (id && order_in_reach(r, id)) answer_order(r, mall_order_complete(&r->x, id, r->who.member_id), id);
}

/* {lines: [{item_id, quantity}] (none: all that is left), reason, restock (true)} -> 201 {refund, order}. */
void h_mall_order_refund(yt_req *r) {
    static const char *const allowed[] = {"lines", "reason", "restock", NULL};
    static const char *const line_keys[] = {"item_id", "quantity", NULL};
    int64_t id = api_param_id(r, 0);
    refund_input in = {.restock = true};
    if (!id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "reason", &in.reason, true) ||
        !body_bool(r, r->json, "restock", &in.restock, NULL))
        return;
    const cJSON *lines = cJSON_GetObjectItemCaseSensitive(r->json, "lines"), *it;
    if (lines && (!cJSON_IsArray(lines) || cJSON_GetArraySize(lines) > REFUND_LINES_MAX)) {
        api_problem(r, 400, "lines", "lines must be a list of at most 20 {item_id, quantity}");
        return;
    }
    cJSON_ArrayForEach(it, lines) {
        char field[32];
        bool has_item, has_qty;
        snprintf(field, sizeof field, "lines[%d]", in.nlines);
        if (!cJSON_IsObject(it)) {
            api_problem(r, 400, field, "each line is an object {item_id, quantity}");
            return;
        }
        if (!body_only(r, it, line_keys) || !body_int(r, it, "item_id", &in.lines[in.nlines].item_id, &has_item) ||
            !body_int(r, it, "quantity", &in.lines[in.nlines].quantity, &has_qty))
            return;
        if (!has_item || !has_qty) {
            api_problem(r, 400, field, "each line needs item_id and quantity");
            return;
        }
        in.nlines++;
    }
    refund_result res;
    if (mall_refund(&r->x, id, &in, &res)) {
        api_fail(r);
        return;
    }
    refund_submitter_kick(r->server->refunds); /* a WeChat Pay refund is asked for at once, after this commit */
    yt_jw w;
    api_json(r, 201, &w);
    jw_obj(&w);
    jw_kint(&w, "refund_id", res.refund_id);
    jw_kint(&w, "amount", res.amount);
    jw_kint(&w, "quantity", res.quantity);
    jw_kbool(&w, "full", res.full);
    jw_kint(&w, "points_returned", res.points_returned);
    jw_kint(&w, "points_clawed", res.points_clawed);
    jw_kbool(&w, "coupons_returned", res.coupons_returned);
    jw_key(&w, "order");
    if (mall_order_write_json(&r->x, &w, id, 0)) {
        api_fail(r);
        return;
    }
    jw_obj_end(&w);
}

void h_mall_order_refunds(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_key(&w, "items");
    if (mall_refunds_json(&r->x, &w, id)) {
        api_fail(r);
        return;
    }
    jw_obj_end(&w);
}

/* A failed refund whose money the brand returned by hand: the refund as it now is. */
void h_mall_refund_settle_by_hand(yt_req *r) {
    static const char *const allowed[] = {"note", NULL};
    int64_t id = api_param_id(r, 0), refund_id = api_param_id(r, 1);
    const char *note = NULL;
    bool replay;
    if (!id || !refund_id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "note", &note, true)) return;
    if (mall_refund_settle_by_hand(&r->x, id, refund_id, note, &replay)) {
        api_fail(r);
        return;
    }
    yt_jw w; /* settled now or before: the same answer */
    api_json(r, 200, &w);
    if (mall_refund_json(&r->x, &w, id, refund_id)) api_fail(r);
}

/* {}: a failed WeChat Pay refund asked for again, at once (the submitter is kicked after this commit). */
void h_mall_refund_ask_again(yt_req *r) {
    static const char *const allowed[] = {NULL};
    int64_t id = api_param_id(r, 0), refund_id = api_param_id(r, 1);
    if (!id || !refund_id || !body_only(r, r->json, allowed)) return;
    if (mall_refund_ask_again(&r->x, id, refund_id)) {
        api_fail(r);
        return;
    }
    yt_jw w; /* the refund as asking again left it, read before the submitter is kicked: on PostgreSQL its
              * first attempt could otherwise be recorded first, and show in this answer */
    api_json(r, 200, &w);
    if (mall_refund_json(&r->x, &w, id, refund_id)) api_fail(r);
    refund_submitter_kick(r->server->refunds);
}

/* ---- after-sales ---- */

/* {order_id, kind, reason}: staff open one for the customer; a member for their own order. */
void h_after_sale_open(yt_req *r) {
    static const char *const allowed[] = {"order_id", "kind", "reason", NULL};
    int64_t order = 0, id;
    bool has_order;
    const char *kind = NULL, *reason = NULL;
    if (!body_only(r, r->json, allowed) || !body_int(r, r->json, "order_id", &order, &has_order) ||
        !body_str(r, r->json, "kind", &kind, true) || !body_str(r, r->json, "reason", &reason, true))
        return;
    if (!has_order || order < 1) {
        api_problem(r, 400, "order_id", "order_id is required");
        return;
    }
    if (!order_in_reach(r, order)) return;
    if (after_sale_open(&r->x, order, r->who.member_id, kind, reason, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    jw_obj(&w);
    jw_kint(&w, "id", id);
    jw_kint(&w, "order_id", order);
    jw_kstr(&w, "status", "open");
    jw_obj_end(&w);
}

/* The list; ?status=open is the queue, highest priority (member level) first, then oldest. */
static void list_tickets(yt_req *r, int64_t customer) {
    int limit;
    if (!api_limit(r, &limit)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (after_sale_list_json(&r->x, &w, api_query(r, "status"), customer, limit, api_query(r, "cursor"))) api_fail(r);
}

void h_after_sale_list(yt_req *r) { list_tickets(r, 0); }

void h_member_after_sales(yt_req *r) {
    int64_t me = api_member(r);
    if (me) list_tickets(r, me);
}

/* {status: resolved | rejected, resolution}. */
void h_after_sale_resolve(yt_req *r) {
    static const char *const allowed[] = {"status", "resolution", NULL};
    int64_t id = api_param_id(r, 0);
    const char *status = NULL, *resolution = NULL;
    int64_t order;
    if (!id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "status", &status, true) ||
        !body_str(r, r->json, "resolution", &resolution, true))
        return;
    if (r->who.own_customers_only && (after_sale_order(&r->x, id, &order) || !order_in_reach(r, order))) {
        if (!order) api_fail(r);
        return;
    }
    if (after_sale_resolve(&r->x, id, status, resolution)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kint(&w, "id", id);
    jw_kstr(&w, "status", status);
    jw_obj_end(&w);
}

/* ---- the member's own ---- */

/* {coupon_id}: the member claims one, within the claim window. */
void h_member_coupon_claim(yt_req *r) {
    static const char *const allowed[] = {"coupon_id", NULL};
    int64_t me = api_member(r), coupon = 0, held;
    bool has;
    if (!me || !body_only(r, r->json, allowed) || !body_int(r, r->json, "coupon_id", &coupon, &has)) return;
    if (!has || coupon < 1) {
        api_problem(r, 400, "coupon_id", "coupon_id is required");
        return;
    }
    if (coupon_claim(&r->x, coupon, me, "claim", &held)) api_fail_refusal(r, "coupon_id");
    else answer_given(r, held, coupon, me);
}

void h_member_coupons(yt_req *r) {
    int limit;
    int64_t cursor, me = api_member(r);
    if (!me || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (customer_coupons_json(&r->x, &w, me, api_query(r, "status"), limit, cursor)) api_fail(r);
}

void h_member_order_get(yt_req *r) {
    int64_t me = api_member(r), id = me ? api_param_id(r, 0) : 0;
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (mall_order_write_json(&r->x, &w, id, me)) api_fail(r);
}
