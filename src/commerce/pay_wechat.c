/* WeChat Pay API v3 callbacks: the platform's keys (one configured, and the certificates downloaded), verifying
 * their signature, decrypting the resource, out_trade_no. */
#include "pay_wechat.h"
#include "../base/alloc.h"
#include "../base/buf.h"
#include "../base/crypto.h"
#include "../base/timeutil.h"
#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define APIV3_KEY_LEN 32
#define PEM_MAX (64 * 1024)

typedef struct {
    crypto_pubkey *key; /* owned */
    char serial[WECHATPAY_SERIAL_LEN]; /* the serial a signature under it carries; "": any (a bare key configured without one) */
    int64_t expires_ms; /* a downloaded certificate's expire_time; 0: none */
} platform_key;

struct wechatpay {
    platform_key configured;              /* key NULL: none configured (the downloaded certificates only) */
    pthread_rwlock_t lock;                /* over downloaded: signatures are checked while a download replaces them */
    platform_key downloaded[WECHATPAY_CERTS_MAX];
    size_t ndownloaded;
    void (*on_unknown)(void *);           /* told when a signature names a key not held (wechatpay_on_unknown_serial) */
    void *on_unknown_arg;
    unsigned char apiv3[APIV3_KEY_LEN];
    char mchid[40];                       /* "": any */
};

wechatpay *wechatpay_new(const char *pem, size_t pem_len, const char *serial, const char *apiv3_key, const char *mchid,
                         char *err, size_t errsz) {
    if (!apiv3_key || strlen(apiv3_key) != APIV3_KEY_LEN) {
        snprintf(err, errsz, "the APIv3 key must be exactly %d bytes (as set in the merchant platform)", APIV3_KEY_LEN);
        return NULL;
    }
    if (serial && strlen(serial) >= sizeof ((platform_key *)0)->serial) {
        snprintf(err, errsz, "the platform serial is longer than %zu characters", sizeof ((platform_key *)0)->serial - 1);
        return NULL;
    }
    if (mchid && (strlen(mchid) > 32 || strspn(mchid, "0123456789") != strlen(mchid))) {
        snprintf(err, errsz, "the merchant id must be up to 32 digits");
        return NULL;
    }
    const char *why = NULL;
    char cert_serial[80] = "";
    crypto_pubkey *k = pem ? crypto_pubkey_from_pem(pem, pem_len, cert_serial, sizeof cert_serial, &why) : NULL;
    if (pem && !k) {
        snprintf(err, errsz, "the platform key: %s", why);
        return NULL;
    }
    wechatpay *p = yt_calloc(1, sizeof *p);
    p->configured.key = k;
    snprintf(p->configured.serial, sizeof p->configured.serial, "%s", serial && *serial ? serial : cert_serial);
    pthread_rwlock_init(&p->lock, NULL);
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
    if (!pem_path) return wechatpay_new(NULL, 0, serial, apiv3_key, mchid, err, errsz);
    size_t n;
    char *pem = wechatpay_read_pem(pem_path, "platform key", &n, err, errsz);
    wechatpay *p = pem ? wechatpay_new(pem, n, serial, apiv3_key, mchid, err, errsz) : NULL;
    free(pem);
    return p;
}

static void drop_downloaded(platform_key *keys, size_t n) {
    for (size_t i = 0; i < n; i++) crypto_pubkey_free(keys[i].key);
}

void wechatpay_free(wechatpay *p) {
    if (!p) return;
    crypto_pubkey_free(p->configured.key);
    drop_downloaded(p->downloaded, p->ndownloaded);
    pthread_rwlock_destroy(&p->lock);
    crypto_wipe(p->apiv3, sizeof p->apiv3);
    free(p);
}

void wechatpay_on_unknown_serial(wechatpay *p, void (*fn)(void *), void *arg) {
    pthread_rwlock_wrlock(&p->lock); /* read with the keys, under the same lock */
    p->on_unknown = fn;
    p->on_unknown_arg = arg;
    pthread_rwlock_unlock(&p->lock);
}

