/* Crypto wrappers: libsodium for passwords (argon2id), random tokens, PII encryption and blind indexes;
 * OpenSSL's EVP for what payment providers use (RSA-SHA256 signatures, AES-256-GCM). */
#include "crypto.h"
#include "alloc.h"
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static unsigned char seal_key[crypto_secretbox_KEYBYTES];
static unsigned char index_key[crypto_generichash_KEYBYTES];
static unsigned char member_key[crypto_auth_hmacsha256_KEYBYTES];
static bool have_key;

bool crypto_start(void) { return sodium_init() >= 0; }

static void derive(const unsigned char master[32]) {
    crypto_kdf_derive_from_key(seal_key, sizeof seal_key, 1, "yt-seal_", master);
    crypto_kdf_derive_from_key(index_key, sizeof index_key, 2, "yt-index", master);
    crypto_kdf_derive_from_key(member_key, sizeof member_key, 3, "yt-membr", master);
    have_key = true;
}

bool crypto_set_data_key_hex(const char *hex, const char **err) {
    unsigned char master[32];
    size_t bin_len = 0;
    if (strlen(hex) != 64 ||
        sodium_hex2bin(master, sizeof master, hex, 64, NULL, &bin_len, NULL) != 0 || bin_len != 32) {
        *err = "YUTANG_DATA_KEY must be 64 hexadecimal characters (32 bytes)";
        return false;
    }
    derive(master);
    sodium_memzero(master, sizeof master);
    return true;
}

bool crypto_load_or_create_key_file(const char *path, const char **err) {
    char hex[80] = {0};
    FILE *f = fopen(path, "r");
    if (f) {
        size_t n = fread(hex, 1, sizeof hex - 1, f);
        fclose(f);
        while (n && (hex[n - 1] == '\n' || hex[n - 1] == '\r')) hex[--n] = '\0';
        return crypto_set_data_key_hex(hex, err);
    }
    if (errno != ENOENT) { *err = "cannot read the data key file"; return false; }
    unsigned char master[32];
    randombytes_buf(master, sizeof master);
    sodium_bin2hex(hex, sizeof hex, master, sizeof master);
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd < 0) { *err = "cannot create the data key file"; return false; }
    bool ok = write(fd, hex, 64) == 64 && write(fd, "\n", 1) == 1 && fsync(fd) == 0;
    close(fd);
    if (!ok) { *err = "cannot write the data key file"; return false; }
    derive(master);
    sodium_memzero(master, sizeof master);
    return true;
}

