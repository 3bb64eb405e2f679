#include "store/seal.h"

#include "core/keyring.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define MARK "s1:"
#define MARK_LEN 3
#define NONCE crypto_aead_xchacha20poly1305_ietf_NPUBBYTES
#define TAG crypto_aead_xchacha20poly1305_ietf_ABYTES
#define VARIANT sodium_base64_VARIANT_URLSAFE_NO_PADDING
#define WRAPPED_MAX 160

void seal_forget(struct store *st)
{
	if (st->key_seller[0] != '\0') {
		sodium_memzero(st->key, sizeof(st->key));
		st->key_seller[0] = '\0';
	}
}

static enum ob_rc no_master(struct ob_err *err)
{
	return ob_fail(err, OB_EINTERNAL, "no_master_key", NULL,
		       "no master key is loaded: personal data cannot be sealed or opened");
}

/* Loads the seller's data key into st->key, unless it is there already. */
static enum ob_rc load_key(struct store *st, const char *seller_id, struct ob_err *err)
{
	char wrapped[WRAPPED_MAX];
	enum ob_rc rc;

	if (st->key_seller[0] != '\0' && strcmp(st->key_seller, seller_id) == 0)
		return OB_OK;
	if (!keyring_ready())
		return no_master(err);
	seal_forget(st);
	rc = st->ops->data_key_get(st, seller_id, wrapped, sizeof(wrapped), err);
	if (rc == OB_ENOTFOUND)
		return ob_fail(err, OB_EGONE, "data_key_destroyed", NULL,
			       "the seller's personal data was erased (no data key)");
	if (rc != OB_OK)
		return rc;
	if (keyring_unwrap(wrapped, seller_id, st->key) < 0)
		return ob_fail(err, OB_EINTERNAL, "wrong_master_key", NULL,
			       "the seller's data key does not open with this master key");
	snprintf(st->key_seller, sizeof(st->key_seller), "%s", seller_id);
	return OB_OK;
}

enum ob_rc seal_new_key(struct store *st, const char *seller_id, int64_t now, struct ob_err *err)
{
	unsigned char key[KEYRING_KEY_LEN];
	char wrapped[WRAPPED_MAX];
	enum ob_rc rc;

	if (!keyring_ready())
		return no_master(err);
	rc = load_key(st, seller_id, err);
	if (rc != OB_EGONE)
		return rc;
	randombytes_buf(key, sizeof(key));
	keyring_wrap(key, seller_id, wrapped, sizeof(wrapped));
	sodium_memzero(key, sizeof(key));
	/* another process may have made it in the meantime: use that one */
	if ((rc = st->ops->data_key_put(st, seller_id, wrapped, now, err)) != OB_OK &&
	    rc != OB_ECONFLICT)
		return rc;
	return load_key(st, seller_id, err);
}

enum ob_rc seal_field(struct store *st, const char *seller_id, char *field, size_t cap,
		      struct ob_err *err)
{
	unsigned char buf[NONCE + SEALED_CAP(16383) + TAG];
	size_t len = strlen(field);
	unsigned long long clen;
	enum ob_rc rc;

	if (len == 0)
		return OB_OK;
	if (len > sizeof(buf) - NONCE - TAG ||
	    MARK_LEN + sodium_base64_ENCODED_LEN(NONCE + len + TAG, VARIANT) > cap)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "no room to seal a field of %zu bytes", len);
	if ((rc = load_key(st, seller_id, err)) != OB_OK)
		return rc;
	randombytes_buf(buf, NONCE);
	crypto_aead_xchacha20poly1305_ietf_encrypt(buf + NONCE, &clen, (const unsigned char *)field, len,
						   (const unsigned char *)seller_id, strlen(seller_id),
						   NULL, buf, st->key);
	memcpy(field, MARK, MARK_LEN);
	sodium_bin2base64(field + MARK_LEN, cap - MARK_LEN, buf, NONCE + (size_t)clen, VARIANT);
	return OB_OK;
}

enum ob_rc seal_open_field(struct store *st, const char *seller_id, char *field, size_t cap,
			   struct ob_err *err)
{
	unsigned char buf[NONCE + SEALED_CAP(16383) + TAG];
	unsigned long long plen;
	size_t len;
	enum ob_rc rc;

	if (strncmp(field, MARK, MARK_LEN) != 0)
		return OB_OK;
	if ((rc = load_key(st, seller_id, err)) != OB_OK)
		return rc;
	if (sodium_base642bin(buf, sizeof(buf), field + MARK_LEN, strlen(field + MARK_LEN), NULL, &len,
			      NULL, VARIANT) != 0 || len < NONCE + TAG ||
	    len - NONCE - TAG >= cap ||
	    crypto_aead_xchacha20poly1305_ietf_decrypt((unsigned char *)field, &plen, NULL, buf + NONCE,
						       len - NONCE, (const unsigned char *)seller_id,
						       strlen(seller_id), buf, st->key) != 0) {
		field[0] = '\0';
		return ob_fail(err, OB_EINTERNAL, "unsealable", NULL, "a sealed value does not open");
	}
	field[plen] = '\0';
	return OB_OK;
}

enum ob_rc seal_destroy_key(struct store *st, const char *seller_id, struct ob_err *err)
{
	seal_forget(st);
	return st->ops->data_key_destroy(st, seller_id, err);
}

#define CHECK_NAME "master_key_check"

enum ob_rc seal_keystore_used(struct store *st, int *used, struct ob_err *err)
{
	char stored[KEYRING_HEX_LEN + 1];
	enum ob_rc rc = st->ops->keystore_meta_get(st, CHECK_NAME, stored, sizeof(stored), err);

	*used = rc == OB_OK;
	return rc == OB_ENOTFOUND ? OB_OK : rc;
}

enum ob_rc seal_check_master(struct store *st, int *fresh, struct ob_err *err)
{
	char stored[KEYRING_HEX_LEN + 1], mine[KEYRING_HEX_LEN + 1];
	enum ob_rc rc;

	if (!keyring_ready())
		return no_master(err);
	keyring_check_value(mine);
	if (fresh)
		*fresh = 0;
	rc = st->ops->keystore_meta_get(st, CHECK_NAME, stored, sizeof(stored), err);
	if (rc == OB_ENOTFOUND) {
		if (fresh)
			*fresh = 1;
		rc = st->ops->keystore_meta_put(st, CHECK_NAME, mine, err);
		if (rc != OB_ECONFLICT)
			return rc;
		/* another process wrote it first: compare with that */
		rc = st->ops->keystore_meta_get(st, CHECK_NAME, stored, sizeof(stored), err);
	}
	if (rc != OB_OK)
		return rc;
	if (!crypto_str_equal(stored, mine))
		return ob_fail(err, OB_EAUTH, "wrong_master_key", NULL,
			       "the master key is not the one the keystore was made with");
	return OB_OK;
}
