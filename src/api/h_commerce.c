/* Handlers: the catalog (products, SKUs, stock), flash sales and their orders, mall orders, and the sandbox
 * payment provider's notifications. */
#include "handlers.h"
#include "server.h"
#include "../base/crypto.h"
#include "../base/text.h"
#include "../base/timeutil.h"
#include "../commerce/catalog.h"
#include "../commerce/flash.h"
#include "../commerce/mall_order.h"
#include "../customer/customer.h"
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* ---- products ---- */

/* An optional JSON member kept as its JSON text (checked by check), or NULL when absent. */
static bool json_member(yt_req *r, const cJSON *obj, const char *key, bool (*check)(const cJSON *), const char *what,
                        const char **out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    *out = NULL;
    if (!v || cJSON_IsNull(v)) return true;
    if (!check(v)) {
        char detail[120];
        snprintf(detail, sizeof detail, "%s must be %s", key, what);
        api_problem(r, 400, key, detail);
        return false;
    }
    char *text = cJSON_PrintUnformatted(v);
    *out = arena_strdup(&r->arena, text ? text : "null");
    cJSON_free(text);
    return true;
}

static bool image_urls(const cJSON *v) {
    if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > 20) return false;
    const cJSON *u;
    cJSON_ArrayForEach(u, v) {
        if (!cJSON_IsString(u) || strlen(u->valuestring) > 500 ||
            (strncmp(u->valuestring, "https://", 8) != 0 && strncmp(u->valuestring, "http://", 7) != 0))
            return false;
    }
    return true;
}

static bool spec_values(const cJSON *v) {
    if (!cJSON_IsObject(v) || cJSON_GetArraySize(v) > 10) return false;
    const cJSON *s;
    cJSON_ArrayForEach(s, v) {
        if (!cJSON_IsString(s) || utf8_chars(s->string) > 20 || utf8_chars(s->valuestring) > 40) return false;
    }
    return true;
}

static bool read_product(yt_req *r, product_input *in, bool creating) {
    static const char *const allowed[] = {"name", "description", "category", "images", "status", "skus", NULL};
    memset(in, 0, sizeof *in);
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &in->name, creating) ||
        !body_str(r, r->json, "description", &in->description, false) || !body_str(r, r->json, "category", &in->category, false) ||
        !body_str(r, r->json, "status", &in->status, false) ||
        !json_member(r, r->json, "images", image_urls, "an array of at most 20 http(s) URLs", &in->images_json))
        return false;
    const cJSON *skus = cJSON_GetObjectItemCaseSensitive(r->json, "skus");
    if (!creating) {
        if (skus) api_problem(r, 400, "skus", "SKUs are not changed here: stock through /skus/{id}/stock");
        return !skus;
    }
    if (!cJSON_IsArray(skus) || cJSON_GetArraySize(skus) < 1 || cJSON_GetArraySize(skus) > CATALOG_MAX_SKUS) {
        api_problem(r, 400, "skus", "skus must be an array of 1 to 100 SKUs");
        return false;
    }
    static const char *const sku_allowed[] = {"name", "specs", "price", "stock", NULL};
    const cJSON *s;
    cJSON_ArrayForEach(s, skus) {
        sku_input *k = &in->skus[in->nskus];
        char field[32];
        snprintf(field, sizeof field, "skus[%d]", in->nskus);
        if (!cJSON_IsObject(s)) {
            api_problem(r, 400, field, "each SKU is an object {name, price, stock}");
            return false;
        }
        bool has_price = false, has_stock = false;
        k->stock = 0;
        if (!body_only(r, s, sku_allowed) || !body_str(r, s, "name", &k->name, true) ||
            !body_int(r, s, "price", &k->price, &has_price) || !body_int(r, s, "stock", &k->stock, &has_stock) ||
            !json_member(r, s, "specs", spec_values, "an object of up to 10 spec names and values", &k->specs_json))
            return false;
        if (!has_price) {
            snprintf(field, sizeof field, "skus[%d].price", in->nskus);
            api_problem(r, 400, field, "price (fen) is required");
            return false;
        }
        in->nskus++;
    }
    return true;
}

