/* Unit tests for WeChat Pay API v3 callbacks: the RSA-SHA256 and AES-256-GCM primitives (base/crypto.c), the
 * notification checks (commerce/pay_wechat.c) and the out_trade_no mapping. The vectors below were made once
 * by an independent implementation (wechatpay-axios-plugin 0.9.6 on node:crypto: Formatter.response,
 * Rsa.sign, Aes.AesGcm.encrypt; the certificate by the openssl command line), not by the code under test; the
 * certificates a download brings, in the test of checks during a swap, are made here with OpenSSL. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "base/crypto.h"
#include "commerce/pay_wechat.h"
#include "domain/ctx.h"
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <pthread.h>
#include <stdatomic.h>
#include <time.h>

/* the platform key: a bare public key, and a self-signed certificate of the same key with this serial */
#define CERT_SERIAL "5157F09EFDC096DE15EBE81A47057A7232F1B8E1"

static const char PLATFORM_PUB[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAx0Bczw0gBsZyJCZ4nH6v\n"
    "rIfIw65aJ3Uf2GjQ1rpOpxXTxgm/r2sYYOGIdIe76wWaO44R2B/7OyH4qGVAvRiJ\n"
    "NeUyNF4BbQ6hKttQYsWWUu8aiOaojnjP0Qc3y5Cx4hofHpwMclFdtskUn9+S+Dyt\n"
    "E4fFnbxcnSOLqsEO2tJXAq5o6zKlsORfW3gXrviaoXF7aO46IteLMoH00iU9E1uE\n"
    "XvvmLl7KGjMHA9mednEeiaDOiHNJWxBwyGpNXpcnFCY1ScA4R5pLjUKQh179SvpS\n"
    "UJgyV7jP7wjaNDZ1XW+b/snkHjAffqZ0dE7JqmssiTMmhyddOeU1T19NxWyuDzS2\n"
    "gwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

static const char PLATFORM_CERT[] =
    "-----BEGIN CERTIFICATE-----\n"
    "MIIDKTCCAhGgAwIBAgIUUVfwnv3Alt4V6+gaRwV6cjLxuOEwDQYJKoZIhvcNAQEL\n"
    "BQAwIzEhMB8GA1UEAwwYeXV0YW5nIHRlc3QgcGxhdGZvcm0ga2V5MCAXDTI2MTIw\n"
    "MjExMjcyN1oYDzIxMjYxMTA4MTEyNzI3WjAjMSEwHwYDVQQDDBh5dXRhbmcgdGVz\n"
    "dCBwbGF0Zm9ybSBrZXkwggEiMA0GCSqGSIb3DQEBAQUAA4IBDwAwggEKAoIBAQDH\n"
    "QFzPDSAGxnIkJnicfq+sh8jDrlondR/YaNDWuk6nFdPGCb+vaxhg4Yh0h7vrBZo7\n"
    "jhHYH/s7IfioZUC9GIk15TI0XgFtDqEq21BixZZS7xqI5qiOeM/RBzfLkLHiGh8e\n"
    "nAxyUV22yRSf35L4PK0Th8WdvFydI4uqwQ7a0lcCrmjrMqWw5F9beBeu+JqhcXto\n"
    "7joi14sygfTSJT0TW4Re++YuXsoaMwcD2Z52cR6JoM6Ic0lbEHDIak1elycUJjVJ\n"
    "wDhHmkuNQpCHXv1K+lJQmDJXuM/vCNo0NnVdb5v+yeQeMB9+pnR0TsmqayyJMyaH\n"
    "J1055TVPX03FbK4PNLaDAgMBAAGjUzBRMB0GA1UdDgQWBBR6j19xAECugAXasPf5\n"
    "cjUWHjxA9TAfBgNVHSMEGDAWgBR6j19xAECugAXasPf5cjUWHjxA9TAPBgNVHRMB\n"
    "Af8EBTADAQH/MA0GCSqGSIb3DQEBCwUAA4IBAQAvg8mfqvdwkA5Gnr7C/+bvgy8p\n"
    "Kb8Srwb1gGsmLHQgM88cQCTRaB/8uHpbRdRaL8wGO8aVoMOHGf5GPA2jUeb922fT\n"
    "Uee4TXcrf5pP/UW0RGi79ZT3M1ozIUkaJwx29QRYhe6mIEoTlbDLpljmDWvrcNQi\n"
    "5Xqsdr58U8doJ9/xchye8Ce4TFuesEKK7fe0761oPdMyV4+Jm49dAW0R8L60QxUs\n"
    "hTIBZFridlUDHUaPjWd4Hovbhe90xEr9HLTGGkAtYplkUnIMV4MxYqVyETHT+riW\n"
    "ngNYrQe32vEM028qSq0jaf7YRInHQPvbAu8ER/W8aA83KNgpYVoFm9BBUziN\n"
    "-----END CERTIFICATE-----\n";

static const char RSA1024_PUB[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDQS+TbtD4Q15gpA485ioCa50eu\n"
    "nS7vo3u4Qkt3Ba47GnoEe5RCFn1tb/CsueK5DxyVFqOL/DMd69LxyneOmp2w6iEy\n"
    "uNyJDmzvPATvikHgF+c7+YaTv4XlcWjGhuZNJsysGoDsG6vMKzA9XUCqIuoOyRfG\n"
    "thorBANZvxFX4MQQcwIDAQAB\n"
    "-----END PUBLIC KEY-----\n";

static const char EC_PUB[] =
    "-----BEGIN PUBLIC KEY-----\n"
    "MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE1JZ3I/Vpe2MzuvuWdKhv+DfQQklQ\n"
    "BdyKpP3R2tdUPn86CJV8rKbAnC8gP0nHgdngl0Su1qasNM1wwqCkdTThgg==\n"
    "-----END PUBLIC KEY-----\n";

static const char APIV3_KEY[] = "yutangTestApiV3Key0123456789abcd";

static const char RES_NONCE[] = "fdasflkja484";

static const char TS[] = "1747718975";

static const char NONCE[] = "c5ac7061fccab6bf3e254dcf98995b8c";

static const char RES_CIPHERTEXT[] =
    "vIccHRkiiLJaArBC2/c7/bPl/qi296pOBE3E7IhiPL8wmLXRFRajAJdlYPBYQXMWnWVckNa5dXzd1yFwttjTFtrdIYCzm4sjD2DK"
    "maFX+82R55Q3sUlxDMhl9ngHFCRs8aiizUB43h5rni28i5VyCfbkM/qXPmwadIUx8hJ73R8o4ZO+8VNs5El0R7mlBLcxkLazD/ge"
    "w1btQ88IiOZv+8asU+ACihVwl72sVEonldBe54RRZmCmilC/il4Be+Y2puzrWifaL+Grz/WB2nGxyUuvcGLm7C3hxcSzKnIrBdpV"
    "FSzbaMWl3drd4RSVtcKmxDEeYJC/805+R7XmKq7QaNqfMaq5XcL5YrI30G9S10R4rlmwGKrd3fFrPAwzf2mMgoH0tsZNICRgugqq"
    "fE4F1Vv+f6P51qz7SZr7nFLqLefdVf1ptO2oJ4wSRkm8bjF/R7UoILeZmnJPY1SGJyi4GwI/EHzE4IQ/cFt6UacadgKGD87XKELv"
    "V67xbz3IVaJW29fqNWarpvV3hMYNl/8VGCGkU1z9CZCJgvWk+9jxfUCI7vbTkm5oCH9MwrlaXQ==";

static const char RES_PLAIN[] =
    "{\"mchid\":\"1900000109\",\"appid\":\"wxd678efh567hg6787\",\"out_trade_no\":\"yt0000000042\",\"trans"
    "action_id\":\"4200000001202505201234567890\",\"trade_type\":\"JSAPI\",\"trade_state\":\"SUCCESS\",\""
    "trade_state_desc\":\"支付成功\",\"bank_type\":\"CMC\",\"attach\":\"\",\"success_time\":\"2025-05-20T13:2"
    "9:35+08:00\",\"payer\":{\"openid\":\"oUpF8uMuAJO_M2pxb1Q9zNjWeS6o\"},\"amount\":{\"total\":9900,\"pa"
    "yer_total\":9900,\"currency\":\"CNY\",\"payer_currency\":\"CNY\"}}";

static const char BODY[] =
    "{\"id\":\"EV-2018022511223320873\",\"create_time\":\"2025-05-20T13:29:35+08:00\",\"resource_type\":"
    "\"encrypt-resource\",\"event_type\":\"TRANSACTION.SUCCESS\",\"summary\":\"支付成功\",\"resource\":{\"ori"
    "ginal_type\":\"transaction\",\"algorithm\":\"AEAD_AES_256_GCM\",\"ciphertext\":\"vIccHRkiiLJaArBC2/c"
    "7/bPl/qi296pOBE3E7IhiPL8wmLXRFRajAJdlYPBYQXMWnWVckNa5dXzd1yFwttjTFtrdIYCzm4sjD2DKmaFX+82R55Q3sUlxDMh"
    "l9ngHFCRs8aiizUB43h5rni28i5VyCfbkM/qXPmwadIUx8hJ73R8o4ZO+8VNs5El0R7mlBLcxkLazD/gew1btQ88IiOZv+8asU+A"
    "CihVwl72sVEonldBe54RRZmCmilC/il4Be+Y2puzrWifaL+Grz/WB2nGxyUuvcGLm7C3hxcSzKnIrBdpVFSzbaMWl3drd4RSVtcK"
    "mxDEeYJC/805+R7XmKq7QaNqfMaq5XcL5YrI30G9S10R4rlmwGKrd3fFrPAwzf2mMgoH0tsZNICRgugqqfE4F1Vv+f6P51qz7SZr"
    "7nFLqLefdVf1ptO2oJ4wSRkm8bjF/R7UoILeZmnJPY1SGJyi4GwI/EHzE4IQ/cFt6UacadgKGD87XKELvV67xbz3IVaJW29fqNWa"
    "rpvV3hMYNl/8VGCGkU1z9CZCJgvWk+9jxfUCI7vbTkm5oCH9MwrlaXQ==\",\"associated_data\":\"transaction\",\"no"
    "nce\":\"fdasflkja484\"}}";

static const char SIGNATURE[] =
    "qxZ4h8XVWRp/eOfBMWX3yNxGitOX2mxeXYxpwxhf8xu9PD1lMzVnWEUovtdh4ZhN3LstGfm897QyBkWUrfdZ19DBfLZMQ7dw6agf"
    "/IgRFid//p1j+BT5gajRddkt/OxmgDSDRR4RpOrT2YBIpTHWiJ7rSL15YCBeKHl/TmxeTyow1oubfIJiB2qVx6BEpwiu0cuzB9YC"
    "3bm2F5QlxQxTUFJ0tkHI2+V5oWnf/bHgC4apz5GrrgpnKBAhZpCtmIXjTlOuLMPnEBsvDCnSg3xFTlqxT9buuiQK0w4NTfuyugmu"
    "/03yuF9iKi08sd7LUBvG/UGrO0RFTErNKXd2dpXCag==";

static int64_t ts_value(void) { return strtoll(TS, NULL, 10); }

static wechatpay *provider(const char *pem, const char *serial, const char *mchid) {
    char err[256] = "";
    wechatpay *p = wechatpay_new(pem, strlen(pem), serial, APIV3_KEY, mchid, err, sizeof err);
    if (!p) fail_msg("wechatpay_new: %s", err);
    return p;
}

static wechatpay_headers headers(void) {
    return (wechatpay_headers){.timestamp = TS, .nonce = NONCE, .signature = SIGNATURE, .serial = CERT_SERIAL,
                               .signature_type = WECHATPAY_SIGNATURE_TYPE};
}

static void base64_is_strict(void **state) {
    (void)state;
    unsigned char out[16];
    size_t n;
    assert_true(crypto_base64_decode("eXV0YW5n", 8, out, sizeof out, &n));
    assert_int_equal(n, 6);
    assert_memory_equal(out, "yutang", 6);
    assert_true(crypto_base64_decode("eXQ=", 4, out, sizeof out, &n));
    assert_int_equal(n, 2);
    assert_false(crypto_base64_decode("eXQ", 3, out, sizeof out, &n));         /* padding required */
    assert_false(crypto_base64_decode("eX Q=", 5, out, sizeof out, &n));       /* no whitespace */
    assert_false(crypto_base64_decode("eX-_", 4, out, sizeof out, &n));        /* not the URL alphabet */
    assert_false(crypto_base64_decode("eXV0YW5n", 8, out, 5, &n));             /* does not fit */
}

static void public_keys_and_certificates_load(void **state) {
    (void)state;
    char serial[80];
    const char *err = NULL;
    crypto_pubkey *k = crypto_pubkey_from_pem(PLATFORM_PUB, strlen(PLATFORM_PUB), serial, sizeof serial, &err);
    assert_non_null(k);
    assert_string_equal(serial, "");
    crypto_pubkey_free(k);
    k = crypto_pubkey_from_pem(PLATFORM_CERT, strlen(PLATFORM_CERT), serial, sizeof serial, &err);
    assert_non_null(k);
    assert_string_equal(serial, CERT_SERIAL);
    crypto_pubkey_free(k);
    const char *const bad[] = {RSA1024_PUB, EC_PUB, "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n", "", "not a key"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err = NULL;
        assert_null(crypto_pubkey_from_pem(bad[i], strlen(bad[i]), serial, sizeof serial, &err));
        assert_non_null(err);
    }
}

static void rsa_sha256_verifies_the_vector_only(void **state) {
    (void)state;
    char serial[80];
    const char *err;
    crypto_pubkey *k = crypto_pubkey_from_pem(PLATFORM_PUB, strlen(PLATFORM_PUB), serial, sizeof serial, &err);
    assert_non_null(k);
    unsigned char sig[512];
    size_t siglen;
    assert_true(crypto_base64_decode(SIGNATURE, strlen(SIGNATURE), sig, sizeof sig, &siglen));
    assert_int_equal(siglen, 256);
    size_t blen = strlen(BODY);
    char *msg = malloc(strlen(TS) + strlen(NONCE) + blen + 4);
    size_t n = (size_t)sprintf(msg, "%s\n%s\n%s\n", TS, NONCE, BODY);
    assert_true(crypto_pubkey_verify_sha256(k, msg, n, sig, siglen));
    assert_false(crypto_pubkey_verify_sha256(k, msg, n - 1, sig, siglen)); /* without the last line feed */
    msg[n / 2] ^= 1;
    assert_false(crypto_pubkey_verify_sha256(k, msg, n, sig, siglen));
    msg[n / 2] ^= 1;
    sig[100] ^= 0x80;
    assert_false(crypto_pubkey_verify_sha256(k, msg, n, sig, siglen));
    sig[100] ^= 0x80;
    assert_false(crypto_pubkey_verify_sha256(k, msg, n, sig, siglen - 1));
    assert_true(crypto_pubkey_verify_sha256(k, msg, n, sig, siglen));
    free(msg);
    crypto_pubkey_free(k);
}

static void aes_gcm_opens_the_vector_only(void **state) {
    (void)state;
    size_t clen = strlen(RES_CIPHERTEXT), n;
    unsigned char *raw = malloc(clen), *out = malloc(clen);
    assert_true(crypto_base64_decode(RES_CIPHERTEXT, clen, raw, clen, &n));
    assert_int_equal(n, strlen(RES_PLAIN) + CRYPTO_GCM_TAG);
    const unsigned char *key = (const unsigned char *)APIV3_KEY;
    assert_true(crypto_aes256gcm_open(key, RES_NONCE, strlen(RES_NONCE), "transaction", 11, raw, n, out));
    assert_memory_equal(out, RES_PLAIN, strlen(RES_PLAIN));
    assert_false(crypto_aes256gcm_open(key, RES_NONCE, strlen(RES_NONCE), "refund", 6, raw, n, out)); /* other data */
    assert_false(crypto_aes256gcm_open(key, RES_NONCE, strlen(RES_NONCE), "", 0, raw, n, out));
    assert_false(crypto_aes256gcm_open(key, "fdasflkja485", 12, "transaction", 11, raw, n, out));     /* other nonce */
    unsigned char other[32];
    memcpy(other, key, 32);
    other[31] ^= 1;
    assert_false(crypto_aes256gcm_open(other, RES_NONCE, strlen(RES_NONCE), "transaction", 11, raw, n, out));
    raw[n - 1] ^= 1; /* the tag */
    assert_false(crypto_aes256gcm_open(key, RES_NONCE, strlen(RES_NONCE), "transaction", 11, raw, n, out));
    for (size_t i = 0; i < n - CRYPTO_GCM_TAG; i++) assert_int_equal(out[i], 0); /* nothing unauthenticated kept */
    raw[n - 1] ^= 1;
    raw[0] ^= 1; /* the ciphertext */
    assert_false(crypto_aes256gcm_open(key, RES_NONCE, strlen(RES_NONCE), "transaction", 11, raw, n, out));
    raw[0] ^= 1;
    assert_false(crypto_aes256gcm_open(key, RES_NONCE, strlen(RES_NONCE), "transaction", 11, raw, CRYPTO_GCM_TAG - 1, out));
    assert_true(crypto_aes256gcm_open(key, RES_NONCE, strlen(RES_NONCE), "transaction", 11, raw, n, out));
    free(raw);
    free(out);
}

static void notification_verifies_within_five_minutes(void **state) {
    (void)state;
    yt_ctx x = {0};
    wechatpay *p = provider(PLATFORM_PUB, CERT_SERIAL, "1900000109");
    wechatpay_headers h = headers();
    int64_t t = ts_value();
    size_t n = strlen(BODY);
    assert_int_equal(wechatpay_verify(&x, p, &h, BODY, n, t), YT_OK);
    assert_int_equal(wechatpay_verify(&x, p, &h, BODY, n, t + WECHATPAY_SKEW_S), YT_OK);
    assert_int_equal(wechatpay_verify(&x, p, &h, BODY, n, t - WECHATPAY_SKEW_S), YT_OK);
    h.signature_type = NULL; /* older callbacks do not send it */
    assert_int_equal(wechatpay_verify(&x, p, &h, BODY, n, t), YT_OK);
    h.serial = "5157f09efdc096de15ebe81a47057a7232f1b8e1"; /* hex in either case */
    assert_int_equal(wechatpay_verify(&x, p, &h, BODY, n, t), YT_OK);

    struct {
        const char *what;
        wechatpay_headers h;
        const char *body;
        size_t n;
        int64_t now;
        const char *field;
    } bad[] = {
        {"stale", headers(), BODY, n, t + WECHATPAY_SKEW_S + 1, "Wechatpay-Timestamp"},
        {"early", headers(), BODY, n, t - WECHATPAY_SKEW_S - 1, "Wechatpay-Timestamp"},
        {"body", headers(), BODY, n - 1, t, "Wechatpay-Signature"},
        {"serial", headers(), BODY, n, t, "Wechatpay-Serial"},
        {"no serial", headers(), BODY, n, t, "Wechatpay-Serial"},
        {"type", headers(), BODY, n, t, "Wechatpay-Signature-Type"},
        {"nonce", headers(), BODY, n, t, "Wechatpay-Signature"},
        {"no nonce", headers(), BODY, n, t, "Wechatpay-Nonce"},
        {"timestamp text", headers(), BODY, n, t, "Wechatpay-Timestamp"},
        {"no signature", headers(), BODY, n, t, "Wechatpay-Signature"},
        {"probe", headers(), BODY, n, t, "Wechatpay-Signature"},
    };
    bad[3].h.serial = "7132D72A03E93CDDF8C03BBD1F37EEDF204386F1";
    bad[4].h.serial = NULL;
    bad[5].h.signature_type = "WECHATPAY2-SM2-WITH-SM3";
    bad[6].h.nonce = "c5ac7061fccab6bf3e254dcf98995b8d";
    bad[7].h.nonce = NULL;
    bad[8].h.timestamp = "1747718975.0";
    bad[9].h.signature = NULL;
    bad[10].h.signature = "WECHATPAY/SIGNTEST/AAAA";
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&x.err, 0, sizeof x.err);
        assert_int_equal(wechatpay_verify(&x, p, &bad[i].h, bad[i].body, bad[i].n, bad[i].now), YT_EAUTH);
        if (strcmp(x.err.field, bad[i].field) != 0) fail_msg("%s: named %s, not %s", bad[i].what, x.err.field, bad[i].field);
    }
    wechatpay_free(p);

    /* from a certificate with no serial configured, the certificate's own serial is the one required */
    p = provider(PLATFORM_CERT, NULL, NULL);
    h = headers();
    assert_int_equal(wechatpay_verify(&x, p, &h, BODY, n, t), YT_OK);
    h.serial = "PUB_KEY_ID_0114232134912410000000000000";
    assert_int_equal(wechatpay_verify(&x, p, &h, BODY, n, t), YT_EAUTH);
    wechatpay_free(p);
    /* a bare public key with no serial configured takes any serial (the key decides) */
    p = provider(PLATFORM_PUB, "", NULL);
    assert_int_equal(wechatpay_verify(&x, p, &h, BODY, n, t), YT_OK);
    assert_string_equal(wechatpay_mchid(p), "");
    wechatpay_free(p);
}