void crypto_random_token(const char *prefix, char *out, size_t outsz) {
    unsigned char raw[32];
    randombytes_buf(raw, sizeof raw);
    char b64[64];
    sodium_bin2base64(b64, sizeof b64, raw, sizeof raw, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
    snprintf(out, outsz, "%s%s", prefix, b64);
}

void crypto_token_hash(const char *token, char out[YT_HASH_HEX]) {
    unsigned char h[32];
    crypto_generichash(h, sizeof h, (const unsigned char *)token, strlen(token), NULL, 0);
    sodium_bin2hex(out, YT_HASH_HEX, h, sizeof h);
}

bool crypto_pw_hash(const char *pw, char out[YT_PWHASH_LEN]) {
    _Static_assert(YT_PWHASH_LEN >= crypto_pwhash_STRBYTES, "pwhash buffer");
    return crypto_pwhash_str_alg(out, pw, strlen(pw), crypto_pwhash_OPSLIMIT_INTERACTIVE,
                                 crypto_pwhash_MEMLIMIT_INTERACTIVE, crypto_pwhash_ALG_ARGON2ID13) == 0;
}

bool crypto_pw_verify(const char *stored, const char *pw) {
    return crypto_pwhash_str_verify(stored, pw, strlen(pw)) == 0;
}

char *crypto_pii_seal(const char *plain) {
    size_t n = strlen(plain);
    size_t boxlen = crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + n;
    unsigned char *box = yt_malloc(boxlen);
    randombytes_buf(box, crypto_secretbox_NONCEBYTES);
    crypto_secretbox_easy(box + crypto_secretbox_NONCEBYTES, (const unsigned char *)plain, n, box, seal_key);
    size_t b64len = sodium_base64_ENCODED_LEN(boxlen, sodium_base64_VARIANT_ORIGINAL);
    char *out = yt_malloc(b64len);
    sodium_bin2base64(out, b64len, box, boxlen, sodium_base64_VARIANT_ORIGINAL);
    free(box);
    return out;
}

char *crypto_pii_open(const char *sealed) {
    size_t slen = strlen(sealed);
    unsigned char *box = yt_malloc(slen);
    size_t boxlen = 0;
    if (sodium_base642bin(box, slen, sealed, slen, NULL, &boxlen, NULL, sodium_base64_VARIANT_ORIGINAL) != 0 ||
        boxlen < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
        free(box);
        return NULL;
    }
    size_t n = boxlen - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES;
    char *plain = yt_malloc(n + 1);
    if (crypto_secretbox_open_easy((unsigned char *)plain, box + crypto_secretbox_NONCEBYTES,
                                   boxlen - crypto_secretbox_NONCEBYTES, box, seal_key) != 0) {
        free(box);
        free(plain);
        return NULL;
    }
    plain[n] = '\0';
    free(box);
    return plain;
}

void crypto_hash_hex(const void *data, size_t n, char out[YT_HASH_HEX]) {
    unsigned char h[32];
    crypto_generichash(h, sizeof h, data, n, NULL, 0);
    sodium_bin2hex(out, YT_HASH_HEX, h, sizeof h);
}

void crypto_blind_index(const char *kind, const char *value, char out[YT_HASH_HEX]) {
    unsigned char h[32];
    crypto_generichash_state st;
    crypto_generichash_init(&st, have_key ? index_key : NULL, have_key ? sizeof index_key : 0, sizeof h);
    crypto_generichash_update(&st, (const unsigned char *)kind, strlen(kind) + 1);
    crypto_generichash_update(&st, (const unsigned char *)value, strlen(value));
    crypto_generichash_final(&st, h, sizeof h);
    sodium_bin2hex(out, YT_HASH_HEX, h, sizeof h);
}

void crypto_random_password(char *out, size_t n) {
    static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    for (size_t i = 0; i < n; i++) out[i] = alphabet[randombytes_uniform(sizeof alphabet - 1)];
    out[n] = '\0';
}

bool crypto_hmac_sha256_ok(const char *key, const void *msg, size_t n, const char *hex_sig) {
    unsigned char mac[crypto_auth_hmacsha256_BYTES], given[crypto_auth_hmacsha256_BYTES];
    size_t len = 0;
    if (!hex_sig || strlen(hex_sig) != 2 * sizeof given ||
        sodium_hex2bin(given, sizeof given, hex_sig, strlen(hex_sig), NULL, &len, NULL) != 0 || len != sizeof given)
        return false;
    crypto_auth_hmacsha256_state st;
    crypto_auth_hmacsha256_init(&st, (const unsigned char *)key, strlen(key));
    crypto_auth_hmacsha256_update(&st, msg, n);
    crypto_auth_hmacsha256_final(&st, mac);
    return sodium_memcmp(mac, given, sizeof mac) == 0;
}

/* The MAC of a member token's fields, as unpadded base64url (43 characters). */
static void member_mac(int64_t customer, int64_t expires_s, char out[44]) {
    char msg[64];
    int n = snprintf(msg, sizeof msg, "ytm1|%lld|%lld", (long long)customer, (long long)expires_s);
    unsigned char mac[crypto_auth_hmacsha256_BYTES];
    crypto_auth_hmacsha256(mac, (const unsigned char *)msg, (unsigned long long)n, member_key);
    sodium_bin2base64(out, 44, mac, sizeof mac, sodium_base64_VARIANT_URLSAFE_NO_PADDING);
}

void crypto_member_token(int64_t customer, int64_t expires_s, char out[YT_MEMBER_TOKEN_LEN]) {
    char mac[44];
    member_mac(customer, expires_s, mac);
    snprintf(out, YT_MEMBER_TOKEN_LEN, "ytm_%lld_%lld_%s", (long long)customer, (long long)expires_s, mac);
}

/* A decimal of 1 to 18 digits with no sign or leading zero, ending at *end. */
static bool token_number(const char *s, int64_t *v, const char **end) {
    int64_t n = 0;
    int digits = 0;
    if (*s < '1' || *s > '9') return false;
    while (*s >= '0' && *s <= '9' && digits < 18) n = n * 10 + (*s++ - '0'), digits++;
    *v = n;
    *end = s;
    return true;
}

bool crypto_member_token_check(const char *tok, int64_t *customer, int64_t *expires_s) {
    const char *p;
    if (!have_key || strncmp(tok, "ytm_", 4) != 0 || !token_number(tok + 4, customer, &p) || *p != '_' ||
        !token_number(p + 1, expires_s, &p) || *p != '_' || strlen(p + 1) != 43)
        return false;
    char mac[44];
    member_mac(*customer, *expires_s, mac);
    return sodium_memcmp(mac, p + 1, 43) == 0;
}

void crypto_wipe(void *p, size_t n) { sodium_memzero(p, n); }

bool crypto_base64_decode(const char *b64, size_t len, unsigned char *out, size_t cap, size_t *outlen) {
    *outlen = 0;
    /* with no end pointer, libsodium refuses anything it cannot read whole (and what does not fit in cap) */
    return sodium_base642bin(out, cap, b64, len, NULL, outlen, NULL, sodium_base64_VARIANT_ORIGINAL) == 0;
}

struct crypto_pubkey {
    EVP_PKEY *key; /* owned */
};

/* key when it is RSA of 2048 bits or more; else frees it and says so in *err. */
static EVP_PKEY *rsa_2048(EVP_PKEY *key, const char **err) {
    if (EVP_PKEY_get_base_id(key) == EVP_PKEY_RSA && EVP_PKEY_get_bits(key) >= 2048) return key;
    EVP_PKEY_free(key);
    *err = "the key must be an RSA key of 2048 bits or more";
    return NULL;
}

crypto_pubkey *crypto_pubkey_from_pem(const char *pem, size_t n, char *serial, size_t serialsz, const char **err) {
    if (serialsz) serial[0] = '\0';
    if (n > INT_MAX) {
        *err = "the PEM file is too large";
        return NULL;
    }
    BIO *bio = BIO_new_mem_buf(pem, (int)n);
    if (!bio) {
        *err = "out of memory reading the PEM";
        return NULL;
    }
    EVP_PKEY *key = PEM_read_bio_PUBKEY(bio, NULL, NULL, NULL);
    if (!key) { /* not a bare public key: a certificate? */
        ERR_clear_error();
        BIO_free(bio);
        bio = BIO_new_mem_buf(pem, (int)n);
        X509 *cert = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
        if (cert) {
            key = X509_get_pubkey(cert);
            BIGNUM *bn = ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), NULL);
            char *hex = bn ? BN_bn2hex(bn) : NULL;
            if (hex && serialsz) snprintf(serial, serialsz, "%s", hex);
            OPENSSL_free(hex);
            BN_free(bn);
            X509_free(cert);
        }
    }
    BIO_free(bio);
    ERR_clear_error();
    if (!key) {
        *err = "it is neither a PEM public key (BEGIN PUBLIC KEY) nor a PEM certificate (BEGIN CERTIFICATE)";
        return NULL;
    }
    if (!(key = rsa_2048(key, err))) return NULL;
    crypto_pubkey *k = yt_malloc(sizeof *k);
    k->key = key;
    return k;
}

