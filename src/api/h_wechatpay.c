/* Handler: WeChat Pay API v3 notifications. Payments are verified, decrypted and recorded once; refund outcomes
 * are verified and decrypted the same way and settle the refund they name, once. */
#include "handlers.h"
#include "server.h"
#include "../base/log.h"
#include "../base/timeutil.h"
#include "../commerce/flash.h"
#include "../commerce/mall_order.h"
#include "../commerce/pay_wechat_api.h"
#include "../commerce/refund.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A refusal, which WeChat Pay takes as "send it again later" (any 4xx or 5xx; it reads {"code":"FAIL",
 * "message"}, carried as extension members of our problem), naming the header or field at fault. Logged
 * with our own words only: nothing from the decrypted resource. */
static void refuse(yt_req *r, int status, const char *field, const char *detail) {
    log_error("wechatpay notification refused (%d): %s: %s", status, field ? field : "-", detail);
    api_problem_with(r, status, field, detail, &(problem_extra){.position = -1, .code = "FAIL"});
}

/* The error a domain call left in r->x.err; the domain's fields become the resource's. */
static void refuse_err(yt_req *r) {
    yt_err *e = &r->x.err;
    int status = e->code >= 400 && e->code < 600 ? e->code : 500;
    const char *field = e->field[0] ? e->field : NULL;
    if (field && strcmp(field, "order_id") == 0) field = "resource.out_trade_no";
    else if (field && strcmp(field, "amount") == 0) field = "resource.amount.total";
    else if (field && strcmp(field, "refund_amount") == 0) field = "resource.amount.refund";
    else if (field && strcmp(field, "out_refund_no") == 0) field = "resource.out_refund_no";
    refuse(r, status, field, e->msg[0] ? e->msg : "the notification was not recorded");
}

static const char *member_str(const cJSON *obj, const char *key) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

/* A whole number of fen from 0 to 2^53 at obj.key, or false. */
static bool member_fen(const cJSON *obj, const char *key, int64_t *out) {
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < 0 || v->valuedouble > 9007199254740992.0 ||
        floor(v->valuedouble) != v->valuedouble)
        return false;
    *out = (int64_t)v->valuedouble;
    return true;
}

