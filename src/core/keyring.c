#include "core/keyring.h"

#include <errno.h>
#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Subkey ids of libsodium's KDF, under one context: they must never change,
 * or every wrapped key and blind index stored so far is lost. */
#define KDF_CONTEXT "offboard"
#define KDF_WRAP 1
#define KDF_BLIND 2
#define KDF_CHECK 3

struct keys {
	unsigned char master[KEYRING_KEY_LEN];
	unsigned char wrap[crypto_aead_xchacha20poly1305_ietf_KEYBYTES];
	unsigned char blind[crypto_generichash_KEYBYTES];
	unsigned char check[KEYRING_KEY_LEN];
};

/* Set once at start (before threads), read-only afterwards. */
static struct keys *keys;

void keyring_use(const unsigned char key[KEYRING_KEY_LEN])
{
	if (keys == NULL) {
		if (sodium_init() < 0)
			return;
		keys = sodium_malloc(sizeof(*keys));
		if (keys == NULL)
			return;
	}
	sodium_mprotect_readwrite(keys);
	memcpy(keys->master, key, KEYRING_KEY_LEN);
	crypto_kdf_derive_from_key(keys->wrap, sizeof(keys->wrap), KDF_WRAP, KDF_CONTEXT, keys->master);
	crypto_kdf_derive_from_key(keys->blind, sizeof(keys->blind), KDF_BLIND, KDF_CONTEXT, keys->master);
	crypto_kdf_derive_from_key(keys->check, sizeof(keys->check), KDF_CHECK, KDF_CONTEXT, keys->master);
	sodium_mprotect_readonly(keys);
}

int keyring_ready(void)
{
	return keys != NULL;
}

void keyring_forget(void)
{
	sodium_free(keys);
	keys = NULL;
}

/* Decodes base64 text (surrounding white space allowed) of exactly 32 bytes. */
static int decode_key(const char *text, unsigned char key[KEYRING_KEY_LEN])
{
	size_t len;
	const char *end;

	while (*text == ' ' || *text == '\t' || *text == '\n' || *text == '\r')
		text++;
	len = strcspn(text, " \t\r\n");
	return sodium_base642bin(key, KEYRING_KEY_LEN, text, len, NULL, &len, &end,
				 sodium_base64_VARIANT_ORIGINAL) == 0 && len == KEYRING_KEY_LEN ? 0 : -1;
}

static int load_file(const char *path, char *err, size_t errcap)
{
	unsigned char key[KEYRING_KEY_LEN];
	char text[256];
	struct stat sb;
	size_t n;
	FILE *f = fopen(path, "r");

	if (f == NULL) {
		snprintf(err, errcap, "cannot read the master key file %s: %s", path, strerror(errno));
		return -1;
	}
	if (fstat(fileno(f), &sb) == 0 && (sb.st_mode & 077) != 0) {
		fclose(f);
		snprintf(err, errcap, "the master key file %s is readable by others: chmod 600 it", path);
		return -1;
	}
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	if (decode_key(text, key) < 0) {
		sodium_memzero(text, sizeof(text));
		snprintf(err, errcap, "the master key file %s does not hold base64 of 32 bytes", path);
		return -1;
	}
	sodium_memzero(text, sizeof(text));
	keyring_use(key);
	sodium_memzero(key, sizeof(key));
	return keys != NULL ? 1 : -1;
}

int keyring_load(const struct keyring_source *src, char *err, size_t errcap)
{
	char path[1200];
	unsigned char key[KEYRING_KEY_LEN];

	if (src->env_value != NULL && src->env_value[0] != '\0') {
		if (decode_key(src->env_value, key) < 0) {
			snprintf(err, errcap, "OFFBOARD_MASTER_KEY does not hold base64 of 32 bytes");
			return -1;
		}
		keyring_use(key);
		sodium_memzero(key, sizeof(key));
		return 1;
	}
	if (src->file != NULL && src->file[0] != '\0')
		return load_file(src->file, err, errcap);
	snprintf(path, sizeof(path), "%s/master.key", src->data_dir);
	if (access(path, F_OK) != 0 && errno == ENOENT)
		return 0;
	return load_file(path, err, errcap);
}