void crypto_pubkey_free(crypto_pubkey *k) {
    if (!k) return;
    EVP_PKEY_free(k->key);
    free(k);
}

bool crypto_pubkey_verify_sha256(const crypto_pubkey *k, const void *msg, size_t n, const unsigned char *sig, size_t siglen) {
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    bool ok = ctx && EVP_DigestVerifyInit(ctx, &pctx, EVP_sha256(), NULL, k->key) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 &&
              EVP_DigestVerify(ctx, sig, siglen, msg, n) == 1;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error(); /* a refused signature leaves errors on this thread's queue */
    return ok;
}

bool crypto_pubkey_encrypt_oaep_b64(const crypto_pubkey *k, const void *msg, size_t n, char *out, size_t cap) {
    unsigned char ct[512];
    size_t ctlen = sizeof ct;
    EVP_PKEY_CTX *ctx = EVP_PKEY_CTX_new(k->key, NULL);
    bool ok = ctx && EVP_PKEY_encrypt_init(ctx) == 1 && EVP_PKEY_CTX_set_rsa_padding(ctx, RSA_PKCS1_OAEP_PADDING) == 1 &&
              EVP_PKEY_CTX_set_rsa_oaep_md(ctx, EVP_sha1()) == 1 && EVP_PKEY_CTX_set_rsa_mgf1_md(ctx, EVP_sha1()) == 1 &&
              EVP_PKEY_encrypt(ctx, NULL, &ctlen, msg, n) == 1 && ctlen <= sizeof ct &&
              EVP_PKEY_encrypt(ctx, ct, &ctlen, msg, n) == 1 && 4 * ((ctlen + 2) / 3) < cap;
    EVP_PKEY_CTX_free(ctx);
    ERR_clear_error(); /* a message too long for the key leaves errors on this thread's queue */
    if (ok) EVP_EncodeBlock((unsigned char *)out, ct, (int)ctlen);
    return ok;
}

