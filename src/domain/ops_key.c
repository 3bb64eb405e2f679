#include "domain/ops_key.h"

#include "core/clock.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

enum ob_rc ops_key_create(struct store *st, const char *name, char *key_out,
			  struct ops_key *out, struct ob_err *err)
{
	char token[CRYPTO_TOKEN_LEN + 1];
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = text_copy(out->name, sizeof(out->name), name, 1, "name", err)) != OB_OK)
		return rc;
	crypto_token_new(token);
	snprintf(key_out, OPS_KEY_LEN + 1, OPS_KEY_PREFIX "%s", token);
	crypto_wipe(token, sizeof(token));
	crypto_hash_hex(key_out, OPS_KEY_LEN, out->key_hash);
	id_new("key", out->id);
	out->created_at = clock_now();
	return store_ops_key_insert(st, out, err);
}

enum ob_rc ops_key_check(struct store *st, const char *key, struct ops_key *out,
			 struct ob_err *err)
{
	char hash[CRYPTO_HASH_HEX_LEN + 1];
	enum ob_rc rc;

	if (key == NULL || strlen(key) != OPS_KEY_LEN)
		goto denied;
	crypto_hash_hex(key, OPS_KEY_LEN, hash);
	rc = store_ops_key_get_by_hash(st, hash, out, err);
	if (rc == OB_ENOTFOUND || (rc == OB_OK && out->revoked_at != 0))
		goto denied;
	return rc;
denied:
	return ob_fail(err, OB_EAUTH, "unauthenticated", NULL,
		       "a valid operator key is required (Authorization: Bearer)");
}