size_t wechatpay_keys_held(const wechatpay *p) {
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&p->lock;
    pthread_rwlock_rdlock(lock);
    size_t n = p->ndownloaded + (p->configured.key != NULL);
    pthread_rwlock_unlock(lock);
    return n;
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

/* Everything about a signature's headers but its key: the type, the serial's presence, the timestamp within
 * WECHATPAY_SKEW_S of now_s, the nonce, and the signature's base64 (decoded into sig). */
static int check_headers(yt_ctx *x, const wechatpay_headers *h, int64_t now_s, unsigned char *sig, size_t cap, size_t *siglen) {
    if (h->signature_type && strcmp(h->signature_type, WECHATPAY_SIGNATURE_TYPE) != 0)
        return yt_fail(x, YT_EAUTH, "Wechatpay-Signature-Type", "only %s signatures are accepted", WECHATPAY_SIGNATURE_TYPE);
    if (!h->serial || !*h->serial)
        return yt_fail(x, YT_EAUTH, "Wechatpay-Serial", "the platform key's serial is missing");
    if (!h->timestamp || !all_digits(h->timestamp, 1, 12))
        return yt_fail(x, YT_EAUTH, "Wechatpay-Timestamp", "the timestamp must be seconds since 1970");
    int64_t ts = strtoll(h->timestamp, NULL, 10);
    if (ts < now_s - WECHATPAY_SKEW_S || ts > now_s + WECHATPAY_SKEW_S)
        return yt_fail(x, YT_EAUTH, "Wechatpay-Timestamp", "the notification is more than %d minutes from now: a replay, or a clock off",
                       WECHATPAY_SKEW_S / 60);
    if (!h->nonce || !*h->nonce) return yt_fail(x, YT_EAUTH, "Wechatpay-Nonce", "the nonce is missing");
    if (!h->signature || !*h->signature) return yt_fail(x, YT_EAUTH, "Wechatpay-Signature", "the signature is missing");
    if (!crypto_base64_decode(h->signature, strlen(h->signature), sig, cap, siglen) || *siglen == 0)
        return yt_fail(x, YT_EAUTH, "Wechatpay-Signature", "the signature must be base64");
    return YT_OK;
}

/* Whether sig is k's signature over "timestamp\nnonce\nbody\n". */
static bool signed_by(const crypto_pubkey *k, const wechatpay_headers *h, const unsigned char *sig, size_t siglen, const char *body,
                      size_t n) {
    yt_buf msg = YT_BUF_INIT;
    buf_printf(&msg, "%s\n%s\n", h->timestamp, h->nonce);
    buf_append(&msg, body, n);
    buf_putc(&msg, '\n');
    bool ok = crypto_pubkey_verify_sha256(k, msg.p, msg.len, sig, siglen);
    buf_free(&msg);
    return ok;
}

/* The key of keys[0..n) a serial names and still in force at now_ms (0: at any time), or NULL. */
static const crypto_pubkey *key_named(const platform_key *keys, size_t n, const char *serial, int64_t now_ms) {
    for (size_t i = 0; i < n; i++)
        if ((!keys[i].serial[0] || same_serial(serial, keys[i].serial)) && (!keys[i].expires_ms || now_ms < keys[i].expires_ms))
            return keys[i].key;
    return NULL;
}

/* The held key a serial names: a downloaded certificate in force, else the configured key. Under p->lock. */
static const crypto_pubkey *held_key(const wechatpay *p, const char *serial, int64_t now_ms) {
    const crypto_pubkey *k = key_named(p->downloaded, p->ndownloaded, serial, now_ms);
    return k ? k : p->configured.key ? key_named(&p->configured, 1, serial, now_ms) : NULL;
}

bool wechatpay_seal(const wechatpay *p, const char *const *plain, size_t n, char (*out)[WECHATPAY_SEALED_LEN],
                    char serial[WECHATPAY_SERIAL_LEN], int64_t now_ms) {
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&p->lock;
    pthread_rwlock_rdlock(lock);
    const platform_key *k = NULL;
    if (p->configured.key && p->configured.serial[0]) k = &p->configured;
    else
        for (size_t i = 0; i < p->ndownloaded; i++) {
            const platform_key *d = &p->downloaded[i];
            if (now_ms < d->expires_ms && (!k || d->expires_ms > k->expires_ms)) k = d;
        }
    bool ok = k != NULL;
    for (size_t i = 0; ok && i < n; i++) ok = crypto_pubkey_encrypt_oaep_b64(k->key, plain[i], strlen(plain[i]), out[i], WECHATPAY_SEALED_LEN);
    if (ok) snprintf(serial, WECHATPAY_SERIAL_LEN, "%s", k->serial);
    pthread_rwlock_unlock(lock);
    return ok;
}

int wechatpay_verify(yt_ctx *x, const wechatpay *p, const wechatpay_headers *h, const char *body, size_t n, int64_t now_s) {
    unsigned char sig[1024];
    size_t siglen = 0;
    int rc = check_headers(x, h, now_s, sig, sizeof sig, &siglen);
    if (rc) return rc;
    pthread_rwlock_t *lock = (pthread_rwlock_t *)&p->lock; /* the key set changes under it; the settings do not */
    pthread_rwlock_rdlock(lock);
    const crypto_pubkey *k = held_key(p, h->serial, now_s * 1000);
    bool ok = k && signed_by(k, h, sig, siglen, body, n);
    void (*tell)(void *) = p->on_unknown, *arg = p->on_unknown_arg;
    pthread_rwlock_unlock(lock);
    if (!k) {
        if (tell) tell(arg); /* a certificate new since the last download, perhaps */
        return yt_fail(x, YT_EAUTH, "Wechatpay-Serial", "the notification is signed with a platform key this server does not hold");
    }
    if (!ok) return yt_fail(x, YT_EAUTH, "Wechatpay-Signature", "the notification's signature does not verify");
    return YT_OK;
}

/* One entry of a certificates answer into *out: its certificate decrypted under the APIv3 key (which only
 * WeChat Pay and the merchant hold: a certificate that decrypts is WeChat Pay's), its serial the one the
 * entry names. false with why filled otherwise. */
static bool take_entry(const wechatpay *p, const cJSON *e, platform_key *out, char *why, size_t cap) {
    const cJSON *serial = cJSON_GetObjectItemCaseSensitive(e, "serial_no"), *expire = cJSON_GetObjectItemCaseSensitive(e, "expire_time"),
                *enc = cJSON_GetObjectItemCaseSensitive(e, "encrypt_certificate");
    const char *s = cJSON_IsString(serial) ? serial->valuestring : "";
    if (!*s || strlen(s) >= sizeof out->serial) return snprintf(why, cap, "an entry's serial_no is missing or too long"), false;
    if (!cJSON_IsString(expire) || !time_parse(expire->valuestring, &out->expires_ms))
        return snprintf(why, cap, "certificate %s: expire_time is not an RFC 3339 time", s), false;
    const cJSON *alg = cJSON_GetObjectItemCaseSensitive(enc, "algorithm"), *nonce = cJSON_GetObjectItemCaseSensitive(enc, "nonce"),
                *ad = cJSON_GetObjectItemCaseSensitive(enc, "associated_data"), *ct = cJSON_GetObjectItemCaseSensitive(enc, "ciphertext");
    yt_arena arena = {0};
    yt_ctx x = {.arena = &arena};
    size_t len = 0;
    char *pem = wechatpay_decrypt(&x, p, cJSON_IsString(alg) ? alg->valuestring : NULL, cJSON_IsString(ct) ? ct->valuestring : NULL,
                                  cJSON_IsString(nonce) ? nonce->valuestring : NULL, cJSON_IsString(ad) ? ad->valuestring : NULL, &len);
    if (!pem) snprintf(why, cap, "certificate %s: %s", s, x.err.msg);
    arena_free(&arena);
    if (!pem) return false;
    const char *bad = NULL;
    char cert_serial[80] = "";
    out->key = crypto_pubkey_from_pem(pem, len, cert_serial, sizeof cert_serial, &bad);
    free(pem);
    if (!out->key) return snprintf(why, cap, "certificate %s: %s", s, bad), false;
    if (!cert_serial[0] || !same_serial(cert_serial, s)) {
        crypto_pubkey_free(out->key);
        return snprintf(why, cap, "certificate %s: not a certificate of that serial", s), false;
    }
    snprintf(out->serial, sizeof out->serial, "%s", s);
    return true;
}

int wechatpay_take_certificates(wechatpay *p, const wechatpay_headers *h, const char *body, size_t n, int64_t now_ms, char *why,
                                size_t cap) {
    cJSON *doc = cJSON_ParseWithLength(body, n);
    const cJSON *data = cJSON_GetObjectItemCaseSensitive(doc, "data"), *e;
    platform_key fresh[WECHATPAY_CERTS_MAX];
    size_t nfresh = 0;
    bool ok = cJSON_IsArray(data);
    if (!ok) snprintf(why, cap, "the answer has no data list");
    const cJSON *list = ok ? data : NULL;
    cJSON_ArrayForEach(e, list) {
        if (nfresh == WECHATPAY_CERTS_MAX) {
            snprintf(why, cap, "more than %d certificates", WECHATPAY_CERTS_MAX);
            ok = false;
            break;
        }
        if (!(ok = take_entry(p, e, &fresh[nfresh], why, cap))) break;
        nfresh++;
    }
    cJSON_Delete(doc);
    /* the answer itself signed by a key it brings (at any time: a new certificate vouches for itself, the
     * certificates being WeChat Pay's by their encryption) or one held */
    if (ok) {
        yt_arena arena = {0};
        yt_ctx x = {.arena = &arena};
        unsigned char sig[1024];
        size_t siglen = 0;
        ok = check_headers(&x, h, now_ms / 1000, sig, sizeof sig, &siglen) == YT_OK;
        if (ok) {
            pthread_rwlock_rdlock(&p->lock);
            const crypto_pubkey *k = key_named(fresh, nfresh, h->serial, 0);
            if (!k) k = held_key(p, h->serial, now_ms);
            ok = k && signed_by(k, h, sig, siglen, body, n);
            pthread_rwlock_unlock(&p->lock);
            if (!ok) snprintf(why, cap, "the answer is not signed by a platform key it brings or this server holds");
        } else snprintf(why, cap, "%s: %s", x.err.field, x.err.msg);
        arena_free(&arena);
    }
    if (!ok) {
        drop_downloaded(fresh, nfresh);
        return -1;
    }
    size_t kept = 0;
    for (size_t i = 0; i < nfresh; i++) /* an expired one: no signature under it counts any more */
        if (fresh[i].expires_ms > now_ms) fresh[kept++] = fresh[i];
        else crypto_pubkey_free(fresh[i].key);
    nfresh = kept;
    platform_key old[WECHATPAY_CERTS_MAX];
    pthread_rwlock_wrlock(&p->lock);
    size_t nold = p->ndownloaded;
    memcpy(old, p->downloaded, nold * sizeof *old);
    memcpy(p->downloaded, fresh, nfresh * sizeof *fresh);
    p->ndownloaded = nfresh;
    pthread_rwlock_unlock(&p->lock);
    drop_downloaded(old, nold);
    return (int)nfresh;
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

void wechatpay_out_refund_no(int64_t refund_id, int64_t round, char out[WECHATPAY_TRADE_NO_LEN]) {
    if (round > 1) snprintf(out, WECHATPAY_TRADE_NO_LEN, "ytr%010" PRId64 "-%" PRId64, refund_id, round);
    else snprintf(out, WECHATPAY_TRADE_NO_LEN, "ytr%010" PRId64, refund_id);
}

/* A positive decimal of 1 to max_digits digits at *s, up to a stop character or the end: its value, *s past it;
 * 0 when there is none or it overflows. */
static int64_t parse_positive(const char **s, size_t max_digits) {
    size_t n = strspn(*s, "0123456789");
    if (n < 1 || n > max_digits) return 0;
    errno = 0;
    char *end;
    long long v = strtoll(*s, &end, 10);
    if (errno || end != *s + n || v < 1) return 0;
    *s = end;
    return v;
}

bool wechatpay_order_id(const char *out_trade_no, int64_t *order_id) {
    const char *s = out_trade_no;
    if (!s || strncmp(s, "yt", 2) != 0) return false;
    s += 2;
    int64_t v = parse_positive(&s, 19);
    char canon[WECHATPAY_TRADE_NO_LEN];
    if (!v || *s) return false;
    wechatpay_out_trade_no(v, canon);
    if (strcmp(canon, out_trade_no) != 0) return false; /* one spelling per id: no extra leading zeros */
    *order_id = v;
    return true;
}

bool wechatpay_refund_id(const char *out_refund_no, int64_t *refund_id, int64_t *round) {
    const char *s = out_refund_no;
    if (!s || strncmp(s, "ytr", 3) != 0) return false;
    s += 3;
    int64_t v = parse_positive(&s, 19), k = 1;
    if (!v || (*s && (*s++ != '-' || !(k = parse_positive(&s, 9)) || *s))) return false;
    char canon[WECHATPAY_TRADE_NO_LEN];
    wechatpay_out_refund_no(v, k, canon);
    if (strcmp(canon, out_refund_no) != 0) return false; /* one spelling per refund and round */
    *refund_id = v;
    *round = k;
    return true;
}
