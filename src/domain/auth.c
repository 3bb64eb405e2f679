#include "domain/auth.h"

#include "core/clock.h"
#include "core/keyring.h"
#include "core/totp.h"
#include "domain/audit.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

/* Steps of clock skew accepted either side of now. */
#define TOTP_WINDOW 1

/* Seconds between writes of a session's last use: idle expiry need not be
 * exact to the second, and a write per request would cost every reader. */
static int64_t touch_interval(const struct auth_policy *p)
{
	int64_t t = p->session_idle / 4;

	return t < 1 ? 1 : t > 60 ? 60 : t;
}

/* The throttle's key of an account or an address: a keyed hash of it, so
 * that the table holds no e-mail or IP address (an account's is the blind
 * index its seller row has). */
static void throttle_key(const char *kind, const char *value, char *out, size_t cap)
{
	char index[KEYRING_HEX_LEN + 1];

	keyring_blind_index(value, index);
	snprintf(out, cap, "%s:%s", kind, index);
}

/* Seconds left of a back-off on key, or 0. */
static int64_t throttle_left(struct store *st, const char *key, int64_t now, struct ob_err *err,
			     enum ob_rc *rc)
{
	struct throttle t;

	*rc = store_throttle_get(st, key, &t, err);
	if (*rc == OB_ENOTFOUND) {
		*rc = OB_OK;
		return 0;
	}
	if (*rc != OB_OK)
		return 0;
	return t.locked_until > now ? t.locked_until - now : 0;
}

/* Counts one failure on key; from the max-th on, backs off for
 * lockout_base * 2^(failures - max) seconds, capped. A key quiet for
 * lockout_max seconds starts again from zero. */
static enum ob_rc throttle_fail(struct store *st, const struct auth_policy *p, const char *key,
				int max, int64_t now, struct ob_err *err)
{
	struct throttle t;
	enum ob_rc rc = store_throttle_get(st, key, &t, err);

	if (rc == OB_ENOTFOUND || (rc == OB_OK && now - t.last_failure_at > p->lockout_max)) {
		memset(&t, 0, sizeof(t));
		snprintf(t.key, sizeof(t.key), "%s", key);
	} else if (rc != OB_OK) {
		return rc;
	}
	t.failures++;
	t.last_failure_at = now;
	if (t.failures >= max) {
		int shift = t.failures - max;
		int64_t wait = shift > 20 ? p->lockout_max : (int64_t)p->lockout_base << shift;
		t.locked_until = now + (wait > p->lockout_max ? p->lockout_max : wait);
	}
	return store_throttle_put(st, &t, err);
}

/* The audit actor of a seller, or "anonymous" when none is known. */
static void audit_actor(const char *seller_id, char *out, size_t cap)
{
	if (seller_id && seller_id[0])
		snprintf(out, cap, "seller:%s", seller_id);
	else
		snprintf(out, cap, "anonymous");
}

/* Appends the audit record of a sign-in or TOTP step that failed with
 * err's code (into e2 when it cannot). Inside a transaction it joins it;
 * after the step's own rolled back, it commits alone. The detail holds the
 * code only: never the e-mail address that was tried. */
static enum ob_rc audit_failure(struct store *st, const char *seller_id, const char *action,
				const struct ob_err *err, struct ob_err *e2)
{
	char actor[64], detail[128];
	const char *code = err->code;

	if (code[0] == '\0' || strspn(code, "abcdefghijklmnopqrstuvwxyz0123456789_") != strlen(code))
		code = "unknown";
	audit_actor(seller_id, actor, sizeof(actor));
	snprintf(detail, sizeof(detail), "{\"result\":\"failure\",\"reason\":\"%s\"}", code);
	return audit_record(st, actor, seller_id, action, detail, e2);
}

/* After a step failed with err: records the failure in the audit log and
 * returns err->rc, or the failure to record it (which then fills err). */
static enum ob_rc audit_failed_step(struct store *st, const char *seller_id, const char *action,
				    struct ob_err *err)
{
	struct ob_err e2;
	enum ob_rc rc = audit_failure(st, seller_id, action, err, &e2);

