/* h_session.c: sign-in and sign-out of sellers. */
#include "http/handlers.h"

#include "core/log.h"

#include <stddef.h>
#include <stdio.h>

struct session_body {
	const char *email;
	const char *password;
	const char *totp;
};

static const struct json_field session_fields[] = {
	{ .name = "email", .type = JF_STRING, .required = 1, .max = 254,
	  .offset = offsetof(struct session_body, email) },
	{ .name = "password", .type = JF_STRING, .required = 1, .max = 1024,
	  .offset = offsetof(struct session_body, password) },
	{ .name = "totp", .type = JF_STRING, .max = 16,
	  .offset = offsetof(struct session_body, totp) },
};

static void set_cookie(struct req *r, const char *token, long max_age)
{
	char cookie[160];

	snprintf(cookie, sizeof(cookie), "ob_session=%s; Path=/; Max-Age=%ld; HttpOnly; SameSite=Strict%s",
		 token, max_age, r->w->cfg->cookie_secure ? "; Secure" : "");
	req_add_header(r, "Set-Cookie", cookie);
	crypto_wipe(cookie, sizeof(cookie));
}

enum ob_rc h_session_create(struct req *r, struct ob_err *err)
{
	struct session_body in = { 0 };
	struct sign_in s;
	enum ob_rc rc;

	if ((rc = req_decode(r, session_fields, 3, &in, err)) != OB_OK)
		return rc;
	rc = auth_sign_in(r->st, &r->w->auth, in.email, in.password, in.totp, r->client_addr, &s, err);
	if (rc != OB_OK)
		return rc;
	set_cookie(r, s.token, (long)r->w->auth.session_max);
	rc = req_json(r, 201, json_pack("{s:s, s:s, s:s, s:o}", "seller_id", s.seller_id,
					"scope", s.scope == SESSION_HISTORY ? "history" : "seller",
					"csrf_token", s.csrf_token, "expires_at", req_time(s.expires_at)),
		      err);
	log_kv(LOG_INFO, "signed in", "seller_id", s.seller_id, NULL);
	crypto_wipe(&s, sizeof(s));
	return rc;
}

enum ob_rc h_session_delete(struct req *r, struct ob_err *err)
{
	enum ob_rc rc = auth_sign_out(r->st, r->session_token, err);

	if (rc != OB_OK)
		return rc;
	req_add_header(r, "Set-Cookie", "ob_session=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict");
	r->status = 204;
	return OB_OK;
}