static void resource_decrypts_under_the_apiv3_key_only(void **state) {
    (void)state;
    yt_ctx x = {0};
    wechatpay *p = provider(PLATFORM_PUB, NULL, NULL);
    size_t len;
    char *plain = wechatpay_decrypt(&x, p, "AEAD_AES_256_GCM", RES_CIPHERTEXT, RES_NONCE, "transaction", &len);
    assert_non_null(plain);
    assert_int_equal(len, strlen(RES_PLAIN));
    assert_string_equal(plain, RES_PLAIN);
    free(plain);
    char *tampered = strdup(RES_CIPHERTEXT);
    tampered[10] = tampered[10] == 'A' ? 'B' : 'A';
    struct {
        const char *alg, *ct, *nonce, *ad, *field;
    } bad[] = {
        {"AEAD_AES_128_GCM", RES_CIPHERTEXT, RES_NONCE, "transaction", "resource.algorithm"},
        {NULL, RES_CIPHERTEXT, RES_NONCE, "transaction", "resource.algorithm"},
        {"AEAD_AES_256_GCM", tampered, RES_NONCE, "transaction", "resource.ciphertext"},
        {"AEAD_AES_256_GCM", RES_CIPHERTEXT, RES_NONCE, NULL, "resource.ciphertext"},
        {"AEAD_AES_256_GCM", RES_CIPHERTEXT, "fdasflkja48X", "transaction", "resource.ciphertext"},
        {"AEAD_AES_256_GCM", RES_CIPHERTEXT, "", "transaction", "resource.nonce"},
        {"AEAD_AES_256_GCM", "not base64!", RES_NONCE, "transaction", "resource.ciphertext"},
        {"AEAD_AES_256_GCM", "AAAAAAAAAAAAAAAAAAAAAA==", RES_NONCE, "transaction", "resource.ciphertext"}, /* the tag alone */
        {"AEAD_AES_256_GCM", NULL, RES_NONCE, "transaction", "resource.ciphertext"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(&x.err, 0, sizeof x.err);
        assert_null(wechatpay_decrypt(&x, p, bad[i].alg, bad[i].ct, bad[i].nonce, bad[i].ad, &len));
        assert_int_equal(x.err.code, YT_EINVAL);
        if (strcmp(x.err.field, bad[i].field) != 0) fail_msg("case %zu: named %s, not %s", i, x.err.field, bad[i].field);
    }
    free(tampered);
    wechatpay_free(p);
    /* another APIv3 key does not open it */
    char err[256];
    p = wechatpay_new(PLATFORM_PUB, strlen(PLATFORM_PUB), NULL, "yutangTestApiV3Key0123456789abce", NULL, err, sizeof err);
    assert_non_null(p);
    assert_null(wechatpay_decrypt(&x, p, "AEAD_AES_256_GCM", RES_CIPHERTEXT, RES_NONCE, "transaction", &len));
    wechatpay_free(p);
}

/* Sensitive fields are sealed under one platform key that has a serial (for Wechatpay-Serial): RSAES-OAEP, so
 * each sealing differs; a bare key without a serial cannot name itself, and a text too long for the key is
 * refused. (That WeChat Pay's side opens them is tested against node:crypto in the API tests.) */
static void sensitive_fields_are_sealed_under_a_named_key(void **state) {
    (void)state;
    char out[2][WECHATPAY_SEALED_LEN], serial[WECHATPAY_SERIAL_LEN] = "unchanged";
    const char *plain[] = {"6212261234567890123", "王小美"};
    wechatpay *bare = provider(PLATFORM_PUB, NULL, NULL);
    assert_false(wechatpay_seal(bare, plain, 2, out, serial, 0));
    assert_string_equal(serial, "unchanged");
    wechatpay_free(bare);
    wechatpay *named = provider(PLATFORM_PUB, "PUB_KEY_ID_0114232134912410000000000000", NULL);
    assert_true(wechatpay_seal(named, plain, 2, out, serial, 0));
    assert_string_equal(serial, "PUB_KEY_ID_0114232134912410000000000000");
    assert_int_equal(strlen(out[0]), 344); /* 256 bytes of a 2048-bit key, base64 */
    assert_int_equal(strlen(out[1]), 344);
    assert_string_not_equal(out[0], out[1]);
    char again[1][WECHATPAY_SEALED_LEN];
    assert_true(wechatpay_seal(named, plain, 1, again, serial, 0));
    assert_string_not_equal(again[0], out[0]); /* OAEP is randomized */
    char longest[215];
    memset(longest, '9', sizeof longest - 1), longest[sizeof longest - 1] = '\0';
    const char *fits[] = {longest};
    assert_true(wechatpay_seal(named, fits, 1, again, serial, 0)); /* 214 bytes: the most OAEP with SHA-1 takes */
    char too_long[216];
    memset(too_long, '9', sizeof too_long - 1), too_long[sizeof too_long - 1] = '\0';
    const char *over[] = {too_long};
    assert_false(wechatpay_seal(named, over, 1, again, serial, 0));
    wechatpay_free(named);
}

/* ---- signatures checked while a certificate download swaps the keys ---- */

/* A platform as a download brings it: a fresh RSA key, a self-signed certificate of serial (hex) in PEM, the
 * key as a signer. Made here with OpenSSL, not by the code under test. */
typedef struct {
    char cert_pem[4096];
    crypto_privkey *signer;
} fresh_platform;

static void make_platform(fresh_platform *fp, const char *serial) {
    EVP_PKEY *key = EVP_RSA_gen(2048);
    X509 *cert = X509_new();
    BIGNUM *bn = NULL;
    assert_non_null(key);
    assert_true(BN_hex2bn(&bn, serial) > 0);
    assert_non_null(BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert)));
    BN_free(bn);
    X509_set_version(cert, 2);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert), 86400L * 365);
    X509_NAME *name = X509_get_subject_name(cert);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, (const unsigned char *)"yutang test platform", -1, -1, 0);
    X509_set_issuer_name(cert, name);
    X509_set_pubkey(cert, key);
    assert_true(X509_sign(cert, key, EVP_sha256()) > 0);
    BIO *b = BIO_new(BIO_s_mem());
    assert_true(PEM_write_bio_X509(b, cert) == 1);
    int n = BIO_read(b, fp->cert_pem, sizeof fp->cert_pem - 1);
    assert_true(n > 0);
    fp->cert_pem[n] = '\0';
    BIO_free(b);
    char pem[4096];
    b = BIO_new(BIO_s_mem());
    assert_true(PEM_write_bio_PrivateKey(b, key, NULL, NULL, 0, NULL, NULL) == 1);
    n = BIO_read(b, pem, sizeof pem);
    BIO_free(b);
    const char *err = NULL;
    fp->signer = crypto_privkey_from_pem(pem, (size_t)n, &err);
    assert_non_null(fp->signer);
    X509_free(cert);
    EVP_PKEY_free(key);
}

