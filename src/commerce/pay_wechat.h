/* WeChat Pay API v3 callbacks: the platform's signature over a notification, the APIv3-key encryption of its
 * resource, and how out_trade_no names a mall order. The JSON around them is read by the API layer
 * (api/h_wechatpay.c), which hands the payment to mall_order_pay. */
#ifndef YT_PAY_WECHAT_H
#define YT_PAY_WECHAT_H
#include "../domain/ctx.h"
#include <stddef.h>

#define WECHATPAY_SKEW_S 300        /* a callback's Wechatpay-Timestamp may be this far from now, either way */
#define WECHATPAY_SIGNATURE_TYPE "WECHATPAY2-SHA256-RSA2048"
#define WECHATPAY_TRADE_NO_LEN 40   /* "ytr" + up to 19 digits, "-" + a round's up to 9 digits, NUL */
#define WECHATPAY_CERTS_MAX 8       /* platform certificates in force at once (WeChat Pay has two while it rotates) */

/* The provider's settings; owned by whoever made it (wechatpay_free), read by any thread. */
typedef struct wechatpay wechatpay;

/* From the platform key's PEM text (a public key or a certificate; NULL: none, the platform certificates are
 * downloaded, see wechatpay_take_certificates), the serial callbacks signed with it carry (NULL or "": the
 * certificate's own serial, or any for a bare key), the APIv3 key (exactly 32 bytes) and the merchant id
 * payments must name (NULL or "": any). NULL with err filled when something is wrong. */
wechatpay *wechatpay_new(const char *pem, size_t pem_len, const char *serial, const char *apiv3_key, const char *mchid,
                         char *err, size_t errsz);
/* The same with the PEM read from a file (pem_path NULL: no key configured). */
wechatpay *wechatpay_load(const char *pem_path, const char *serial, const char *apiv3_key, const char *mchid, char *err,
                          size_t errsz);
void wechatpay_free(wechatpay *p);
/* A key or certificate file's PEM text (at most 64 KiB), malloc'd: wipe (crypto_wipe over *n bytes) and free
 * it. NULL with err naming what (e.g. "platform key") when it cannot be read whole. */
char *wechatpay_read_pem(const char *path, const char *what, size_t *n, char *err, size_t errsz);
/* The merchant id payments must name, or "" for any. */
const char *wechatpay_mchid(const wechatpay *p);

typedef struct {
    const char *timestamp, *nonce, *signature, *serial, *signature_type; /* the Wechatpay-* headers; NULL: absent */
} wechatpay_headers;

/* Checks a callback before anything in it is believed: the signature type (when given) is
 * WECHATPAY2-SHA256-RSA2048, the timestamp (seconds) is within WECHATPAY_SKEW_S of now_s, the serial names a
 * platform key held (a downloaded certificate in force, or the configured key), and the signature (base64
 * RSA-SHA256, PKCS#1 v1.5) over "timestamp\nnonce\nbody\n" verifies under it. Otherwise a 401 naming the
 * header at fault; a serial not held also tells the on_unknown_serial callback. Any thread. */
int wechatpay_verify(yt_ctx *x, const wechatpay *p, const wechatpay_headers *h, const char *body, size_t n, int64_t now_s);

/* The answer to GET /v3/certificates (its Wechatpay-* headers and body): each entry's certificate is
 * decrypted under the APIv3 key (AEAD_AES_256_GCM, as a notification's resource) and must carry the serial
 * the entry names; the answer must be signed by one of them or by a key held. Then those not yet expired
 * (by expire_time) replace the downloaded ones, and the count is returned; -1 with why filled, nothing
 * changed, otherwise. */
int wechatpay_take_certificates(wechatpay *p, const wechatpay_headers *h, const char *body, size_t n, int64_t now_ms, char *why,
                                size_t cap);
/* fn(arg) is called (on the checking thread) when a signature names a key not held; (NULL, NULL) stops it.
 * arg must outlive every check that may still call it. */
void wechatpay_on_unknown_serial(wechatpay *p, void (*fn)(void *), void *arg);
/* How many platform keys are held now: the configured one and the downloaded certificates in the set. */
size_t wechatpay_keys_held(const wechatpay *p);

#define WECHATPAY_SEALED_LEN 700 /* a sensitive field encrypted for WeChat Pay, base64, with its NUL */
#define WECHATPAY_SERIAL_LEN 80
/* Encrypts the n texts plain[] for WeChat Pay (its sensitive request fields: RSAES-OAEP with SHA-1 under a
 * platform key, base64) into out[], all under one key, whose serial (for the Wechatpay-Serial header) goes to
 * serial: the configured key when it has one (WeChat Pay's platform public key and its ID, which WeChat Pay
 * prefers), else the downloaded certificate in force that expires last. False when no key with a serial is
 * held, or a text is too long for the key (over 214 bytes for 2048 bits). Any thread. */
bool wechatpay_seal(const wechatpay *p, const char *const *plain, size_t n, char (*out)[WECHATPAY_SEALED_LEN],
                    char serial[WECHATPAY_SERIAL_LEN], int64_t now_ms);

/* Decrypts a notification's resource: AEAD_AES_256_GCM under the APIv3 key, the nonce and associated data as
 * given (associated_data NULL: empty), the ciphertext base64 with the 16-byte tag at its end. Returns the
 * plaintext, NUL-terminated, *len bytes, malloc'd: free it, and never log it (a payer's openid is personal
 * data). NULL and a 400 naming resource.algorithm, resource.nonce or resource.ciphertext otherwise. */
char *wechatpay_decrypt(yt_ctx *x, const wechatpay *p, const char *algorithm, const char *ciphertext, const char *nonce,
                        const char *associated_data, size_t *len);

/* out_trade_no for a mall order: "yt" and the order id in decimal, zero-padded to at least 10 digits (order 42
 * is "yt0000000042"), so it always meets WeChat Pay's 6 to 32 letters and digits. */
void wechatpay_out_trade_no(int64_t order_id, char out[WECHATPAY_TRADE_NO_LEN]);
/* The order an out_trade_no names: only the exact form above; false for anything else. */
bool wechatpay_order_id(const char *out_trade_no, int64_t *order_id);
/* out_refund_no for a mall refund: "ytr" and the refund id, zero-padded the same way, and for a refund asked
 * for again after WeChat Pay closed or refused it (round 2 on), "-" and the round (WeChat Pay takes one
 * out_refund_no once: "ytr0000000042-2"); and back, only in that exact spelling. */
void wechatpay_out_refund_no(int64_t refund_id, int64_t round, char out[WECHATPAY_TRADE_NO_LEN]);
bool wechatpay_refund_id(const char *out_refund_no, int64_t *refund_id, int64_t *round);

#endif
