/* h_ops_accounts.c: the operator creates marketplaces and sellers. */
#include "http/handlers.h"

#include "http/decode.h"

#include <stddef.h>

static enum ob_rc marketplace_json(struct req *r, const struct marketplace *m, struct ob_err *err)
{
	return req_json(r, 201, json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", m->id, "name", m->name,
					  "currency", m->currency, "policy", m->policy,
					  "created_at", req_time(m->created_at)),
			err);
}

enum ob_rc h_ops_marketplace_create(struct req *r, struct ob_err *err)
{
	struct marketplace_input in;
	struct marketplace m;
	enum ob_rc rc;

	if ((rc = decode_marketplace(r->body, &in, err)) != OB_OK ||
	    (rc = marketplace_create(r->st, &in, &m, err)) != OB_OK)
		return rc;
	return marketplace_json(r, &m, err);
}

enum ob_rc h_ops_seller_create(struct req *r, struct ob_err *err)
{
	struct seller_input in;
	struct seller s;
	enum ob_rc rc;

	if ((rc = decode_seller(r->body, &in, err)) != OB_OK ||
	    (rc = seller_create(r->st, &in, &s, err)) != OB_OK)
		return rc;
	rc = req_json(r, 201, json_pack("{s:s, s:s, s:s, s:s, s:s, s:o}", "id", s.id, "email", s.email,
					"display_name", s.display_name, "marketplace", s.marketplace_id,
					"status", seller_status_name(s.status),
					"created_at", req_time(s.created_at)),
		      err);
	crypto_wipe(&s, sizeof(s));
	return rc;
}
