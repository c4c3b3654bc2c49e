/* WeChat Pay API v3 merchant calls: the request signature, JSAPI prepay, the answer's signature, the page's pay parameters. */
#include "pay_wechat_api.h"
#include "../base/alloc.h"
#include "../base/arena.h"
#include "../base/buf.h"
#include "../base/crypto.h"
#include "../base/httpc.h"
#include "../base/json.h"
#include "../base/timeutil.h"
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PREPAY_PATH "/v3/pay/transactions/jsapi"
#define REFUND_PATH "/v3/refund/domestic/refunds"
#define CERTIFICATES_PATH "/v3/certificates"

struct wechatpay_merchant {
    crypto_privkey *key; /* owned */
    char serial[80], mchid[40], appid[40], notify_url[256], base[256];
};

static bool loopback_http(const char *url) {
    static const char *const ok[] = {"http://127.0.0.1:", "http://127.0.0.1/", "http://localhost:", "http://localhost/", "http://[::1]:"};
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
        if (strncmp(url, ok[i], strlen(ok[i])) == 0) return true;
    return false;
}

wechatpay_merchant *wechatpay_merchant_load(const char *key_path, const char *serial, const char *mchid, const char *appid,
                                            const char *notify_url, const char *api_base, char *err, size_t errsz) {
    if (!serial || !*serial || strlen(serial) >= 80 || strspn(serial, "0123456789ABCDEFabcdef") != strlen(serial)) {
        snprintf(err, errsz, "the merchant certificate's serial (hex) is needed");
        return NULL;
    }
    if (!mchid || !*mchid || strlen(mchid) > 32 || strspn(mchid, "0123456789") != strlen(mchid)) {
        snprintf(err, errsz, "the merchant id (up to 32 digits) is needed to call WeChat Pay");
        return NULL;
    }
    if (!appid || !*appid || strlen(appid) > 32) {
        snprintf(err, errsz, "the app id payments are made in (up to 32 characters) is needed");
        return NULL;
    }
    if (!notify_url || strncmp(notify_url, "https://", 8) != 0 || strlen(notify_url) > 255 || strchr(notify_url, '?')) {
        snprintf(err, errsz, "the notify URL must be the public https URL of /api/v1/payments/wechatpay/notify, without a query");
        return NULL;
    }
    const char *base = api_base && *api_base ? api_base : WECHATPAY_API_BASE;
    if (strlen(base) > 255 || (strncmp(base, "https://", 8) != 0 && !loopback_http(base))) {
        snprintf(err, errsz, "the API base must be an https URL (or http on this machine)");
        return NULL;
    }
    size_t n;
    char *pem = wechatpay_read_pem(key_path, "merchant key", &n, err, errsz);
    if (!pem) return NULL;
    const char *why = NULL;
    crypto_privkey *k = crypto_privkey_from_pem(pem, n, &why);
    crypto_wipe(pem, n);
    free(pem);
    if (!k) {
        snprintf(err, errsz, "the merchant key: %s", why);
        return NULL;
    }
    wechatpay_merchant *m = yt_calloc(1, sizeof *m);
    m->key = k;
    snprintf(m->serial, sizeof m->serial, "%s", serial);
    snprintf(m->mchid, sizeof m->mchid, "%s", mchid);
    snprintf(m->appid, sizeof m->appid, "%s", appid);
    snprintf(m->notify_url, sizeof m->notify_url, "%s", notify_url);
    snprintf(m->base, sizeof m->base, "%s", base);
    size_t bl = strlen(m->base);
    if (bl && m->base[bl - 1] == '/') m->base[bl - 1] = '\0';
    return m;
}

void wechatpay_merchant_free(wechatpay_merchant *m) {
    if (!m) return;
    crypto_privkey_free(m->key);
    free(m);
}

const char *wechatpay_merchant_appid(const wechatpay_merchant *m) { return m->appid; }