	if (rc != OB_OK)
		return ob_fail(err, rc, e2.code, NULL, "%s", e2.message);
	return err->rc;
}

/* Counts a failed sign-in (err says why) toward the back-offs and records
 * it in the audit log, in one transaction. seller_id is the account's when
 * it exists, else NULL. */
static enum ob_rc record_failure(struct store *st, const struct auth_policy *p,
				 const char *acct_key, const char *addr_key, const char *seller_id,
				 const char *action, int64_t now, struct ob_err *err)
{
	struct ob_err e2;
	enum ob_rc rc;

	if ((rc = store_begin(st, 1, &e2)) != OB_OK)
		return ob_fail(err, rc, e2.code, NULL, "%s", e2.message);
	if ((rc = throttle_fail(st, p, acct_key, p->max_failures, now, &e2)) != OB_OK ||
	    (rc = throttle_fail(st, p, addr_key, p->ip_max_failures, now, &e2)) != OB_OK ||
	    (rc = audit_failure(st, seller_id, action, err, &e2)) != OB_OK) {
		store_rollback(st);
		return ob_fail(err, rc, e2.code, NULL, "%s", e2.message);
	}
	if ((rc = store_commit(st, &e2)) != OB_OK)
		return ob_fail(err, rc, e2.code, NULL, "%s", e2.message);
	return err->rc;
}

enum ob_rc auth_sign_in(struct store *st, const struct auth_policy *p, const char *email,
			const char *password, const char *totp, const char *client_addr,
			struct sign_in *out, struct ob_err *err)
{
	char addr_key[300], acct_key[300], normal[255], actor[64], detail[128];
	struct seller s;
	struct session sess;
	int64_t now = clock_now(), left, step = 0;
	enum ob_rc rc;
	int found, password_ok;

	memset(out, 0, sizeof(*out));
	throttle_key("addr", client_addr, addr_key, sizeof(addr_key));
	if (text_email(normal, sizeof(normal), email, "email", NULL) != OB_OK)
		snprintf(normal, sizeof(normal), "%.250s", email ? email : "");
	throttle_key("acct", normal, acct_key, sizeof(acct_key));

	left = throttle_left(st, addr_key, now, err, &rc);
	if (rc == OB_OK && left == 0)
		left = throttle_left(st, acct_key, now, err, &rc);
	if (rc != OB_OK)
		return rc;
	if (left > 0) {
		ob_fail(err, OB_ETHROTTLED, "too_many_attempts", NULL,
			"too many failed sign-ins; try again in %lld seconds", (long long)left);
		err->retry_after = (long)left;
		return OB_ETHROTTLED;
	}

	rc = store_seller_get_by_email(st, normal, &s, err);
	if (rc != OB_OK && rc != OB_ENOTFOUND)
		return rc;
	found = rc == OB_OK && s.status != SELLER_PURGED;
	/* The check runs even without an account, so that timing does not
	 * tell which e-mail addresses have one. */
	password_ok = crypto_password_verify(found ? s.password_hash : NULL, password);
	if (!found || !password_ok) {
		ob_fail(err, OB_EAUTH, "invalid_credentials", NULL, "e-mail or password is wrong");
		return record_failure(st, p, acct_key, addr_key, found ? s.id : NULL, "session.sign_in", now, err);
	}
	if (s.totp_secret[0]) {
		if (totp == NULL || totp[0] == '\0') {
			/* Not counted toward the back-off (it is the first half of
			 * a two-step sign-in), but a right password is worth a record. */
			ob_fail(err, OB_EAUTH, "totp_required", "totp",
				"enter the code from your authenticator app");
			return audit_failed_step(st, s.id, "session.sign_in", err);
		}
		step = totp_match(s.totp_secret, now, TOTP_WINDOW, totp);
		if (step <= s.totp_last_step) {
			ob_fail(err, OB_EAUTH, "invalid_totp", "totp",
				"the authenticator code is wrong or was already used");
			return record_failure(st, p, acct_key, addr_key, s.id, "session.sign_in", now, err);
		}
	}