struct crypto_privkey {
    EVP_PKEY *key;
};

crypto_privkey *crypto_privkey_from_pem(const char *pem, size_t n, const char **err) {
    if (n > INT_MAX) {
        *err = "the PEM file is too large";
        return NULL;
    }
    BIO *bio = BIO_new_mem_buf(pem, (int)n);
    EVP_PKEY *key = bio ? PEM_read_bio_PrivateKey(bio, NULL, NULL, NULL) : NULL;
    BIO_free(bio);
    ERR_clear_error();
    if (!key) {
        *err = "it is not an unencrypted PEM private key (BEGIN PRIVATE KEY or BEGIN RSA PRIVATE KEY)";
        return NULL;
    }
    if (!(key = rsa_2048(key, err))) return NULL;
    crypto_privkey *k = yt_malloc(sizeof *k);
    k->key = key;
    return k;
}

void crypto_privkey_free(crypto_privkey *k) {
    if (!k) return;
    EVP_PKEY_free(k->key);
    free(k);
}

bool crypto_privkey_sign_sha256_b64(const crypto_privkey *k, const void *msg, size_t n, char *out, size_t cap) {
    unsigned char sig[1024];
    size_t siglen = sizeof sig;
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    EVP_PKEY_CTX *pctx = NULL;
    bool ok = ctx && EVP_DigestSignInit(ctx, &pctx, EVP_sha256(), NULL, k->key) == 1 &&
              EVP_PKEY_CTX_set_rsa_padding(pctx, RSA_PKCS1_PADDING) == 1 && EVP_DigestSign(ctx, NULL, &siglen, msg, n) == 1 &&
              siglen <= sizeof sig && EVP_DigestSign(ctx, sig, &siglen, msg, n) == 1 && 4 * ((siglen + 2) / 3) < cap;
    EVP_MD_CTX_free(ctx);
    ERR_clear_error();
    if (ok) EVP_EncodeBlock((unsigned char *)out, sig, (int)siglen);
    return ok;
}

bool crypto_aes256gcm_open(const unsigned char key[32], const void *nonce, size_t nonce_len, const void *ad, size_t ad_len,
                           const unsigned char *in, size_t n, unsigned char *out) {
    if (n < CRYPTO_GCM_TAG || n - CRYPTO_GCM_TAG > INT_MAX || ad_len > INT_MAX || nonce_len == 0 || nonce_len > INT_MAX)
        return false;
    int len = (int)(n - CRYPTO_GCM_TAG), got = 0, fin = 0;
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    bool ok = ctx && EVP_DecryptInit_ex(ctx, EVP_aes_256_gcm(), NULL, NULL, NULL) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_IVLEN, (int)nonce_len, NULL) == 1 &&
              EVP_DecryptInit_ex(ctx, NULL, NULL, key, nonce) == 1 &&
              (ad_len == 0 || EVP_DecryptUpdate(ctx, NULL, &got, ad, (int)ad_len) == 1) &&
              EVP_DecryptUpdate(ctx, out, &got, in, len) == 1 &&
              EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, CRYPTO_GCM_TAG, (void *)(in + len)) == 1 &&
              EVP_DecryptFinal_ex(ctx, out + got, &fin) == 1 && got + fin == len;
    EVP_CIPHER_CTX_free(ctx);
    ERR_clear_error();
    if (!ok && len) OPENSSL_cleanse(out, (size_t)len); /* nothing unauthenticated is handed on */
    return ok;
}