/* TRANSACTION.SUCCESS: the payment of out_trade_no's order, recorded once (mall_order_pay). */
static void apply_payment(yt_req *r, const wechatpay *p, const char *event, const cJSON *res) {
    const char *mchid = member_str(res, "mchid"), *trade_state = member_str(res, "trade_state");
    const char *out_trade_no = member_str(res, "out_trade_no"), *txn = member_str(res, "transaction_id");
    const cJSON *amount = cJSON_GetObjectItemCaseSensitive(res, "amount");
    const char *currency = cJSON_IsObject(amount) ? member_str(amount, "currency") : NULL;
    payment_notice n = {.provider = "wechatpay"};
    if (*wechatpay_mchid(p) && (!mchid || strcmp(mchid, wechatpay_mchid(p)) != 0)) {
        refuse(r, 400, "resource.mchid", "the payment is to another merchant than YUTANG_WECHATPAY_MCHID");
        return;
    }
    if (!trade_state || strcmp(trade_state, "SUCCESS") != 0) {
        refuse(r, 400, "resource.trade_state", "a TRANSACTION.SUCCESS notification must say trade_state SUCCESS");
        return;
    }
    if (!out_trade_no || !wechatpay_order_id(out_trade_no, &n.order_id)) {
        refuse(r, 404, "resource.out_trade_no", "out_trade_no names no order of ours (yt and the order id, 10 digits or more)");
        return;
    }
    if (!txn || !*txn || strlen(txn) > 64) {
        refuse(r, 400, "resource.transaction_id", "transaction_id must be 1 to 64 characters");
        return;
    }
    n.transaction = txn;
    if (!cJSON_IsObject(amount) || !member_fen(amount, "total", &n.amount)) {
        refuse(r, 400, "resource.amount.total", "amount.total must be a whole number of fen");
        return;
    }
    if (!currency || strcmp(currency, "CNY") != 0) {
        refuse(r, 400, "resource.amount.currency", "only CNY payments are recorded");
        return;
    }
    /* everything above ran without the writer (ROUTE_READER); it is held only to record the payment */
    yt_db *reader = api_writer_take(r);
    if (!reader) {
        refuse(r, 503, NULL, "the store is not reachable");
        return;
    }
    payment_result pr;
    int rc = mall_order_pay(&r->x, &n, &pr);
    api_writer_give_back(r, reader);
    if (rc) {
        refuse_err(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kstr(&w, "event_type", event);
    jw_kbool(&w, "applied", true);
    jw_kint(&w, "order_id", n.order_id);
    jw_kstr(&w, "status", "paid");
    jw_kbool(&w, "replay", pr.replay);
    jw_obj_end(&w);
}

/* POST /api/v1/payments/wechatpay/notify: headers Wechatpay-Timestamp, -Nonce, -Signature, -Serial (and
 * -Signature-Type); body {id, create_time, event_type, resource_type, summary, resource: {algorithm,
 * ciphertext, associated_data, nonce, original_type}}. Nothing in it is believed before the signature
 * verifies, and nothing is written but a payment, once. */
/* A refund's outcome (REFUND.SUCCESS; REFUND.ABNORMAL and REFUND.CLOSED are failures) settles the refund its
 * out_refund_no names, the amount checked; any other type is acknowledged and not applied. The log names the
 * type and our ids, never the payer or the receiving account. */
static void apply_refund(yt_req *r, const wechatpay *p, const char *event, const cJSON *res, const char *note) {
    const char *mchid = member_str(res, "mchid");
    if (*wechatpay_mchid(p) && mchid && strcmp(mchid, wechatpay_mchid(p)) != 0) {
        refuse(r, 400, "resource.mchid", "the notification is for another merchant than YUTANG_WECHATPAY_MCHID");
        return;
    }
    bool success = strcmp(event, "REFUND.SUCCESS") == 0;
    bool outcome = success || strcmp(event, "REFUND.ABNORMAL") == 0 || strcmp(event, "REFUND.CLOSED") == 0;
    int64_t refund = 0, round = 1, amount = -1;
    if (outcome && !wechatpay_refund_id(member_str(res, "out_refund_no"), &refund, &round)) {
        refuse(r, 400, "resource.out_refund_no", "out_refund_no must name one of our refunds (ytr and its id, and -round when asked again)");
        return;
    }
    const cJSON *am = cJSON_GetObjectItemCaseSensitive(res, "amount");
    if (outcome && cJSON_IsObject(am) && cJSON_GetObjectItemCaseSensitive(am, "refund") && !member_fen(am, "refund", &amount)) {
        refuse(r, 400, "resource.amount.refund", "amount.refund must be a whole number of fen");
        return;
    }
    bool replay = false;
    if (outcome) {
        yt_db *reader = api_writer_take(r);
        if (!reader) {
            refuse(r, 503, NULL, "the store is not reachable");
            return;
        }
        int rc = mall_refund_settle(&r->x, refund, round, success, event + strlen("REFUND."), amount, &replay);
        api_writer_give_back(r, reader);
        if (rc) {
            refuse_err(r);
            return;
        }
    }
    log_info("wechatpay notification %s (%s) %s: refund %lld", note, event, outcome ? "applied" : "acknowledged, not applied",
             (long long)refund);
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kstr(&w, "event_type", event);
    jw_kbool(&w, "applied", outcome);
    if (outcome) {
        jw_kint(&w, "refund_id", refund);
        jw_kbool(&w, "replay", replay);
    }
    jw_obj_end(&w);
}

void h_payment_wechatpay_notify(yt_req *r) {
    const wechatpay *p = r->server->wechatpay;
    if (!p) {
        api_problem(r, 404, NULL, "the WeChat Pay provider is off (YUTANG_WECHATPAY_APIV3_KEY, YUTANG_WECHATPAY_PLATFORM_KEY)");
        return;
    }
    wechatpay_headers h = {
        .timestamp = api_header(r, "Wechatpay-Timestamp"),
        .nonce = api_header(r, "Wechatpay-Nonce"),
        .signature = api_header(r, "Wechatpay-Signature"),
        .serial = api_header(r, "Wechatpay-Serial"),
        .signature_type = api_header(r, "Wechatpay-Signature-Type"),
    };
    if (wechatpay_verify(&r->x, p, &h, r->body, r->body_len, now_ms() / 1000)) {
        refuse_err(r);
        return;
    }
    const char *id = member_str(r->json, "id"), *event = member_str(r->json, "event_type");
    const char *resource_type = member_str(r->json, "resource_type");
    const cJSON *resource = cJSON_GetObjectItemCaseSensitive(r->json, "resource");
    if (!event || !*event || strlen(event) > 64) {
        refuse(r, 400, "event_type", "event_type must be a notification type (TRANSACTION.SUCCESS, REFUND.SUCCESS, ...)");
        return;
    }
    if (!resource_type || strcmp(resource_type, "encrypt-resource") != 0 || !cJSON_IsObject(resource)) {
        refuse(r, 400, !cJSON_IsObject(resource) ? "resource" : "resource_type",
               "the notification must carry an encrypt-resource object in resource");
        return;
    }
    size_t len;
    char *plain = wechatpay_decrypt(&r->x, p, member_str(resource, "algorithm"), member_str(resource, "ciphertext"),
                                    member_str(resource, "nonce"), member_str(resource, "associated_data"), &len);
    if (!plain) {
        refuse_err(r);
        return;
    }
    cJSON *res = cJSON_ParseWithLength(plain, len);
    free(plain);
    if (!cJSON_IsObject(res)) {
        cJSON_Delete(res);
        refuse(r, 400, "resource.ciphertext", "the decrypted resource is not a JSON object");
        return;
    }
    char note[64];
    snprintf(note, sizeof note, "%.60s", id ? id : "-");
    if (strcmp(event, "TRANSACTION.SUCCESS") == 0) {
        apply_payment(r, p, event, res);
    } else {
        apply_refund(r, p, event, res, note);
    }
    cJSON_Delete(res);
}

/* The merchant's settings for calling WeChat Pay, or NULL after a 404 when they are not set up
 * (YUTANG_WECHATPAY_MERCHANT_KEY and the rest); its type ends in payments-off, telling it from a missing order. */
static const wechatpay_merchant *merchant_or_404(yt_req *r) {
    const wechatpay_merchant *m = r->server->wechatpay_merchant;
    if (!m)
        api_problem_with(r, 404, NULL, "WeChat Pay payments are not set up on this server",
                         &(problem_extra){.position = -1, .slug = "payments-off"});
    return m;
}

/* A member pays their own pending order with WeChat Pay from a page opened in WeChat: JSAPI prepay, then the
 * parameters the page hands to WeixinJSBridge. The payment itself is recorded when WeChat Pay's notification
 * comes. 404 when calling WeChat Pay is not set up (YUTANG_WECHATPAY_MERCHANT_KEY and the rest). */
void h_member_wechatpay_prepay(yt_req *r) {
    int64_t me = api_member(r), id = api_param_id(r, 0);
    if (!me || !id) return;
    const wechatpay_merchant *m = merchant_or_404(r);
    if (!m) return;
    payable_order o;
    if (mall_order_payable(&r->x, id, me, wechatpay_merchant_appid(m), &o)) {
        api_fail(r);
        return;
    }
    if (!o.openid[0]) {
        api_problem(r, 422, "openid", "WeChat Pay needs the member's openid: open the page from WeChat (公众号 or 小程序)");
        return;
    }
    char trade[WECHATPAY_TRADE_NO_LEN];
    wechatpay_out_trade_no(id, trade);
    wechatpay_prepay_in in = {.description = o.description, .out_trade_no = trade, .openid = o.openid, .total = o.total,
                              .expires_ms = o.pay_by ? o.pay_by : now_ms() + 7200000};
    wechatpay_pay_params pp;
    if (wechatpay_jsapi_prepay(&r->x, m, r->server->wechatpay, &in, &pp)) {
        if (r->x.err.code == 502) log_error("wechatpay prepay for order %lld failed: %s", (long long)id, r->x.err.msg);
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    jw_obj(&w);
    jw_kint(&w, "order_id", id);
    jw_kstr(&w, "out_trade_no", trade);
    jw_kint(&w, "total", o.total);
    jw_key(&w, "pay_params");
    jw_obj(&w);
    jw_kstr(&w, "appId", pp.app_id);
    jw_kstr(&w, "timeStamp", pp.time_stamp);
    jw_kstr(&w, "nonceStr", pp.nonce_str);
    jw_kstr(&w, "package", pp.package);
    jw_kstr(&w, "signType", pp.sign_type);
    jw_kstr(&w, "paySign", pp.pay_sign);
    jw_obj_end(&w);
    jw_obj_end(&w);
}

/* {type, bank_type, bank_account, real_name}: a refund WeChat Pay holds as ABNORMAL (the buyer's card frozen or
 * closed) paid out another way: to the buyer's debit card (USER_BANK_CARD, with the card's bank, number and
 * holder) or to the merchant's own account (MERCHANT_BANK_CARD, nothing else). ROUTE_READER: WeChat Pay is
 * asked without the writer, which is taken only to record its answer. The card's number and holder go to
 * WeChat Pay encrypted and are neither kept nor logged. */
void h_mall_refund_abnormal(yt_req *r) {
    static const char *const allowed[] = {"type", "bank_type", "bank_account", "real_name", NULL};
    int64_t id = api_param_id(r, 0), refund_id = api_param_id(r, 1), round = 0;
    const char *type = NULL, *bank_type = NULL, *account = NULL, *name = NULL;
    if (!id || !refund_id || !body_only(r, r->json, allowed) || !body_str(r, r->json, "type", &type, true) ||
        !body_str(r, r->json, "bank_type", &bank_type, false) || !body_str(r, r->json, "bank_account", &account, false) ||
        !body_str(r, r->json, "real_name", &name, false))
        return;
    bool to_user = strcmp(type, "USER_BANK_CARD") == 0;
    if (!to_user && strcmp(type, "MERCHANT_BANK_CARD") != 0) {
        api_problem(r, 400, "type", "type must be USER_BANK_CARD (the buyer's debit card) or MERCHANT_BANK_CARD (the merchant's account)");
        return;
    }
    if (to_user) {
        size_t bl = bank_type ? strlen(bank_type) : 0, al = account ? strlen(account) : 0;
        if (!bl || bl > 16 || strspn(bank_type, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_") != bl) {
            api_problem(r, 400, "bank_type", "bank_type is WeChat Pay's bank code of the debit card, e.g. ICBC_DEBIT (up to 16 of A-Z, 0-9, _)");
            return;
        }
        if (al < 10 || al > 30 || strspn(account, "0123456789") != al) {
            api_problem(r, 400, "bank_account", "bank_account must be the card's number: 10 to 30 digits");
            return;
        }
        if (yt_check_text(&r->x, "real_name", name ? name : "", 1, 50)) {
            api_fail(r);
            return;
        }
    } else if (bank_type || account || name) {
        api_problem(r, 400, bank_type ? "bank_type" : account ? "bank_account" : "real_name",
                    "a refund to the merchant's account takes no card: leave out bank_type, bank_account and real_name");
        return;
    }
    const wechatpay_merchant *m = merchant_or_404(r);
    if (!m) return;
    if (mall_refund_abnormal_of(&r->x, id, refund_id, &round)) { /* on this thread's connection */
        api_fail(r);
        return;
    }
    char refund_no[WECHATPAY_TRADE_NO_LEN];
    wechatpay_out_refund_no(refund_id, round, refund_no);
    wechatpay_abnormal_in in = {.out_refund_no = refund_no, .type = type, .bank_type = bank_type, .bank_account = account, .real_name = name};
    wechatpay_refund_out out;
    if (wechatpay_abnormal_refund(&r->x, m, r->server->wechatpay, &in, &out)) {
        if (r->x.err.code == 502) log_error("wechatpay abnormal refund for refund %lld failed: %s", (long long)refund_id, r->x.err.msg);
        api_fail(r);
        return;
    }
    yt_db *reader = api_writer_take(r);
    if (!reader) {
        log_error("refund %lld: WeChat Pay took it to pay out another way, but the store is not reachable to record it", (long long)refund_id);
        api_problem(r, 503, NULL, "WeChat Pay took it, but the store is not reachable; its notification will settle the refund");
        return;
    }
    int rc = mall_refund_abnormal_applied(&r->x, id, refund_id, round, type, to_user ? bank_type : NULL, out.status);
    api_writer_give_back(r, reader);
    if (rc) {
        api_fail(r);
        return;
    }
    yt_jw w;
    api_json(r, 200, &w);
    if (mall_refund_json(&r->x, &w, id, refund_id)) api_fail(r);
}