int keyring_generate(const char *data_dir, char *err, size_t errcap)
{
	unsigned char key[KEYRING_KEY_LEN];
	char text[KEYRING_B64_LEN + 2], path[1200];
	int fd;
	ssize_t w;

	snprintf(path, sizeof(path), "%s/master.key", data_dir);
	if (mkdir(data_dir, 0700) != 0 && errno != EEXIST) {
		snprintf(err, errcap, "cannot make %s: %s", data_dir, strerror(errno));
		return -1;
	}
	/* O_EXCL: two processes starting at once never make two keys */
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600)) < 0) {
		snprintf(err, errcap, "cannot make %s: %s", path, strerror(errno));
		return -1;
	}
	randombytes_buf(key, sizeof(key));
	sodium_bin2base64(text, sizeof(text), key, sizeof(key), sodium_base64_VARIANT_ORIGINAL);
	strcat(text, "\n");
	w = write(fd, text, strlen(text));
	if (w != (ssize_t)strlen(text) || fsync(fd) != 0) {
		close(fd);
		unlink(path);
		snprintf(err, errcap, "cannot write %s", path);
		return -1;
	}
	close(fd);
	keyring_use(key);
	sodium_memzero(key, sizeof(key));
	sodium_memzero(text, sizeof(text));
	return 0;
}

void keyring_check_value(char out[KEYRING_HEX_LEN + 1])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)"offboard master key check", 25,
			   keys->check, sizeof(keys->check));
	sodium_bin2hex(out, KEYRING_HEX_LEN + 1, h, sizeof(h));
}

void keyring_blind_index(const char *email, char out[KEYRING_HEX_LEN + 1])
{
	unsigned char h[32];

	crypto_generichash(h, sizeof(h), (const unsigned char *)email, strlen(email), keys->blind,
			   sizeof(keys->blind));
	sodium_bin2hex(out, KEYRING_HEX_LEN + 1, h, sizeof(h));
}

#define WRAP_NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define WRAP_TAG crypto_aead_xchacha20poly1305_ietf_ABYTES

int keyring_wrap(const unsigned char data_key[KEYRING_KEY_LEN], const char *seller_id, char *out,
		 size_t cap)
{
	unsigned char buf[WRAP_NONCE + KEYRING_KEY_LEN + WRAP_TAG];
	unsigned long long clen;

	if (cap < sodium_base64_ENCODED_LEN(sizeof(buf), sodium_base64_VARIANT_ORIGINAL))
		return -1;
	randombytes_buf(buf, WRAP_NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + WRAP_NONCE, &clen, data_key, KEYRING_KEY_LEN,
						   (const unsigned char *)seller_id, strlen(seller_id),
						   NULL, buf, keys->wrap);
	sodium_bin2base64(out, cap, buf, sizeof(buf), sodium_base64_VARIANT_ORIGINAL);
	return 0;
}

int keyring_unwrap(const char *wrapped, const char *seller_id,
		   unsigned char data_key[KEYRING_KEY_LEN])
{
	unsigned char buf[WRAP_NONCE + KEYRING_KEY_LEN + WRAP_TAG];
	unsigned long long plen;
	size_t len;

	if (sodium_base642bin(buf, sizeof(buf), wrapped, strlen(wrapped), NULL, &len, NULL,
			      sodium_base64_VARIANT_ORIGINAL) != 0 || len != sizeof(buf))
		return -1;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(data_key, &plen, NULL, buf + WRAP_NONCE,
						       sizeof(buf) - WRAP_NONCE,
						       (const unsigned char *)seller_id,
						       strlen(seller_id), buf, keys->wrap) != 0 ||
	    plen != KEYRING_KEY_LEN)
		return -1;
	return 0;
}