/* The certificate encrypted as GET /v3/certificates carries it: AES-256-GCM under the APIv3 key, associated
 * data "certificate", base64 of the ciphertext and its tag. */
static void seal_certificate(const char *pem, const char *nonce, char *out, size_t cap) {
    size_t n = strlen(pem);
    unsigned char *ct = malloc(n + CRYPTO_GCM_TAG);
    int len = 0, fin = 0;
    EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
    assert_true(EVP_EncryptInit_ex(c, EVP_aes_256_gcm(), NULL, (const unsigned char *)APIV3_KEY, (const unsigned char *)nonce) == 1);
    assert_true(EVP_EncryptUpdate(c, NULL, &len, (const unsigned char *)"certificate", 11) == 1);
    assert_true(EVP_EncryptUpdate(c, ct, &len, (const unsigned char *)pem, (int)n) == 1);
    assert_true(EVP_EncryptFinal_ex(c, ct + len, &fin) == 1);
    assert_true(EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, CRYPTO_GCM_TAG, ct + n) == 1);
    EVP_CIPHER_CTX_free(c);
    assert_true(4 * ((n + CRYPTO_GCM_TAG + 2) / 3) < cap);
    EVP_EncodeBlock((unsigned char *)out, ct, (int)(n + CRYPTO_GCM_TAG));
    free(ct);
}