	if (s.status == SELLER_CLOSED) {
		/* a closed account reads its history until the policy's date */
		struct closure c;
		rc = store_closure_current(st, s.id, &c, err);
		if (rc != OB_OK && rc != OB_ENOTFOUND)
			return rc;
		if (rc == OB_OK && c.status == CLOSURE_CLOSED && now >= c.history_ends_at)
			return ob_fail(err, OB_EFORBIDDEN, "history_access_ended", NULL,
				       "access to this closed account's history ended; its data is being erased");
	}

	crypto_token_new(out->token);
	crypto_token_new(out->csrf_token);
	memset(&sess, 0, sizeof(sess));
	crypto_hash_hex(out->token, CRYPTO_TOKEN_LEN, sess.token_hash);
	crypto_hash_hex(out->csrf_token, CRYPTO_TOKEN_LEN, sess.csrf_hash);
	snprintf(sess.seller_id, sizeof(sess.seller_id), "%s", s.id);
	sess.scope = s.status == SELLER_CLOSED ? SESSION_HISTORY : SESSION_SELLER;
	sess.created_at = sess.last_seen_at = sess.password_at = now;
	sess.totp_at = step > 0 ? now : 0;
	sess.expires_at = now + p->session_max;

	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_throttle_delete(st, acct_key, err)) != OB_OK)
		goto fail;
	if (step > 0) {
		/* Re-read under the write lock: a parallel sign-in may have used
		 * the same code a moment ago. */
		if ((rc = store_seller_get(st, s.id, &s, err)) != OB_OK)
			goto fail;
		if (step <= s.totp_last_step) {
			ob_fail(err, OB_EAUTH, "invalid_totp", "totp",
				"the authenticator code is wrong or was already used");
			store_rollback(st);
			crypto_wipe(out, sizeof(*out));
			return record_failure(st, p, acct_key, addr_key, s.id, "session.sign_in", now, err);
		}
		s.totp_last_step = step;
		s.updated_at = now;
		if ((rc = store_seller_set_totp(st, &s, err)) != OB_OK)
			goto fail;
	}
	if ((rc = store_session_insert(st, &sess, err)) != OB_OK)
		goto fail;
	audit_actor(s.id, actor, sizeof(actor));
	snprintf(detail, sizeof(detail), "{\"result\":\"success\",\"scope\":\"%s\",\"totp\":%s}",
		 sess.scope == SESSION_HISTORY ? "history" : "seller", step > 0 ? "true" : "false");
	if ((rc = audit_record(st, actor, s.id, "session.sign_in", detail, err)) != OB_OK)
		goto fail;
	if ((rc = store_commit(st, err)) != OB_OK)
		goto wipe;
	snprintf(out->seller_id, sizeof(out->seller_id), "%s", s.id);
	out->scope = sess.scope;
	out->expires_at = sess.expires_at;
	return OB_OK;
fail:
	store_rollback(st);
wipe:
	crypto_wipe(out, sizeof(*out));
	return rc;
}

enum ob_rc auth_session(struct store *st, const struct auth_policy *p, const char *token,
			struct session *out, struct ob_err *err)
{
	char hash[CRYPTO_HASH_HEX_LEN + 1];
	int64_t now = clock_now();
	enum ob_rc rc;

	if (token == NULL || strlen(token) != CRYPTO_TOKEN_LEN)
		return ob_fail(err, OB_EAUTH, "unauthenticated", NULL, "sign in first");
	crypto_hash_hex(token, CRYPTO_TOKEN_LEN, hash);
	rc = store_session_get(st, hash, out, err);
	if (rc == OB_ENOTFOUND)
		return ob_fail(err, OB_EAUTH, "unauthenticated", NULL, "sign in first");
	if (rc != OB_OK)
		return rc;
	if (now >= out->expires_at || now - out->last_seen_at >= p->session_idle) {
		store_session_delete(st, hash, NULL);
		return ob_fail(err, OB_EAUTH, "session_expired", NULL,
			       "your session has expired; sign in again");
	}
	if (now - out->last_seen_at >= touch_interval(p)) {
		if ((rc = store_session_touch(st, hash, now, err)) != OB_OK)
			return rc;
		out->last_seen_at = now;
	}
	return OB_OK;
}