/* 32 hex characters of randomness */
static void nonce32(char out[33]) {
    char tok[64];
    crypto_random_token("", tok, sizeof tok);
    char h[YT_HASH_HEX];
    crypto_hash_hex(tok, strlen(tok), h); /* hex of a hash: letters and digits only */
    memcpy(out, h, 32);
    out[32] = '\0';
}

/* Sends method (POST with body, or GET with none) to path with the merchant's signature (Authorization:
 * WECHATPAY2-SHA256-RSA2048 over "METHOD\npath\ntimestamp\nnonce\nbody\n", the body empty for a GET) and
 * extra_header ("Name: value", NULL: none); false with res->error when no answer came (or the key failed). */
static bool signed_call(const wechatpay_merchant *m, const char *method, const char *path, const char *body, size_t n,
                        const char *extra_header, httpc_response *res) {
    char nonce[33], ts[24], sig[512];
    nonce32(nonce);
    snprintf(ts, sizeof ts, "%lld", (long long)(now_ms() / 1000));
    yt_buf msg = YT_BUF_INIT;
    buf_printf(&msg, "%s\n%s\n%s\n%s\n", method, path, ts, nonce);
    buf_append(&msg, body, n);
    buf_putc(&msg, '\n');
    bool signed_ok = crypto_privkey_sign_sha256_b64(m->key, msg.p, msg.len, sig, sizeof sig);
    buf_free(&msg);
    if (!signed_ok) {
        memset(res, 0, sizeof *res);
        snprintf(res->error, sizeof res->error, "the merchant key could not sign the request");
        return false;
    }
    char auth[900], url[300];
    snprintf(auth, sizeof auth,
             "Authorization: " WECHATPAY_SIGNATURE_TYPE " mchid=\"%s\",nonce_str=\"%s\",signature=\"%s\",timestamp=\"%s\",serial_no=\"%s\"",
             m->mchid, nonce, sig, ts, m->serial);
    snprintf(url, sizeof url, "%s%s", m->base, path);
    const char *headers[5] = {auth, "Accept: application/json"}, **h = headers + 2;
    if (body) *h++ = "Content-Type: application/json";
    if (extra_header) *h++ = extra_header;
    return httpc_request(method, url, headers, body, n, WECHATPAY_API_TIMEOUT_MS, res);
}

/* The Wechatpay-* headers of an answer into h, their text in the buffers given. */
typedef struct {
    char ts[24], nonce[80], sig[700], serial[80], type[40];
} answer_headers;
static void read_answer_headers(const httpc_response *res, answer_headers *b, wechatpay_headers *h) {
    *h = (wechatpay_headers){
        .timestamp = httpc_header(res, "Wechatpay-Timestamp", b->ts, sizeof b->ts) ? b->ts : NULL,
        .nonce = httpc_header(res, "Wechatpay-Nonce", b->nonce, sizeof b->nonce) ? b->nonce : NULL,
        .signature = httpc_header(res, "Wechatpay-Signature", b->sig, sizeof b->sig) ? b->sig : NULL,
        .serial = httpc_header(res, "Wechatpay-Serial", b->serial, sizeof b->serial) ? b->serial : NULL,
        .signature_type = httpc_header(res, "Wechatpay-Signature-Type", b->type, sizeof b->type) ? b->type : NULL};
}

/* Whether the platform's signature over the answer verifies (the Wechatpay-* headers, as for notifications);
 * why says what is wrong otherwise. */
static bool answer_signed(const wechatpay *platform, const httpc_response *res, char *why, size_t cap) {
    answer_headers b;
    wechatpay_headers h;
    read_answer_headers(res, &b, &h);
    yt_arena arena = {0};
    yt_ctx v = {.arena = &arena};
    bool ok = wechatpay_verify(&v, platform, &h, res->body.p, res->body.len, now_ms() / 1000) == YT_OK;
    if (!ok) snprintf(why, cap, "%s: %s", v.err.field, v.err.msg);
    arena_free(&arena);
    return ok;
}

