/* idempotency.h: Idempotency-Key for requests that create or move
 * something. The first answer is stored in the same transaction as the
 * change it reports, so a repeat (even a concurrent one) gets that answer
 * and changes nothing; the same key with a different request is refused. */
#ifndef OB_IDEMPOTENCY_H
#define OB_IDEMPOTENCY_H

#include "http/routes.h"

#define IDEMPOTENCY_KEY_MAX 255

/* Runs fn for r under the key (from the Idempotency-Key header) in the
 * scope of the caller (seller or operator key id). Failures of fn are not
 * stored: fixing the request and sending it again with the same key works. */
enum ob_rc idempotency_run(struct req *r, route_fn fn, const char *key, const char *scope,
			   const char *body, size_t body_len, struct ob_err *err);

#endif
