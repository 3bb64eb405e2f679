/* h_ops_accounts.c: the operator creates marketplaces and sellers. */
#include "http/handlers.h"

#include "domain/marketplace.h"
#include "domain/seller.h"

#include <stddef.h>

static enum ob_rc marketplace_json(struct req *r, const struct marketplace *m, struct ob_err *err)
{
	return req_json(r, 201, json_pack("{s:s, s:s, s:s, s:s, s:o}", "id", m->id, "name", m->name,
					  "currency", m->currency, "policy", m->policy,
					  "created_at", req_time(m->created_at)),
			err);
}

static const struct json_field marketplace_fields[] = {
	{ .name = "id", .type = JF_STRING, .required = 1, .max = 31,
	  .offset = offsetof(struct marketplace_input, id) },
	{ .name = "name", .type = JF_STRING, .required = 1, .max = 200,
	  .offset = offsetof(struct marketplace_input, name) },
	{ .name = "currency", .type = JF_STRING, .required = 1, .max = 3,
	  .offset = offsetof(struct marketplace_input, currency) },
	{ .name = "policy", .type = JF_STRING, .max = 64,
	  .offset = offsetof(struct marketplace_input, policy) },
};

enum ob_rc h_ops_marketplace_create(struct req *r, struct ob_err *err)
{
	struct marketplace_input in = { 0 };
	struct marketplace m;
	enum ob_rc rc;

	if ((rc = req_decode(r, marketplace_fields, 4, &in, err)) != OB_OK ||
	    (rc = marketplace_create(r->st, &in, &m, err)) != OB_OK)
		return rc;
	return marketplace_json(r, &m, err);
}

static const struct json_field bank_fields[] = {
	{ .name = "holder", .type = JF_STRING, .required = 1, .max = 200,
	  .offset = offsetof(struct seller_input, bank_holder) },
	{ .name = "iban", .type = JF_STRING, .required = 1, .max = 50,
	  .offset = offsetof(struct seller_input, bank_iban) },
};

static const struct json_field seller_fields[] = {
	{ .name = "email", .type = JF_STRING, .required = 1, .max = 254,
	  .offset = offsetof(struct seller_input, email) },
	{ .name = "password", .type = JF_STRING, .required = 1, .max = 1024,
	  .offset = offsetof(struct seller_input, password) },
	{ .name = "display_name", .type = JF_STRING, .required = 1, .max = 200,
	  .offset = offsetof(struct seller_input, display_name) },
	{ .name = "marketplace", .type = JF_STRING, .required = 1, .max = 31,
	  .offset = offsetof(struct seller_input, marketplace) },
	{ .name = "legal_name", .type = JF_STRING, .max = 200,
	  .offset = offsetof(struct seller_input, legal_name) },
	{ .name = "phone", .type = JF_STRING, .max = 40,
	  .offset = offsetof(struct seller_input, phone) },
	{ .name = "address", .type = JF_STRING, .max = 500,
	  .offset = offsetof(struct seller_input, address) },
	{ .name = "tax_id", .type = JF_STRING, .max = 40,
	  .offset = offsetof(struct seller_input, tax_id) },
	{ .name = "bank_account", .type = JF_OBJECT, .nested = bank_fields, .nnested = 2 },
};

enum ob_rc h_ops_seller_create(struct req *r, struct ob_err *err)
{
	struct seller_input in = { 0 };
	struct seller s;
	enum ob_rc rc;

	if ((rc = req_decode(r, seller_fields, sizeof(seller_fields) / sizeof(seller_fields[0]), &in,
			     err)) != OB_OK ||
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