int wechatpay_fetch_certificates(const wechatpay_merchant *m, wechatpay *platform, char *why, size_t cap) {
    httpc_response res;
    int n = -1;
    if (!signed_call(m, "GET", CERTIFICATES_PATH, NULL, 0, NULL, &res)) snprintf(why, cap, "WeChat Pay could not be reached: %s", res.error);
    else if (res.status != 200) snprintf(why, cap, "WeChat Pay answered HTTP %ld: %.160s", res.status, res.body.p ? res.body.p : "");
    else {
        answer_headers b;
        wechatpay_headers h;
        read_answer_headers(&res, &b, &h);
        n = wechatpay_take_certificates(platform, &h, res.body.p, res.body.len, now_ms(), why, cap);
    }
    httpc_response_free(&res);
    return n;
}

/* "2026-12-12T20:00:00+08:00": RFC 3339 in Beijing time, as WeChat Pay writes it */
static void beijing_time(int64_t ms, char out[32]) {
    time_t t = (time_t)(ms / 1000 + 8 * 3600);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(out, 32, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
}

/* At most max bytes of s, ending at a UTF-8 character's end. */
static size_t utf8_cut(const char *s, size_t max) {
    size_t n = strlen(s);
    if (n <= max) return n;
    while (max > 0 && ((unsigned char)s[max] & 0xC0) == 0x80) max--;
    return max;
}

int wechatpay_jsapi_prepay(yt_ctx *x, const wechatpay_merchant *m, const wechatpay *platform, const wechatpay_prepay_in *in,
                           wechatpay_pay_params *out) {
    memset(out, 0, sizeof *out);
    yt_buf body = YT_BUF_INIT;
    yt_jw w;
    jw_init(&w, &body);
    char expire[32];
    beijing_time(in->expires_ms, expire);
    jw_obj(&w);
    jw_kstr(&w, "appid", m->appid);
    jw_kstr(&w, "mchid", m->mchid);
    jw_key(&w, "description");
    jw_strn(&w, in->description, utf8_cut(in->description, 127));
    jw_kstr(&w, "out_trade_no", in->out_trade_no);
    jw_kstr(&w, "time_expire", expire);
    jw_kstr(&w, "notify_url", m->notify_url);
    jw_key(&w, "amount");
    jw_obj(&w);
    jw_kint(&w, "total", in->total);
    jw_kstr(&w, "currency", "CNY");
    jw_obj_end(&w);
    jw_key(&w, "payer");
    jw_obj(&w);
    jw_kstr(&w, "openid", in->openid);
    jw_obj_end(&w);
    jw_obj_end(&w);
    httpc_response res;
    bool answered = signed_call(m, "POST", PREPAY_PATH, body.p, body.len, NULL, &res);
    buf_free(&body);
    int rc = YT_OK;
    cJSON *doc = answered ? cJSON_ParseWithLength(res.body.p, res.body.len) : NULL;
    if (!answered) rc = yt_fail(x, 502, "wechatpay", "WeChat Pay could not be reached (%s); nothing was charged, try again", res.error);
    else if (res.status != 200) {
        const cJSON *code = cJSON_GetObjectItemCaseSensitive(doc, "code"), *message = cJSON_GetObjectItemCaseSensitive(doc, "message");
        const char *c = cJSON_IsString(code) ? code->valuestring : "", *why = cJSON_IsString(message) ? message->valuestring : "";
        if (strcmp(c, "ORDERPAID") == 0 || strcmp(c, "ORDER_CLOSED") == 0)
            rc = yt_fail(x, YT_ECONFLICT, "status", "WeChat Pay says the order is %s", c[5] == 'P' ? "paid already" : "closed");
        else rc = yt_fail(x, 502, "wechatpay", "WeChat Pay refused the payment: HTTP %ld %.40s %.120s", res.status, c, why);
    } else {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "prepay_id");
        char why[200];
        if (!answer_signed(platform, &res, why, sizeof why))
            rc = yt_fail(x, 502, "wechatpay", "WeChat Pay's answer is not signed by the platform key (%s)", why);
        else if (!cJSON_IsString(id) || !*id->valuestring || strlen(id->valuestring) > 64)
            rc = yt_fail(x, 502, "wechatpay", "WeChat Pay's answer has no prepay_id");
        else {
            snprintf(out->app_id, sizeof out->app_id, "%s", m->appid);
            snprintf(out->time_stamp, sizeof out->time_stamp, "%lld", (long long)(now_ms() / 1000));
            nonce32(out->nonce_str);
            snprintf(out->package, sizeof out->package, "prepay_id=%s", id->valuestring);
            snprintf(out->sign_type, sizeof out->sign_type, "RSA");
            yt_buf pm = YT_BUF_INIT;
            buf_printf(&pm, "%s\n%s\n%s\n%s\n", out->app_id, out->time_stamp, out->nonce_str, out->package);
            if (!crypto_privkey_sign_sha256_b64(m->key, pm.p, pm.len, out->pay_sign, sizeof out->pay_sign))
                rc = yt_fail(x, YT_EINTERNAL, NULL, "the merchant key could not sign the payment");
            buf_free(&pm);
        }
    }
    cJSON_Delete(doc);
    httpc_response_free(&res);
    return rc;
}