#define SWAP_SERIAL "1A2B3C4D5E6F708192A3B4C5D6E7F8091A2B3C4D"

typedef struct {
    const wechatpay *p;
    const wechatpay_headers *h;
    const char *body;
    int64_t now_s;
    _Atomic int *stop, failed, checked;
} verifier_arg;

static void *verify_until_stopped(void *arg) {
    verifier_arg *v = arg;
    while (!atomic_load(v->stop)) {
        yt_ctx x = {0};
        if (wechatpay_verify(&x, v->p, v->h, v->body, strlen(v->body), v->now_s) != YT_OK) atomic_fetch_add(&v->failed, 1);
        atomic_fetch_add(&v->checked, 1);
    }
    return NULL;
}

/* Notifications are checked on the loop threads while the certificates' thread swaps in each download: every
 * check sees the old set or the new one whole, never a key being freed (AddressSanitizer would say so), and a
 * signature by a certificate in both is accepted throughout. */
static void verification_holds_while_certificates_swap(void **state) {
    (void)state;
    fresh_platform fp;
    make_platform(&fp, SWAP_SERIAL);
    char sealed[8192], body[9000], sig[512], ts[24];
    const char *nonce = "swapnonce012";
    seal_certificate(fp.cert_pem, nonce, sealed, sizeof sealed);
    snprintf(body, sizeof body,
             "{\"data\":[{\"serial_no\":\"%s\",\"effective_time\":\"2026-01-01T00:00:00+08:00\",\"expire_time\":\"2099-01-01T00:00:00+08:00\","
             "\"encrypt_certificate\":{\"algorithm\":\"AEAD_AES_256_GCM\",\"nonce\":\"%s\",\"associated_data\":\"certificate\","
             "\"ciphertext\":\"%s\"}}]}",
             SWAP_SERIAL, nonce, sealed);
    int64_t now_s = (int64_t)time(NULL);
    snprintf(ts, sizeof ts, "%lld", (long long)now_s);
    char msg[9200];
    int mlen = snprintf(msg, sizeof msg, "%s\n%s\n%s\n", ts, "answernonce", body);
    assert_true(crypto_privkey_sign_sha256_b64(fp.signer, msg, (size_t)mlen, sig, sizeof sig));
    wechatpay_headers answer = {.timestamp = ts, .nonce = "answernonce", .signature = sig, .serial = SWAP_SERIAL,
                                .signature_type = WECHATPAY_SIGNATURE_TYPE};
    char err[256] = "";
    wechatpay *p = wechatpay_new(NULL, 0, NULL, APIV3_KEY, NULL, err, sizeof err); /* certificates downloaded only */
    assert_non_null(p);
    char why[256] = "";
    assert_int_equal(wechatpay_take_certificates(p, &answer, body, strlen(body), now_s * 1000, why, sizeof why), 1);
    /* a notification signed by that certificate */
    const char *note = "{\"id\":\"EV-2018022511223320873\",\"event_type\":\"TRANSACTION.SUCCESS\"}";
    char nsig[512];
    mlen = snprintf(msg, sizeof msg, "%s\n%s\n%s\n", ts, "notenonce", note);
    assert_true(crypto_privkey_sign_sha256_b64(fp.signer, msg, (size_t)mlen, nsig, sizeof nsig));
    wechatpay_headers h = {.timestamp = ts, .nonce = "notenonce", .signature = nsig, .serial = SWAP_SERIAL,
                           .signature_type = WECHATPAY_SIGNATURE_TYPE};
    _Atomic int stop = 0;
    verifier_arg v = {.p = p, .h = &h, .body = note, .now_s = now_s, .stop = &stop};
    pthread_t t[3];
    for (int i = 0; i < 3; i++) assert_int_equal(pthread_create(&t[i], NULL, verify_until_stopped, &v), 0);
    int swaps = 0;
    for (int i = 0; i < 150; i++) swaps += wechatpay_take_certificates(p, &answer, body, strlen(body), now_s * 1000, why, sizeof why) == 1;
    atomic_store(&stop, 1);
    for (int i = 0; i < 3; i++) pthread_join(t[i], NULL);
    assert_int_equal(swaps, 150);
    assert_int_equal(atomic_load(&v.failed), 0);
    assert_true(atomic_load(&v.checked) > 0);
    assert_int_equal(wechatpay_keys_held(p), 1);
    /* and the check still refuses what it should meanwhile: the same notification changed */
    yt_ctx x = {0};
    assert_int_not_equal(wechatpay_verify(&x, p, &h, "{}", 2, now_s), YT_OK);
    wechatpay_free(p);
    crypto_privkey_free(fp.signer);
}

