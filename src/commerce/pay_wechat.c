/* WeChat Pay API v3 callbacks: verifying the platform's signature, decrypting the resource, out_trade_no. */
#include "pay_wechat.h"
#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/crypto.h"
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define APIV3_KEY_LEN 32
#define PEM_MAX (64 * 1024)

struct wechatpay {
    crypto_pubkey *platform;          /* owned */
    char serial[80];                  /* the serial callbacks must carry; "": any (a bare key, none configured) */
    unsigned char apiv3[APIV3_KEY_LEN];
    char mchid[40];                   /* "": any */
};

wechatpay *wechatpay_new(const char *pem, size_t pem_len, const char *serial, const char *apiv3_key, const char *mchid,
                         char *err, size_t errsz) {
    if (!apiv3_key || strlen(apiv3_key) != APIV3_KEY_LEN) {
        snprintf(err, errsz, "the APIv3 key must be exactly %d bytes (as set in the merchant platform)", APIV3_KEY_LEN);
        return NULL;
    }
    if (serial && strlen(serial) >= sizeof ((wechatpay *)0)->serial) {
        snprintf(err, errsz, "the platform serial is longer than %zu characters", sizeof ((wechatpay *)0)->serial - 1);
        return NULL;
    }
    if (mchid && (strlen(mchid) > 32 || strspn(mchid, "0123456789") != strlen(mchid))) {
        snprintf(err, errsz, "the merchant id must be up to 32 digits");
        return NULL;
    }
    const char *why = NULL;
    char cert_serial[80];
    crypto_pubkey *k = crypto_pubkey_from_pem(pem, pem_len, cert_serial, sizeof cert_serial, &why);
    if (!k) {
        snprintf(err, errsz, "the platform key: %s", why);
        return NULL;
    }
    wechatpay *p = yt_calloc(1, sizeof *p);
    p->platform = k;
    snprintf(p->serial, sizeof p->serial, "%s", serial && *serial ? serial : cert_serial);
    memcpy(p->apiv3, apiv3_key, APIV3_KEY_LEN);
    snprintf(p->mchid, sizeof p->mchid, "%s", mchid ? mchid : "");
    return p;
}

char *wechatpay_read_pem(const char *path, const char *what, size_t *n, char *err, size_t errsz) {
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, errsz, "cannot read the %s file %s: %s", what, path, strerror(errno));
        return NULL;
    }
    char *pem = yt_malloc(PEM_MAX);
    *n = fread(pem, 1, PEM_MAX, f);
    bool whole = feof(f) && !ferror(f);
    fclose(f);
    if (whole) return pem;
    snprintf(err, errsz, "the %s file %s is unreadable or larger than %d bytes", what, path, PEM_MAX);
    crypto_wipe(pem, PEM_MAX);
    free(pem);
    return NULL;
}

wechatpay *wechatpay_load(const char *pem_path, const char *serial, const char *apiv3_key, const char *mchid, char *err,
                          size_t errsz) {
    size_t n;
    char *pem = wechatpay_read_pem(pem_path, "platform key", &n, err, errsz);
    wechatpay *p = pem ? wechatpay_new(pem, n, serial, apiv3_key, mchid, err, errsz) : NULL;
    free(pem);
    return p;
}

void wechatpay_free(wechatpay *p) {
    if (!p) return;
    crypto_pubkey_free(p->platform);
    crypto_wipe(p->apiv3, sizeof p->apiv3);
    free(p);
}

const char *wechatpay_mchid(const wechatpay *p) { return p->mchid; }

/* Serials are hex (a certificate's) or a key id (PUB_KEY_ID_...); a certificate's hex may be written with or
 * without a leading zero, and in either case. */
static bool same_serial(const char *a, const char *b) {
    while (*a == '0') a++;
    while (*b == '0') b++;
    return strcasecmp(a, b) == 0;
}

static bool all_digits(const char *s, size_t min, size_t max) {
    size_t n = strlen(s);
    return n >= min && n <= max && strspn(s, "0123456789") == n;
}