static int refund_answer(const wechatpay *platform, bool answered, httpc_response *res, wechatpay_refund_out *out);

int wechatpay_refund(const wechatpay_merchant *m, const wechatpay *platform, const wechatpay_refund_in *in, wechatpay_refund_out *out) {
    memset(out, 0, sizeof *out);
    yt_buf body = YT_BUF_INIT;
    yt_jw w;
    jw_init(&w, &body);
    jw_obj(&w);
    jw_kstr(&w, "out_trade_no", in->out_trade_no);
    jw_kstr(&w, "out_refund_no", in->out_refund_no);
    if (in->reason && *in->reason) {
        jw_key(&w, "reason");
        jw_strn(&w, in->reason, utf8_cut(in->reason, 80));
    }
    jw_kstr(&w, "notify_url", m->notify_url);
    jw_key(&w, "amount");
    jw_obj(&w);
    jw_kint(&w, "refund", in->refund);
    jw_kint(&w, "total", in->total);
    jw_kstr(&w, "currency", "CNY");
    jw_obj_end(&w);
    jw_obj_end(&w);
    httpc_response res;
    bool answered = signed_call(m, "POST", REFUND_PATH, body.p, body.len, NULL, &res);
    buf_free(&body);
    return refund_answer(platform, answered, &res, out);
}

int wechatpay_refund_query(const wechatpay_merchant *m, const wechatpay *platform, const char *out_refund_no, wechatpay_refund_out *out) {
    memset(out, 0, sizeof *out);
    char path[160];
    snprintf(path, sizeof path, "%s/%s", REFUND_PATH, out_refund_no); /* ours: letters and digits only */
    httpc_response res;
    bool answered = signed_call(m, "GET", path, NULL, 0, NULL, &res);
    return refund_answer(platform, answered, &res, out);
}

