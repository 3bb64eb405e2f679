/* crypto.h: the program's secrets, through libsodium.
 *
 * Tokens are 256-bit random values written in base64url (43 characters);
 * only their hashes are stored, so a copy of the database opens nothing. */
#ifndef OB_CRYPTO_H
#define OB_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define CRYPTO_TOKEN_LEN 43          /* base64url of 32 bytes, no padding */
#define CRYPTO_HASH_HEX_LEN 64       /* hex of a 32-byte hash */
#define CRYPTO_PWHASH_LEN 128        /* crypto_pwhash_STRBYTES */

/* Initialises libsodium; returns -1 when it cannot. Call once at start. */
int crypto_init(void);

/* Writes a new random token and its NUL into out (CRYPTO_TOKEN_LEN + 1). */
void crypto_token_new(char *out);

/* Writes the hex BLAKE2b-256 hash of s and its NUL into out
 * (CRYPTO_HASH_HEX_LEN + 1). Used for tokens, keys and idempotency bodies. */
void crypto_hash_hex(const void *s, size_t len, char *out);

/* Writes the hex SHA-256 of the len bytes at s and its NUL into out
 * (CRYPTO_HASH_HEX_LEN + 1). Used where the algorithm is part of a
 * documented format (the audit log's hash chain). */
void crypto_sha256_hex(const void *s, size_t len, char *out);

/* SHA-256 over data that arrives in pieces (an export's gigabytes): init,
 * update any number of times, then final writes the hex digest and its NUL
 * into out (CRYPTO_HASH_HEX_LEN + 1) and frees the state, which init
 * allocated (init returns -1 when it cannot). final is always called
 * after a successful init. One thread at a time per state. This one is
 * OpenSSL's libcrypto, not libsodium: its SHA-256 uses the CPU's SHA
 * instructions, about ten times the speed of libsodium's portable code,
 * and a checksum of public data needs no secret handling. */
struct crypto_sha256 {
	void *ctx;
};
int crypto_sha256_init(struct crypto_sha256 *h);
void crypto_sha256_update(struct crypto_sha256 *h, const void *p, size_t n);
void crypto_sha256_final_hex(struct crypto_sha256 *h, char *out);

/* Hashes a password with Argon2id (libsodium's interactive limits) into out
 * (CRYPTO_PWHASH_LEN). Returns -1 when memory runs out. */
int crypto_password_hash(const char *password, char *out);

/* Returns 1 when password matches the stored Argon2id string, else 0. With
 * stored NULL it still spends the time of a check, so that a missing account
 * takes as long as a wrong password. */
int crypto_password_verify(const char *stored, const char *password);

/* Constant-time comparison of two NUL-terminated strings of equal length;
 * returns 1 when equal. Different lengths compare unequal. */
int crypto_str_equal(const char *a, const char *b);

/* Fills buf with n random bytes. */
void crypto_random(void *buf, size_t n);

/* Writes n random characters from [a-z0-9] and a NUL into out (n + 1). */
void crypto_random_alnum(char *out, size_t n);

/* Wipes n bytes at p so the compiler cannot skip it. */
void crypto_wipe(void *p, size_t n);

#endif
