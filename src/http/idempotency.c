#include "http/idempotency.h"

#include "core/clock.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

/* Hashes what makes two requests the same: method, path and body. */
static void request_hash(struct req *r, const char *body, size_t len, char *out)
{
	crypto_generichash_state h;
	unsigned char raw[32];

	crypto_generichash_init(&h, NULL, 0, sizeof(raw));
	crypto_generichash_update(&h, (const unsigned char *)r->route->method, strlen(r->route->method));
	crypto_generichash_update(&h, (const unsigned char *)" ", 1);
	crypto_generichash_update(&h, (const unsigned char *)r->path, strlen(r->path) + 1);
	crypto_generichash_update(&h, (const unsigned char *)body, len);
	crypto_generichash_final(&h, raw, sizeof(raw));
	sodium_bin2hex(out, CRYPTO_HASH_HEX_LEN + 1, raw, sizeof(raw));
}

enum ob_rc idempotency_run(struct req *r, route_fn fn, const char *key, const char *scope,
			   const char *body, size_t body_len, struct ob_err *err)
{
	struct idempotency rec;
	enum ob_rc rc;
	size_t klen = strlen(key);

	if (klen == 0 || klen > IDEMPOTENCY_KEY_MAX)
		return ob_fail(err, OB_EINVAL, "invalid_idempotency_key", "Idempotency-Key",
			       "Idempotency-Key must be 1 to %d characters", IDEMPOTENCY_KEY_MAX);
	for (size_t i = 0; i < klen; i++)
		if (key[i] < 0x21 || key[i] > 0x7e)
			return ob_fail(err, OB_EINVAL, "invalid_idempotency_key", "Idempotency-Key",
				       "Idempotency-Key must be printable ASCII without spaces");
	memset(&rec, 0, sizeof(rec));
	request_hash(r, body, body_len, rec.request_hash);

	/* The write lock is held from the look-up to the stored answer, so a
	 * concurrent repeat waits and then finds the answer. */
	if ((rc = store_begin(r->st, 1, err)) != OB_OK)
		return rc;
	{
		struct idempotency prev;
		memset(&prev, 0, sizeof(prev));
		rc = store_idempotency_get(r->st, scope, key, &prev, err);
		if (rc == OB_OK) {
			int same = strcmp(prev.request_hash, rec.request_hash) == 0;
			json_t *v = same ? json_loads(prev.body, 0, NULL) : NULL;
			free(prev.body);
			store_rollback(r->st);
			if (!same)
				return ob_fail(err, OB_EINVAL, "idempotency_key_reused", "Idempotency-Key",
					       "this Idempotency-Key was used for a different request");
			req_add_header(r, "Idempotent-Replayed", "true");
			return req_json(r, prev.status, v, err);
		}
		if (rc != OB_ENOTFOUND)
			goto fail;
	}
	if ((rc = fn(r, err)) != OB_OK)
		goto fail;
	/* the answer as the handler gave it: a JSON value or JSON text */
	if (r->status >= 200 && r->status < 300 &&
	    (r->resp || (r->text && r->content_type && strcmp(r->content_type, "application/json") == 0))) {
		snprintf(rec.scope, sizeof(rec.scope), "%s", scope);
		snprintf(rec.key, sizeof(rec.key), "%s", key);
		rec.status = r->status;
		rec.created_at = clock_now();
		rec.body = r->resp ? json_dumps(r->resp, JSON_COMPACT) : strdup(r->text);
		if (rec.body == NULL) {
			rc = ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
			goto fail;
		}
		rc = store_idempotency_put(r->st, &rec, err);
		free(rec.body);
		if (rc != OB_OK)
			goto fail;
	}
	return store_commit(r->st, err);
fail:
	store_rollback(r->st);
	return rc;
}