/* What WeChat Pay's answer about a refund says (see wechatpay_refund); frees the answer. */
static int refund_answer(const wechatpay *platform, bool answered, httpc_response *res, wechatpay_refund_out *out) {
    cJSON *doc = answered ? cJSON_ParseWithLength(res->body.p, res->body.len) : NULL;
    const cJSON *code = cJSON_GetObjectItemCaseSensitive(doc, "code"), *message = cJSON_GetObjectItemCaseSensitive(doc, "message");
    const cJSON *status = cJSON_GetObjectItemCaseSensitive(doc, "status");
    int rc;
    char why[200];
    if (!answered) {
        snprintf(out->note, sizeof out->note, "not reached: %s", res->error);
        rc = -1;
    } else if (res->status >= 500 || res->status == 429) { /* WeChat Pay's trouble, or too fast: later */
        snprintf(out->note, sizeof out->note, "HTTP %ld %.40s", res->status, cJSON_IsString(code) ? code->valuestring : "");
        rc = -1;
    } else if (res->status != 200) { /* refused: the same request would be refused again */
        snprintf(out->note, sizeof out->note, "%.40s: %.140s", cJSON_IsString(code) ? code->valuestring : "refused",
                 cJSON_IsString(message) ? message->valuestring : "");
        rc = 1;
    } else if (!answer_signed(platform, res, why, sizeof why)) { /* not WeChat Pay's word: ask again */
        snprintf(out->note, sizeof out->note, "answer not signed by the platform key (%.150s)", why);
        rc = -1;
    } else if (!cJSON_IsString(status) || strlen(status->valuestring) >= sizeof out->status) {
        snprintf(out->note, sizeof out->note, "answer without a refund status");
        rc = -1;
    } else {
        const cJSON *id = cJSON_GetObjectItemCaseSensitive(doc, "refund_id");
        snprintf(out->status, sizeof out->status, "%s", status->valuestring);
        if (cJSON_IsString(id) && strlen(id->valuestring) < sizeof out->refund_id &&
            strspn(id->valuestring, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz") == strlen(id->valuestring))
            snprintf(out->refund_id, sizeof out->refund_id, "%s", id->valuestring); /* it goes into a path */
        rc = 0;
    }
    cJSON_Delete(doc);
    httpc_response_free(res);
    return rc;
}

int wechatpay_abnormal_refund(yt_ctx *x, const wechatpay_merchant *m, const wechatpay *platform, const wechatpay_abnormal_in *in,
                              wechatpay_refund_out *out) {
    /* WeChat Pay's refund_id, and its word that the refund is ABNORMAL now */
    int rc = wechatpay_refund_query(m, platform, in->out_refund_no, out);
    if (rc != 0) return yt_fail(x, 502, "wechatpay", "WeChat Pay could not say how the refund stands (%s); nothing was asked, try again", out->note);
    if (strcmp(out->status, "ABNORMAL") != 0)
        return yt_fail(x, YT_ECONFLICT, "provider_status", "WeChat Pay says the refund is %s now, not ABNORMAL; nothing was asked", out->status);
    if (!out->refund_id[0]) return yt_fail(x, 502, "wechatpay", "WeChat Pay's answer about the refund has no refund_id; nothing was asked");
    bool to_user = strcmp(in->type, "USER_BANK_CARD") == 0;
    char sealed[2][WECHATPAY_SEALED_LEN], serial[WECHATPAY_SERIAL_LEN], header[WECHATPAY_SERIAL_LEN + 20];
    const char *plain[] = {in->bank_account, in->real_name};
    if (to_user && !wechatpay_seal(platform, plain, 2, sealed, serial, now_ms()))
        return yt_fail(x, 502, "wechatpay", "no platform key with a serial is held to encrypt the bank account with"
                                            " (set YUTANG_WECHATPAY_PLATFORM_SERIAL, or let the certificates download)");
    yt_buf body = YT_BUF_INIT;
    yt_jw w;
    jw_init(&w, &body);
    jw_obj(&w);
    jw_kstr(&w, "out_refund_no", in->out_refund_no);
    jw_kstr(&w, "type", in->type);
    if (to_user) {
        jw_kstr(&w, "bank_type", in->bank_type);
        jw_kstr(&w, "bank_account", sealed[0]);
        jw_kstr(&w, "real_name", sealed[1]);
        snprintf(header, sizeof header, "Wechatpay-Serial: %s", serial);
    }
    jw_obj_end(&w);
    char path[200];
    snprintf(path, sizeof path, "%s/%s/apply-abnormal-refund", REFUND_PATH, out->refund_id);
    httpc_response res;
    bool answered = signed_call(m, "POST", path, body.p, body.len, to_user ? header : NULL, &res);
    buf_free(&body);
    memset(out, 0, sizeof *out);
    rc = refund_answer(platform, answered, &res, out);
    if (rc == -1) return yt_fail(x, 502, "wechatpay", "WeChat Pay did not take it (%s); ask again: one out_refund_no is one refund", out->note);
    if (rc == 1) return yt_fail(x, 502, "wechatpay", "WeChat Pay refused it: %s", out->note);
    return YT_OK;
}