static void settings_are_checked(void **state) {
    (void)state;
    char err[256];
    size_t n = strlen(PLATFORM_PUB);
    assert_null(wechatpay_new(PLATFORM_PUB, n, NULL, "short", NULL, err, sizeof err));
    assert_non_null(strstr(err, "32 bytes"));
    assert_null(wechatpay_new(PLATFORM_PUB, n, NULL, NULL, NULL, err, sizeof err));
    assert_null(wechatpay_new(PLATFORM_PUB, n, NULL, APIV3_KEY, "19000x0109", err, sizeof err));
    assert_null(wechatpay_new(RSA1024_PUB, strlen(RSA1024_PUB), NULL, APIV3_KEY, NULL, err, sizeof err));
    assert_non_null(strstr(err, "2048"));
    assert_null(wechatpay_load("/nonexistent/platform.pem", NULL, APIV3_KEY, NULL, err, sizeof err));
    assert_non_null(strstr(err, "cannot read"));
    char path[] = "/tmp/yt-wechatpay-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, PLATFORM_CERT, strlen(PLATFORM_CERT)), (ssize_t)strlen(PLATFORM_CERT));
    close(fd);
    wechatpay *p = wechatpay_load(path, NULL, APIV3_KEY, "1900000109", err, sizeof err);
    unlink(path);
    assert_non_null(p);
    assert_string_equal(wechatpay_mchid(p), "1900000109");
    wechatpay_free(p);
}