int auth_csrf_ok(const struct session *s, const char *csrf_token)
{
	char hash[CRYPTO_HASH_HEX_LEN + 1];

	if (csrf_token == NULL || strlen(csrf_token) != CRYPTO_TOKEN_LEN)
		return 0;
	crypto_hash_hex(csrf_token, CRYPTO_TOKEN_LEN, hash);
	return crypto_str_equal(hash, s->csrf_hash);
}

enum ob_rc auth_sign_out(struct store *st, const char *token, struct ob_err *err)
{
	char hash[CRYPTO_HASH_HEX_LEN + 1];

	if (token == NULL || strlen(token) != CRYPTO_TOKEN_LEN)
		return OB_OK;
	crypto_hash_hex(token, CRYPTO_TOKEN_LEN, hash);
	return store_session_delete(st, hash, err);
}

enum ob_rc auth_totp_enrol(struct store *st, const char *seller_id, char *secret_out,
			   struct ob_err *err)
{
	struct seller s;
	char actor[64];
	enum ob_rc rc;

	if (totp_secret_new(secret_out) < 0)
		return ob_fail(err, OB_EINTERNAL, NULL, NULL, "cannot make a TOTP secret");
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_seller_get(st, seller_id, &s, err)) != OB_OK)
		goto fail;
	if (s.totp_secret[0]) {
		rc = ob_fail(err, OB_ECONFLICT, "totp_already_enabled", NULL,
			     "an authenticator is already enrolled");
		goto refused;
	}
	snprintf(s.totp_pending, sizeof(s.totp_pending), "%s", secret_out);
	s.updated_at = clock_now();
	audit_actor(seller_id, actor, sizeof(actor));
	if ((rc = store_seller_set_totp(st, &s, err)) != OB_OK ||
	    (rc = audit_record(st, actor, seller_id, "totp.enrol", "{\"result\":\"success\"}",
				err)) != OB_OK)
		goto fail;
	if ((rc = store_commit(st, err)) != OB_OK)
		crypto_wipe(secret_out, TOTP_SECRET_B32_MAX);
	return rc;
refused:
	store_rollback(st);
	crypto_wipe(secret_out, TOTP_SECRET_B32_MAX);
	return audit_failed_step(st, seller_id, "totp.enrol", err);
fail:
	store_rollback(st);
	crypto_wipe(secret_out, TOTP_SECRET_B32_MAX);
	return rc;
}

enum ob_rc auth_totp_verify(struct store *st, const char *seller_id, const char *code,
			    struct ob_err *err)
{
	struct seller s;
	char actor[64];
	int64_t now = clock_now(), step;
	enum ob_rc rc;

	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_seller_get(st, seller_id, &s, err)) != OB_OK)
		goto fail;
	if (s.totp_pending[0] == '\0') {
		rc = ob_fail(err, OB_ECONFLICT, "no_totp_enrolment", NULL,
			     "start enrolment first (POST /api/v1/account/totp)");
		goto refused;
	}
	step = totp_match(s.totp_pending, now, TOTP_WINDOW, code ? code : "");
	if (step < 0) {
		rc = ob_fail(err, OB_EINVAL, "invalid_totp", "code",
			     "the code does not match; check the time on your device");
		goto refused;
	}
	memcpy(s.totp_secret, s.totp_pending, sizeof(s.totp_secret));
	s.totp_pending[0] = '\0';
	s.totp_last_step = step;
	s.updated_at = now;
	audit_actor(seller_id, actor, sizeof(actor));
	if ((rc = store_seller_set_totp(st, &s, err)) != OB_OK ||
	    (rc = audit_record(st, actor, seller_id, "totp.verify", "{\"result\":\"success\"}",
				err)) != OB_OK)
		goto fail;
	crypto_wipe(&s, sizeof(s));
	return store_commit(st, err);