void h_product_create(yt_req *r) {
    product_input in;
    int64_t id;
    if (!read_product(r, &in, true)) return;
    if (product_create(&r->x, &in, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (product_write_json(&r->x, &w, id)) api_fail(r);
}

void h_product_update(yt_req *r) {
    product_input in;
    int64_t id = api_param_id(r, 0);
    if (!id || !read_product(r, &in, false)) return;
    if (product_update(&r->x, id, &in)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (product_write_json(&r->x, &w, id)) api_fail(r);
}

void h_product_get(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (product_write_json(&r->x, &w, id)) api_fail(r);
}

void h_product_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (product_list_json(&r->x, &w, limit, cursor)) api_fail(r);
}

void h_sku_stock(yt_req *r) {
    static const char *const allowed[] = {"delta", "reason", NULL};
    int64_t id = api_param_id(r, 0), delta = 0, after;
    const char *reason = NULL;
    bool has_delta;
    if (!id || !body_only(r, r->json, allowed) || !body_int(r, r->json, "delta", &delta, &has_delta) ||
        !body_str(r, r->json, "reason", &reason, false))
        return;
    if (!has_delta) {
        api_problem(r, 400, "delta", "delta (the change in stock, + or -) is required");
        return;
    }
    if (reason && (utf8_chars(reason) > 100 || text_unreadable(reason))) {
        api_problem(r, 400, "reason", "reason is up to 100 readable characters");
        return;
    }
    if (sku_stock_move(&r->x, id, delta, "manual", reason, &after)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kint(&w, "sku_id", id);
    jw_kint(&w, "stock", after);
    jw_obj_end(&w);
}

void h_sku_moves(yt_req *r) {
    int limit;
    int64_t cursor, id = api_param_id(r, 0);
    if (!id || !api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (sku_moves_json(&r->x, &w, id, limit, cursor)) api_fail(r);
}

/* ---- flash sales ---- */

void h_flash_sale_create(yt_req *r) {
    static const char *const allowed[] = {"name", "sku_id", "price", "stock", "per_customer_limit", "starts_at", "ends_at",
                                          "pay_window_seconds", NULL};
    flash_input in = {.per_customer_limit = 1};
    int64_t window = FLASH_PAY_WINDOW_MS / 1000;
    bool has_sku, has_price, has_stock;
    if (!body_only(r, r->json, allowed) || !body_str(r, r->json, "name", &in.name, true) ||
        !body_int(r, r->json, "sku_id", &in.sku_id, &has_sku) || !body_int(r, r->json, "price", &in.price, &has_price) ||
        !body_int(r, r->json, "stock", &in.stock, &has_stock) ||
        !body_int(r, r->json, "per_customer_limit", &in.per_customer_limit, NULL) ||
        !body_int(r, r->json, "pay_window_seconds", &window, NULL) || !body_time(r, "starts_at", &in.starts_at, true) ||
        !body_time(r, "ends_at", &in.ends_at, true))
        return;
    const char *missing = !has_sku ? "sku_id" : !has_price ? "price" : !has_stock ? "stock" : NULL;
    if (missing) {
        char detail[64];
        snprintf(detail, sizeof detail, "%s is required", missing);
        api_problem(r, 400, missing, detail);
        return;
    }
    in.pay_window_ms = window > 0 && window < 1000000000 ? window * 1000 : -1;
    int64_t id;
    if (flash_sale_create(r->server->flash, &r->x, &in, &id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    if (flash_sale_write_json(&r->x, &w, id)) api_fail(r);
}

void h_flash_sale_get(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (flash_sale_write_json(&r->x, &w, id)) api_fail(r);
}

void h_flash_sale_stop(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    if (flash_sale_stop(r->server->flash, &r->x, id)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (flash_sale_write_json(&r->x, &w, id)) api_fail(r);
}

void h_flash_sale_stats(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (flash_sale_stats_json(&r->x, &w, id)) api_fail(r);
}

void h_flash_sale_list(yt_req *r) {
    int limit;
    int64_t cursor;
    if (!api_paging(r, &limit, &cursor)) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (flash_sale_list_json(&r->x, &w, limit, cursor)) api_fail(r);
}

static void write_outcome(yt_req *r, int64_t sale_id, const flash_outcome *o) {
    if (o->rc != YT_OK && o->refusal && strcmp(o->refusal, "customer") == 0) { /* none for the caller, erased, or not the member */
        r->x.err = o->err;
        api_fail(r);
        return;
    }
    if (o->rc == YT_ECONFLICT && strcmp(o->refusal, "over") == 0) { /* stopped on another instance meanwhile */
        api_problem(r, 422, "flash_sale", "the flash sale is over");
        return;
    }
    if (o->rc == YT_ECONFLICT) { /* another instance's orders came first: the last units, or this buyer's limit */
        bool sold_out = strcmp(o->refusal, "sold-out") == 0;
        api_problem_with(r, 409, sold_out ? "stock_left" : "quantity",
                         sold_out ? "sold out" : "this customer has bought as many as the sale allows",
                         &(problem_extra){.position = -1, .slug = o->refusal});
        return;
    }
    if (o->rc != YT_OK && o->refusal && strcmp(o->refusal, "not-durable") == 0) {
        api_problem(r, 503, NULL, "the order was written but could not be made durable, so it may be lost; check the customer's orders before trying again");
        return;
    }
    if (o->rc != YT_OK) {
        api_problem(r, 503, NULL, "the order could not be written; nothing was reserved, try again");
        return;
    }
    yt_jw w;
    api_json(r, 201, &w);
    jw_obj(&w);
    jw_kint(&w, "order_id", o->order_id);
    jw_kint(&w, "flash_sale_id", sale_id);
    jw_kint(&w, "customer_id", o->customer_id);
    jw_kint(&w, "quantity", o->quantity);
    jw_kint(&w, "total", o->total);
    jw_kstr(&w, "status", "pending");
    jw_ktime(&w, "pay_by", o->pay_by);
    jw_obj_end(&w);
}

/* The committer leaves each order's outcome here (in the request's arena, set aside before the handler
 * deferred), and the request's own thread writes the answer: the committer's time goes to commits only. */
static void order_written(void *arg, const flash_outcome *o) {
    yt_req *r = arg;
    *(flash_outcome *)r->resume_slot = *o;
    api_resume(r);
}

static void finish_order(yt_req *r) {
    write_outcome(r, api_param_id(r, 0), r->resume_slot);
}

/* With an Idempotency-Key the answer must be stored with the key before the handler returns, so the
 * handler waits for the commit instead of deferring. */
typedef struct {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    bool done;
    flash_outcome o;
} order_wait;

static void order_waited(void *arg, const flash_outcome *o) {
    order_wait *ow = arg;
    pthread_mutex_lock(&ow->mu);
    ow->o = *o;
    ow->done = true;
    pthread_cond_signal(&ow->cv);
    pthread_mutex_unlock(&ow->mu);
}

void h_flash_order(yt_req *r) {
    static const char *const allowed[] = {"customer_id", "quantity", NULL};
    int64_t sale_id = api_param_id(r, 0), customer = 0, quantity = 1, given;
    bool has_customer;
    if (!sale_id || !body_only(r, r->json, allowed) || !body_int(r, r->json, "customer_id", &customer, &has_customer) ||
        !body_int(r, r->json, "quantity", &quantity, NULL))
        return;
    /* the id as given, checked where the order is written; a guide's, or a member's other than their own (an
     * id merged into theirs, or a 403), is followed here first, so neither moves another customer's count */
    bool plain = !r->who.own_customers_only && (!r->who.member_id || !has_customer || customer == r->who.member_id);
    if (!(given = plain ? api_given_customer(r, customer, has_customer) : api_acting_customer(r, customer, has_customer))) return;
    yt_err err = {0};
    bool wait = r->idempotency_key != NULL;
    order_wait ow = {.mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
    if (!wait) r->resume_slot = arena_alloc(&r->arena, sizeof(flash_outcome)); /* before the committer can write it */
    int rc = flash_order(r->server->flash, sale_id, given, quantity, &r->who, wait ? order_waited : order_written,
                         wait ? (void *)&ow : (void *)r, &err);
    if (rc == YT_ECONFLICT) { /* sold-out or limit-reached, as the problem's type */
        char field[32];
        snprintf(field, sizeof field, "%s", err.field);
        api_problem_with(r, 409, strcmp(field, "sold-out") == 0 ? "stock_left" : "quantity", err.msg,
                         &(problem_extra){.position = -1, .slug = field});
        return;
    }
    if (rc) {
        r->x.err = err;
        api_fail(r);
        return;
    }
    if (!wait) { /* the loop runs finish once the committer has posted the outcome, after this returns */
        r->finish = finish_order;
        api_defer(r);
        return;
    }
    pthread_mutex_lock(&ow.mu);
    while (!ow.done) pthread_cond_wait(&ow.cv, &ow.mu);
    pthread_mutex_unlock(&ow.mu);
    write_outcome(r, sale_id, &ow.o);
}

/* ---- mall orders and payments ---- */

void h_mall_order_get(yt_req *r) {
    int64_t id = api_param_id(r, 0);
    if (!id) return;
    yt_jw w;
    api_json(r, 200, &w);
    if (mall_order_write_json(&r->x, &w, id, 0)) api_fail(r);
}

void h_mall_order_list(yt_req *r) {
    int limit;
    int64_t cursor, customer = 0;
    const char *c = api_query(r, "customer_id");
    if (!api_paging(r, &limit, &cursor)) return;
    if (c && (!parse_i64(c, &customer) || customer < 1)) {
        api_problem(r, 400, "customer_id", "customer_id must be a customer's id");
        return;
    }
    mall_order_filter f = {customer, api_query(r, "status"), api_query(r, "kind")};
    yt_jw w;
    api_json(r, 200, &w);
    if (mall_order_list_json(&r->x, &w, &f, limit, cursor)) api_fail(r);
}

/* The sandbox provider tells of a payment: {order_id, amount, transaction_id}, with X-Sandbox-Signature the
 * hex HMAC-SHA256 of the body under the sandbox secret. A notification that does not verify changes nothing. */
void h_payment_sandbox_notify(yt_req *r) {
    static const char *const allowed[] = {"order_id", "amount", "transaction_id", NULL};
    const char *secret = r->server->pay_sandbox_secret;
    if (!secret) {
        api_problem(r, 404, NULL, "the sandbox payment provider is off (YUTANG_PAY_SANDBOX_SECRET)");
        return;
    }
    if (!crypto_hmac_sha256_ok(secret, r->body, r->body_len, r->signature)) {
        api_problem(r, 401, "X-Sandbox-Signature", "the notification's signature does not verify");
        return;
    }
    payment_notice n = {.provider = "sandbox"};
    bool has_order, has_amount;
    if (!body_only(r, r->json, allowed) || !body_int(r, r->json, "order_id", &n.order_id, &has_order) ||
        !body_int(r, r->json, "amount", &n.amount, &has_amount) || !body_str(r, r->json, "transaction_id", &n.transaction, true))
        return;
    if (!has_order || !has_amount || !*n.transaction || strlen(n.transaction) > 64) {
        api_problem(r, 400, !has_order ? "order_id" : !has_amount ? "amount" : "transaction_id",
                    "order_id, amount (fen) and transaction_id (1 to 64 characters) are required");
        return;
    }
    payment_result res;
    if (mall_order_pay(&r->x, &n, &res)) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kint(&w, "order_id", n.order_id);
    jw_kstr(&w, "status", "paid");
    jw_kbool(&w, "replay", res.replay);
    jw_obj_end(&w);
}
