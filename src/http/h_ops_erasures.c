/* h_ops_erasures.c: the operator follows a seller's purge and reads its
 * erasure certificate: by the seller's id (the state of the purge), or by
 * the id the account.purged webhook and audit record carry (the
 * certificate's exact bytes, so that it verifies as it comes, with
 * `offboard certificate verify`). */
#include "http/handlers.h"

#include "domain/certificate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The erasure without its certificate: where the purge stands. */
static json_t *view_erasure(const struct erasure *e)
{
	char url[96];

	snprintf(url, sizeof(url), "/api/v1/ops/erasures/%s", e->id);
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o}", "id", e->id, "status",
			 erasure_status_names[e->status], "pseudonym", e->pseudonym, "started_at",
			 req_time(e->started_at), "key_destroyed_at", req_time(e->key_destroyed_at),
			 "purged_at", req_time(e->purged_at), "retention_ends_at", req_time(e->retention_ends_at),
			 "certificate", e->status == ERASURE_RUNNING ? json_null() : json_string(url));
}

enum ob_rc h_ops_seller_erasure(struct req *r, struct ob_err *err)
{
	char subject[65];
	struct erasure *e = malloc(sizeof(*e));
	enum ob_rc rc;

	if (e == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	certificate_subject(r->params[0], subject);
	rc = store_erasure_of(r->st, r->params[0], subject, e, err);
	if (rc == OB_ENOTFOUND)
		rc = ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no purge of this seller");
	if (rc == OB_OK)
		rc = req_json(r, 200, view_erasure(e), err);
	free(e);
	return rc;
}

enum ob_rc h_ops_erasure_get(struct req *r, struct ob_err *err)
{
	struct erasure *e = malloc(sizeof(*e));
	enum ob_rc rc;

	if (e == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	rc = store_erasure_get(r->st, r->params[0], e, err);
	if (rc == OB_OK && e->status == ERASURE_RUNNING)
		rc = ob_fail(err, OB_ECONFLICT, "erasure_running", NULL,
			     "the purge is still running; its certificate comes when it ends");
	if (rc == OB_OK)
		rc = req_json_text(r, 200, strdup(e->certificate), err);
	free(e);
	return rc;
}