static void out_trade_no_names_one_order(void **state) {
    (void)state;
    char s[WECHATPAY_TRADE_NO_LEN];
    int64_t id = 0;
    wechatpay_out_trade_no(42, s);
    assert_string_equal(s, "yt0000000042");
    assert_true(wechatpay_order_id(s, &id));
    assert_int_equal(id, 42);
    wechatpay_out_trade_no(INT64_MAX, s);
    assert_string_equal(s, "yt9223372036854775807");
    assert_true(strlen(s) <= 32);
    assert_true(wechatpay_order_id(s, &id));
    assert_true(id == INT64_MAX);
    wechatpay_out_trade_no(12345678901, s);
    assert_string_equal(s, "yt12345678901");
    assert_true(wechatpay_order_id(s, &id));
    assert_true(id == 12345678901);
    const char *const bad[] = {"yt42", "yt00000000042", "YT0000000042", "0000000042", "yt0000000000", "yt000000004x",
                               "yt9223372036854775808", "yt-000000042", "yt 000000042", "", "yt", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        id = -1;
        if (wechatpay_order_id(bad[i], &id)) fail_msg("%s was taken for order %lld", bad[i] ? bad[i] : "NULL", (long long)id);
    }
}

static void out_refund_no_names_one_refund_and_round(void **state) {
    (void)state;
    char s[WECHATPAY_TRADE_NO_LEN];
    int64_t id = 0, round = 0;
    wechatpay_out_refund_no(42, 1, s);
    assert_string_equal(s, "ytr0000000042");
    assert_true(wechatpay_refund_id(s, &id, &round));
    assert_true(id == 42 && round == 1);
    wechatpay_out_refund_no(42, 2, s);
    assert_string_equal(s, "ytr0000000042-2");
    assert_true(wechatpay_refund_id(s, &id, &round));
    assert_true(id == 42 && round == 2);
    wechatpay_out_refund_no(INT64_MAX, 999999999, s);
    assert_string_equal(s, "ytr9223372036854775807-999999999");
    assert_true(strlen(s) <= 64); /* WeChat Pay's limit for out_refund_no */
    assert_true(wechatpay_refund_id(s, &id, &round));
    assert_true(id == INT64_MAX && round == 999999999);
    const char *const bad[] = {"ytr0000000042-1", "ytr0000000042-02", "ytr0000000042-", "ytr0000000042-0", "ytr0000000042-x",
                               "ytr0000000042-2-3", "ytr0000000042_2", "ytr0000000042-1000000000", "ytr42", "yt0000000042",
                               "ytr0000000042 ", "", NULL};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        id = round = -1;
        if (wechatpay_refund_id(bad[i], &id, &round))
            fail_msg("%s was taken for refund %lld round %lld", bad[i] ? bad[i] : "NULL", (long long)id, (long long)round);
    }
}

int main(void) {
    if (!crypto_start()) return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64_is_strict),
        cmocka_unit_test(public_keys_and_certificates_load),
        cmocka_unit_test(rsa_sha256_verifies_the_vector_only),
        cmocka_unit_test(aes_gcm_opens_the_vector_only),
        cmocka_unit_test(notification_verifies_within_five_minutes),
        cmocka_unit_test(resource_decrypts_under_the_apiv3_key_only),
        cmocka_unit_test(settings_are_checked),
        cmocka_unit_test(sensitive_fields_are_sealed_under_a_named_key),
        cmocka_unit_test(verification_holds_while_certificates_swap),
        cmocka_unit_test(out_trade_no_names_one_order),
        cmocka_unit_test(out_refund_no_names_one_refund_and_round),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
