/* h_ops_erasures.c: the operator reads a purge's erasure certificate, by
 * the id the account.purged webhook and audit record carry. The answer is
 * the certificate's exact bytes, so that it verifies as it comes
 * (`offboard certificate verify`). */
#include "http/handlers.h"

#include <stdlib.h>
#include <string.h>

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