int wechatpay_verify(yt_ctx *x, const wechatpay *p, const wechatpay_headers *h, const char *body, size_t n, int64_t now_s) {
    if (h->signature_type && strcmp(h->signature_type, WECHATPAY_SIGNATURE_TYPE) != 0)
        return yt_fail(x, YT_EAUTH, "Wechatpay-Signature-Type", "only %s signatures are accepted", WECHATPAY_SIGNATURE_TYPE);
    if (!h->serial || !*h->serial)
        return yt_fail(x, YT_EAUTH, "Wechatpay-Serial", "the platform key's serial is missing");
    if (p->serial[0] && !same_serial(h->serial, p->serial))
        return yt_fail(x, YT_EAUTH, "Wechatpay-Serial", "the notification is signed with a platform key this server does not hold");
    if (!h->timestamp || !all_digits(h->timestamp, 1, 12))
        return yt_fail(x, YT_EAUTH, "Wechatpay-Timestamp", "the timestamp must be seconds since 1970");
    int64_t ts = strtoll(h->timestamp, NULL, 10);
    if (ts < now_s - WECHATPAY_SKEW_S || ts > now_s + WECHATPAY_SKEW_S)
        return yt_fail(x, YT_EAUTH, "Wechatpay-Timestamp", "the notification is more than %d minutes from now: a replay, or a clock off",
                       WECHATPAY_SKEW_S / 60);
    if (!h->nonce || !*h->nonce) return yt_fail(x, YT_EAUTH, "Wechatpay-Nonce", "the nonce is missing");
    unsigned char sig[1024];
    size_t siglen = 0;
    if (!h->signature || !*h->signature) return yt_fail(x, YT_EAUTH, "Wechatpay-Signature", "the signature is missing");
    if (!crypto_base64_decode(h->signature, strlen(h->signature), sig, sizeof sig, &siglen) || siglen == 0)
        return yt_fail(x, YT_EAUTH, "Wechatpay-Signature", "the signature must be base64");
    yt_buf msg = YT_BUF_INIT;
    buf_printf(&msg, "%s\n%s\n", h->timestamp, h->nonce);
    buf_append(&msg, body, n);
    buf_putc(&msg, '\n');
    bool ok = crypto_pubkey_verify_sha256(p->platform, msg.p, msg.len, sig, siglen);
    buf_free(&msg);
    if (!ok) return yt_fail(x, YT_EAUTH, "Wechatpay-Signature", "the notification's signature does not verify");
    return YT_OK;
}

char *wechatpay_decrypt(yt_ctx *x, const wechatpay *p, const char *algorithm, const char *ciphertext, const char *nonce,
                        const char *associated_data, size_t *len) {
    *len = 0;
    if (!algorithm || strcmp(algorithm, "AEAD_AES_256_GCM") != 0) {
        yt_fail(x, YT_EINVAL, "resource.algorithm", "only AEAD_AES_256_GCM is known");
        return NULL;
    }
    /* WeChat Pay's nonces are 12 bytes; GCM takes others, and the tag authenticates whatever was used */
    if (!nonce || !*nonce || strlen(nonce) > 64) {
        yt_fail(x, YT_EINVAL, "resource.nonce", "the nonce must be 1 to 64 bytes");
        return NULL;
    }
    size_t b64 = ciphertext ? strlen(ciphertext) : 0;
    unsigned char *raw = yt_malloc(b64 / 4 * 3 + 3);
    size_t rawlen = 0;
    if (!ciphertext || !crypto_base64_decode(ciphertext, b64, raw, b64 / 4 * 3 + 3, &rawlen) || rawlen <= CRYPTO_GCM_TAG) {
        free(raw);
        yt_fail(x, YT_EINVAL, "resource.ciphertext", "the ciphertext must be base64 of more than its 16-byte tag");
        return NULL;
    }
    const char *ad = associated_data ? associated_data : "";
    char *plain = yt_malloc(rawlen - CRYPTO_GCM_TAG + 1);
    bool ok = crypto_aes256gcm_open(p->apiv3, nonce, strlen(nonce), ad, strlen(ad), raw, rawlen, (unsigned char *)plain);
    free(raw);
    if (!ok) {
        free(plain);
        yt_fail(x, YT_EINVAL, "resource.ciphertext", "the resource does not decrypt under the APIv3 key (tampered, or another key)");
        return NULL;
    }
    *len = rawlen - CRYPTO_GCM_TAG;
    plain[*len] = '\0';
    return plain;
}

void wechatpay_out_trade_no(int64_t order_id, char out[WECHATPAY_TRADE_NO_LEN]) {
    snprintf(out, WECHATPAY_TRADE_NO_LEN, "yt%010" PRId64, order_id);
}

void wechatpay_out_refund_no(int64_t refund_id, char out[WECHATPAY_TRADE_NO_LEN]) {
    snprintf(out, WECHATPAY_TRADE_NO_LEN, "ytr%010" PRId64, refund_id);
}

/* The id in prefix + digits, in the one spelling make() writes for it. */
static bool parse_no(const char *s, const char *prefix, void (*make)(int64_t, char *), int64_t *id) {
    size_t n = strlen(prefix);
    if (!s || strncmp(s, prefix, n) != 0 || !all_digits(s + n, 10, 19)) return false;
    errno = 0;
    char *end;
    long long v = strtoll(s + n, &end, 10);
    if (errno || *end || v < 1) return false;
    char canon[WECHATPAY_TRADE_NO_LEN];
    make(v, canon);
    if (strcmp(canon, s) != 0) return false; /* one spelling per id: no extra leading zeros */
    *id = v;
    return true;
}

bool wechatpay_order_id(const char *out_trade_no, int64_t *order_id) {
    return parse_no(out_trade_no, "yt", wechatpay_out_trade_no, order_id);
}

bool wechatpay_refund_id(const char *out_refund_no, int64_t *refund_id) {
    return parse_no(out_refund_no, "ytr", wechatpay_out_refund_no, refund_id);
}
