/* WeChat Pay API v3 calls the merchant makes: JSAPI prepay (统一下单 for a page opened in WeChat), refunds and
 * the platform certificates' download. Each request
 * is signed with the merchant's private key (Authorization: WECHATPAY2-SHA256-RSA2048 over "method\npath\n
 * timestamp\nnonce\nbody\n"), each answer believed only once the platform's signature over it verifies, and
 * the page gets the parameters it hands to WeixinJSBridge (getBrandWCPayRequest), signed the same way. */
#ifndef YT_PAY_WECHAT_API_H
#define YT_PAY_WECHAT_API_H
#include "pay_wechat.h"

#define WECHATPAY_API_BASE "https://api.mch.weixin.qq.com"
#define WECHATPAY_API_TIMEOUT_MS 8000

/* The merchant's credentials for calling WeChat Pay; owned by whoever made it, read by any thread. */
typedef struct wechatpay_merchant wechatpay_merchant;

/* From the merchant's private key file (apiclient_key.pem), its certificate's serial, the merchant id, the
 * app id payments are made in (a service account's or a mini program's), the public URL of
 * /api/v1/payments/wechatpay/notify, and the API's base (NULL or "": WECHATPAY_API_BASE; https, or http only to
 * this machine). NULL with err filled when something is missing or wrong. */
wechatpay_merchant *wechatpay_merchant_load(const char *key_path, const char *serial, const char *mchid, const char *appid,
                                            const char *notify_url, const char *api_base, char *err, size_t errsz);
void wechatpay_merchant_free(wechatpay_merchant *m);
/* The app id payments are made in. */
const char *wechatpay_merchant_appid(const wechatpay_merchant *m);

typedef struct {
    const char *description;  /* what is bought (cut to 127 bytes at a character's end) */
    const char *out_trade_no;
    const char *openid;       /* the payer in the merchant's app id */
    int64_t total;            /* fen */
    int64_t expires_ms;       /* after this the payment is refused (the order's pay_by) */
} wechatpay_prepay_in;

/* What a page hands to WeixinJSBridge.invoke('getBrandWCPayRequest', ...). */
typedef struct {
    char app_id[40], time_stamp[24], nonce_str[48], package[128], sign_type[8], pay_sign[512];
} wechatpay_pay_params;

/* Calls JSAPI prepay and makes the page's parameters. 502 on "wechatpay" when WeChat Pay cannot be reached,
 * refuses (its code and message in the detail), or answers without the platform's valid signature; 409 on
 * "status" when it says the order is paid or closed already. */
int wechatpay_jsapi_prepay(yt_ctx *x, const wechatpay_merchant *m, const wechatpay *platform, const wechatpay_prepay_in *in,
                           wechatpay_pay_params *out);

typedef struct {
    const char *out_trade_no, *out_refund_no, *reason; /* reason: cut to 80 bytes */
    int64_t refund, total;                              /* fen: this refund, and what the order was paid */
} wechatpay_refund_in;

typedef struct {
    char status[16]; /* WeChat Pay's refund status when it answered: SUCCESS, PROCESSING, ABNORMAL, CLOSED */
    char note[200];  /* what went wrong otherwise */
    char refund_id[40]; /* WeChat Pay's own id for the refund, when it answered with one ("" otherwise) */
} wechatpay_refund_out;

/* Asks WeChat Pay's refund API for a refund (/v3/refund/domestic/refunds; one out_refund_no is one refund
 * however often it is asked). 0: it answered, under the platform's signature, with the refund's status; -1:
 * ask again later (not reached, its own trouble, too fast, or an answer it did not sign); 1: refused for
 * good (its code and message in note). */
int wechatpay_refund(const wechatpay_merchant *m, const wechatpay *platform, const wechatpay_refund_in *in, wechatpay_refund_out *out);
/* Asks WeChat Pay how a refund asked for earlier stands (GET /v3/refund/domestic/refunds/{out_refund_no},
 * signed like every call): the same answers as wechatpay_refund. */
int wechatpay_refund_query(const wechatpay_merchant *m, const wechatpay *platform, const char *out_refund_no, wechatpay_refund_out *out);

typedef struct {
    const char *out_refund_no;
    const char *type; /* USER_BANK_CARD (to the buyer's debit card) or MERCHANT_BANK_CARD (to the merchant's account) */
    const char *bank_type, *bank_account, *real_name; /* USER_BANK_CARD only: the card's bank (e.g. ICBC_DEBIT), its
                                                       * number and holder, the last two sent encrypted (wechatpay_seal) */
} wechatpay_abnormal_in;
/* Has WeChat Pay pay out a refund it holds as ABNORMAL (the buyer's card frozen or closed, say) another way
 * (发起异常退款): the refund query first, for WeChat Pay's refund_id and its word that the refund is ABNORMAL
 * still, then POST /v3/refund/domestic/refunds/{refund_id}/apply-abnormal-refund, the card's number and holder
 * encrypted under a platform key named in Wechatpay-Serial. YT_OK with the refund's status in out (PROCESSING
 * till WeChat Pay's notification); 409 on "provider_status" when WeChat Pay says it is not ABNORMAL (out->status
 * says what); 502 on "wechatpay" when it cannot be reached, refuses (its words in the detail) or answers
 * unsigned. Nothing of the card is kept or logged. */
int wechatpay_abnormal_refund(yt_ctx *x, const wechatpay_merchant *m, const wechatpay *platform, const wechatpay_abnormal_in *in,
                              wechatpay_refund_out *out);

/* Downloads the platform certificates in force (GET /v3/certificates, signed like every call) into platform
 * (wechatpay_take_certificates): how many, or -1 with why filled (not reached, refused, or an answer that
 * does not decrypt or verify; the certificates held stay). */
int wechatpay_fetch_certificates(const wechatpay_merchant *m, wechatpay *platform, char *why, size_t cap);

#endif
