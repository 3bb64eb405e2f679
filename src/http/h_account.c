/* h_account.c: the seller's own account and its authenticator. */
#include "http/handlers.h"

#include "core/totp.h"
#include "domain/seller.h"

#include <event2/http.h>
#include <stddef.h>
#include <stdlib.h>

enum ob_rc h_account_get(struct req *r, struct ob_err *err)
{
	struct seller s;
	char iban[48];
	json_t *o, *bank = json_null();
	enum ob_rc rc = store_seller_get(r->st, r->session.seller_id, &s, err);

	if (rc != OB_OK)
		return rc;
	if (s.bank_iban[0]) {
		seller_iban_masked(&s, iban, sizeof(iban));
		bank = json_pack("{s:s, s:s}", "holder", s.bank_holder, "iban_masked", iban);
	}
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:o, s:s, s:b, s:o}",
		      "id", s.id, "marketplace", s.marketplace_id, "email", s.email,
		      "display_name", s.display_name, "legal_name", s.legal_name, "phone", s.phone,
		      "address", s.address, "tax_id", s.tax_id, "bank_account", bank,
		      "status", seller_status_name(s.status), "totp_enabled", s.totp_secret[0] != '\0',
		      "created_at", req_time(s.created_at));
	crypto_wipe(&s, sizeof(s));
	return req_json(r, 200, o, err);
}

enum ob_rc h_totp_enrol(struct req *r, struct ob_err *err)
{
	char secret[TOTP_SECRET_B32_MAX];
	struct seller s;
	char *label = NULL, *uri = NULL;
	enum ob_rc rc;

	if ((rc = auth_totp_enrol(r->st, r->session.seller_id, secret, err)) != OB_OK)
		return rc;
	if ((rc = store_seller_get(r->st, r->session.seller_id, &s, err)) != OB_OK)
		goto out;
	label = evhttp_uriencode(s.email, -1, 0);
	uri = label ? arena_printf(&r->arena, "otpauth://totp/offboard:%s?secret=%s&issuer=offboard"
				   "&algorithm=SHA1&digits=%d&period=%d",
				   label, secret, TOTP_DIGITS, TOTP_STEP_SECONDS) : NULL;
	if (uri == NULL) {
		rc = ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
		goto out;
	}
	rc = req_json(r, 201, json_pack("{s:s, s:s}", "secret", secret, "otpauth_uri", uri), err);
out:
	free(label);
	crypto_wipe(secret, sizeof(secret));
	return rc;
}

struct totp_body {
	const char *code;
};

static const struct json_field totp_fields[] = {
	{ .name = "code", .type = JF_STRING, .required = 1, .max = 16,
	  .offset = offsetof(struct totp_body, code) },
};

enum ob_rc h_totp_verify(struct req *r, struct ob_err *err)
{
	struct totp_body in = { 0 };
	enum ob_rc rc;

	if ((rc = req_decode(r, totp_fields, 1, &in, err)) != OB_OK ||
	    (rc = auth_totp_verify(r->st, r->session.seller_id, in.code, err)) != OB_OK)
		return rc;
	return req_json(r, 200, json_pack("{s:b}", "totp_enabled", 1), err);
}
