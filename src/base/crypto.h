/* Crypto wrappers: libsodium for passwords (argon2id), random tokens, PII encryption and blind indexes;
 * OpenSSL's EVP for what payment providers use (RSA-SHA256 signatures, AES-256-GCM). */
#ifndef YT_CRYPTO_H
#define YT_CRYPTO_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define YT_TOKEN_LEN 48       /* "yt_" + 43 base64url chars + NUL, rounded */
#define YT_HASH_HEX 65        /* 32-byte hash as hex + NUL */
#define YT_PWHASH_LEN 128

/* Must be called once before anything else here; false when libsodium cannot start. */
bool crypto_start(void);
/* Installs the 32-byte data key (from YUTANG_DATA_KEY as 64 hex chars, or a key file).
 * Returns false and sets *err (static text) when the key is malformed. */
bool crypto_set_data_key_hex(const char *hex, const char **err);
/* Loads the key from path, creating it (mode 0600) with a fresh random key when absent. */
bool crypto_load_or_create_key_file(const char *path, const char **err);
void crypto_random_token(const char *prefix, char *out, size_t outsz);
void crypto_token_hash(const char *token, char out[YT_HASH_HEX]);
bool crypto_pw_hash(const char *pw, char out[YT_PWHASH_LEN]);
bool crypto_pw_verify(const char *stored, const char *pw);
/* Encrypts plaintext with the data key (secretbox); returns a malloc'd base64 string. */
char *crypto_pii_seal(const char *plain);
/* Decrypts a crypto_pii_seal() result; malloc'd plaintext or NULL when tampered / wrong key. */
char *crypto_pii_open(const char *sealed);
/* Unkeyed BLAKE2b-256 of bytes as hex, for fingerprints (request bodies). */
void crypto_hash_hex(const void *data, size_t n, char out[YT_HASH_HEX]);
/* Keyed blind index of (kind, value) as hex, for exact lookup of encrypted values. */
void crypto_blind_index(const char *kind, const char *value, char out[YT_HASH_HEX]);
/* Whether hex_sig is the HMAC-SHA256 of msg under key, as 64 hex digits (compared in constant time). */
bool crypto_hmac_sha256_ok(const char *key, const void *msg, size_t n, const char *hex_sig);
/* Member link tokens: "ytm_<customer id>_<expiry, Unix seconds>_<HMAC-SHA256 of both, base64url>" under a key
 * derived from the data key, so every instance sharing the store accepts them. Checking is the MAC only:
 * the caller compares the expiry with the clock and looks the customer up. */
#define YT_MEMBER_TOKEN_LEN 96
void crypto_member_token(int64_t customer, int64_t expires_s, char out[YT_MEMBER_TOKEN_LEN]);
/* Whether tok is a token this data key made; its customer and expiry. */
bool crypto_member_token_check(const char *tok, int64_t *customer, int64_t *expires_s);
/* Random password of n readable characters. */
void crypto_random_password(char *out, size_t n);

/* Overwrites n bytes with zeros in a way the compiler keeps (keys leaving memory). */
void crypto_wipe(void *p, size_t n);

/* Standard base64 with padding (RFC 4648 section 4, no whitespace) into out (cap bytes); false when it is not
 * that or does not fit. */
bool crypto_base64_decode(const char *b64, size_t len, unsigned char *out, size_t cap, size_t *outlen);

/* An RSA public key (2048 bits or more) for verifying signatures; owned by the caller (crypto_pubkey_free). */
typedef struct crypto_pubkey crypto_pubkey;
/* Reads a PEM "PUBLIC KEY" (SubjectPublicKeyInfo) or "CERTIFICATE" (X.509: its key). serial (serialsz bytes)
 * receives the certificate's serial number in upper-case hex, or "" for a bare key. NULL and *err (static
 * text) when it is neither, not RSA, or shorter than 2048 bits. */
crypto_pubkey *crypto_pubkey_from_pem(const char *pem, size_t n, char *serial, size_t serialsz, const char **err);
void crypto_pubkey_free(crypto_pubkey *k);
/* Whether sig is the RSASSA-PKCS1-v1_5 signature with SHA-256 of msg under k. */
bool crypto_pubkey_verify_sha256(const crypto_pubkey *k, const void *msg, size_t n, const unsigned char *sig, size_t siglen);
/* msg (n bytes, at most 214 for a 2048-bit key) encrypted under k with RSAES-OAEP, SHA-1 and MGF1 with SHA-1
 * (what WeChat Pay asks for its sensitive fields: RSA/ECB/OAEPWithSHA-1AndMGF1Padding), base64 (with padding)
 * into out (cap bytes, 700 is enough up to 4096-bit keys); false when it is too long or does not fit. */
bool crypto_pubkey_encrypt_oaep_b64(const crypto_pubkey *k, const void *msg, size_t n, char *out, size_t cap);

/* An RSA private key (2048 bits or more) for signing, such as a WeChat Pay merchant's apiclient_key.pem; owned
 * by the caller (crypto_privkey_free), usable from any thread. */
typedef struct crypto_privkey crypto_privkey;
/* Reads a PEM "PRIVATE KEY" (PKCS#8) or "RSA PRIVATE KEY" (PKCS#1), unencrypted. NULL and *err (static text)
 * when it is not one, not RSA, or shorter than 2048 bits. */
crypto_privkey *crypto_privkey_from_pem(const char *pem, size_t n, const char **err);
void crypto_privkey_free(crypto_privkey *k);
/* The RSASSA-PKCS1-v1_5 signature with SHA-256 of msg under k, base64 (with padding) into out (cap bytes,
 * 512 is enough for 2048 to 3072-bit keys); false when signing fails or it does not fit. */
bool crypto_privkey_sign_sha256_b64(const crypto_privkey *k, const void *msg, size_t n, char *out, size_t cap);

#define CRYPTO_GCM_TAG 16
/* AES-256-GCM decryption of in (n bytes: the ciphertext followed by its 16-byte tag) with a 32-byte key, a
 * nonce of nonce_len bytes and associated data ad (ad_len bytes, may be 0). Writes n - 16 bytes to out and
 * returns true only when the tag verifies; out holds nothing usable otherwise. */
bool crypto_aes256gcm_open(const unsigned char key[32], const void *nonce, size_t nonce_len, const void *ad, size_t ad_len,
                           const unsigned char *in, size_t n, unsigned char *out);

#endif