refused:
	store_rollback(st);
	crypto_wipe(&s, sizeof(s));
	return audit_failed_step(st, seller_id, "totp.verify", err);
fail:
	store_rollback(st);
	crypto_wipe(&s, sizeof(s));
	return rc;
}

enum ob_rc auth_step_up(struct store *st, const struct auth_policy *p, const char *token,
			const char *password, const char *totp, const char *client_addr,
			int64_t *password_at, int64_t *totp_at, struct ob_err *err)
{
	char addr_key[300], acct_key[300], hash[CRYPTO_HASH_HEX_LEN + 1], actor[64];
	struct session sess;
	struct seller s;
	int64_t now = clock_now(), left, step = 0;
	enum ob_rc rc;

	*password_at = *totp_at = 0;
	if ((rc = auth_session(st, p, token, &sess, err)) != OB_OK)
		return rc;
	if ((rc = store_seller_get(st, sess.seller_id, &s, err)) != OB_OK)
		return rc;
	throttle_key("addr", client_addr, addr_key, sizeof(addr_key));
	throttle_key("acct", s.email, acct_key, sizeof(acct_key));
	left = throttle_left(st, addr_key, now, err, &rc);
	if (rc == OB_OK && left == 0)
		left = throttle_left(st, acct_key, now, err, &rc);
	if (rc != OB_OK)
		goto out;
	if (left > 0) {
		rc = ob_fail(err, OB_ETHROTTLED, "too_many_attempts", NULL,
			     "too many failed attempts; try again in %lld seconds", (long long)left);
		err->retry_after = (long)left;
		goto out;
	}
	if (!crypto_password_verify(s.password_hash, password ? password : "")) {
		ob_fail(err, OB_EAUTH, "invalid_credentials", "password", "the password is wrong");
		rc = record_failure(st, p, acct_key, addr_key, s.id, "session.step_up", now, err);
		goto out;
	}
	if (s.totp_secret[0]) {
		step = totp && totp[0] ? totp_match(s.totp_secret, now, TOTP_WINDOW, totp) : -1;
		if (step <= s.totp_last_step) {
			ob_fail(err, OB_EAUTH, totp && totp[0] ? "invalid_totp" : "totp_required", "totp",
				"enter a new code from your authenticator app");
			rc = record_failure(st, p, acct_key, addr_key, s.id, "session.step_up", now, err);
			goto out;
		}
	}
	crypto_hash_hex(token, CRYPTO_TOKEN_LEN, hash);
	audit_actor(s.id, actor, sizeof(actor));
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		goto out;
	if (step > 0) {
		struct seller fresh;
		/* under the write lock: the same code may have just been used */
		if ((rc = store_seller_get(st, s.id, &fresh, err)) != OB_OK)
			goto fail;
		if (step <= fresh.totp_last_step) {
			rc = ob_fail(err, OB_EAUTH, "invalid_totp", "totp", "this code was already used");
			goto fail;
		}
		fresh.totp_last_step = step;
		fresh.updated_at = now;
		rc = store_seller_set_totp(st, &fresh, err);
		crypto_wipe(&fresh, sizeof(fresh));
		if (rc != OB_OK)
			goto fail;
	}
	if ((rc = store_session_step_up(st, hash, now, step > 0 ? now : 0, err)) != OB_OK ||
	    (rc = audit_record(st, actor, s.id, "session.step_up", "{\"result\":\"success\"}", err)) != OB_OK ||
	    (rc = store_throttle_delete(st, acct_key, err)) != OB_OK)
		goto fail;
	if ((rc = store_commit(st, err)) != OB_OK)
		goto out;
	*password_at = now;
	*totp_at = step > 0 ? now : 0;
	goto out;
fail:
	store_rollback(st);
out:
	crypto_wipe(&s, sizeof(s));
	return rc;
}
