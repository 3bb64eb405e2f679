/* ops_key.h: operator API keys. A key is shown once when made; the
 * database keeps only its hash. */
#ifndef OB_OPS_KEY_H
#define OB_OPS_KEY_H

#include "store/store.h"

#define OPS_KEY_PREFIX "obk_"
#define OPS_KEY_LEN (4 + CRYPTO_TOKEN_LEN)

/* Makes a key named name; the key text goes to key_out (OPS_KEY_LEN + 1),
 * the stored record to *out. */
enum ob_rc ops_key_create(struct store *st, const char *name, char *key_out,
			  struct ops_key *out, struct ob_err *err);

/* Finds the live key whose text is key. OB_EAUTH "unauthenticated" for any
 * key that is missing, malformed, unknown or revoked: the answer never says
 * which. */
enum ob_rc ops_key_check(struct store *st, const char *key, struct ops_key *out,
			 struct ob_err *err);

#endif
