#include "core/crypto.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <string.h>

/* A real Argon2id string of a random password, verified against when the
 * account does not exist, so that both paths cost the same. */
static char dummy_hash[crypto_pwhash_STRBYTES];
static pthread_once_t dummy_once = PTHREAD_ONCE_INIT;

static void dummy_init(void)
{
	char pw[33];

	crypto_random_alnum(pw, 32);
	crypto_password_hash(pw, dummy_hash);
}

int crypto_init(void)
{
	return sodium_init() < 0 ? -1 : 0;
}

void crypto_token_new(char *out)
{
	unsigned char raw[32];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(out, CRYPTO_TOKEN_LEN + 1, raw, sizeof(raw),
			  sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	sodium_memzero(raw, sizeof(raw));
}

void crypto_hash_hex(const void *s, size_t len, char *out)
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), s, len, NULL, 0);
	sodium_bin2hex(out, CRYPTO_HASH_HEX_LEN + 1, h, sizeof(h));
}

void crypto_sha256_hex(const void *s, size_t len, char *out)
{
	unsigned char h[crypto_hash_sha256_BYTES];

	crypto_hash_sha256(h, s, len);
	sodium_bin2hex(out, CRYPTO_HASH_HEX_LEN + 1, h, sizeof(h));
}

int crypto_sha256_init(struct crypto_sha256 *h)
{
	EVP_MD_CTX *c = EVP_MD_CTX_new();

	if (c == NULL || EVP_DigestInit_ex(c, EVP_sha256(), NULL) != 1) {
		EVP_MD_CTX_free(c);
		h->ctx = NULL;
		return -1;
	}
	h->ctx = c;
	return 0;
}

void crypto_sha256_update(struct crypto_sha256 *h, const void *p, size_t n)
{
	EVP_DigestUpdate(h->ctx, p, n);
}

void crypto_sha256_final_hex(struct crypto_sha256 *h, char *out)
{
	unsigned char d[EVP_MAX_MD_SIZE];
	unsigned int n = 0;

	EVP_DigestFinal_ex(h->ctx, d, &n);
	EVP_MD_CTX_free(h->ctx);
	h->ctx = NULL;
	sodium_bin2hex(out, CRYPTO_HASH_HEX_LEN + 1, d, n);
}

int crypto_password_hash(const char *password, char *out)
{
	_Static_assert(CRYPTO_PWHASH_LEN == crypto_pwhash_STRBYTES, "pwhash size");
	return crypto_pwhash_str(out, password, strlen(password),
				 crypto_pwhash_OPSLIMIT_INTERACTIVE,
				 crypto_pwhash_MEMLIMIT_INTERACTIVE) == 0 ? 0 : -1;
}

int crypto_password_verify(const char *stored, const char *password)
{
	int ok;

	if (stored == NULL)
		pthread_once(&dummy_once, dummy_init);
	ok = crypto_pwhash_str_verify(stored ? stored : dummy_hash, password,
					  strlen(password)) == 0;

	return stored ? ok : 0;
}

int crypto_str_equal(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);

	if (la != lb || la == 0)
		return 0;
	return sodium_memcmp(a, b, la) == 0;
}

void crypto_random(void *buf, size_t n)
{
	randombytes_buf(buf, n);
}

void crypto_random_alnum(char *out, size_t n)
{
	static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
	unsigned char raw[64];
	size_t i = 0;

	/* One draw for many characters; bytes >= 252 (7 x 36) are skipped so
	 * every character is equally likely. */
	while (i < n) {
		randombytes_buf(raw, sizeof(raw));
		for (size_t j = 0; j < sizeof(raw) && i < n; j++)
			if (raw[j] < 252)
				out[i++] = alphabet[raw[j] % 36];
	}
	out[n] = '\0';
}

void crypto_wipe(void *p, size_t n)
{
	sodium_memzero(p, n);
}
