/* auth.h: seller sign-in, sessions, sign-in throttling and TOTP enrolment.
 *
 * A session is a 256-bit random token that only the seller's cookie holds;
 * the database keeps its hash. Each session also has a CSRF token, given
 * once at sign-in, that every unsafe request sends back. */
#ifndef OB_AUTH_H
#define OB_AUTH_H

#include "store/store.h"

struct auth_policy {
	int session_idle;        /* seconds without use */
	int session_max;         /* seconds at most */
	int max_failures;        /* per account before back-off */
	int ip_max_failures;     /* per client address before back-off */
	int lockout_base;        /* seconds of the first back-off, doubling */
	int lockout_max;         /* seconds, the longest back-off */
};

struct sign_in {
	char token[CRYPTO_TOKEN_LEN + 1];      /* for the cookie; wipe after use */
	char csrf_token[CRYPTO_TOKEN_LEN + 1];
	char seller_id[ID_MAX];
	enum session_scope scope;
	int64_t expires_at;
};

/* Checks email, password and (when enrolled) totp for a sign-in from
 * client_addr, and on success starts a session into *out. A closed account
 * gets a read-only history session; a purged one does not exist.
 * Failures: OB_ETHROTTLED (err->retry_after set) while backing off,
 * OB_EAUTH "invalid_credentials", "totp_required" or "invalid_totp". Every
 * failure counts toward the back-off of the account and the address. */
enum ob_rc auth_sign_in(struct store *st, const struct auth_policy *p, const char *email,
			const char *password, const char *totp, const char *client_addr,
			struct sign_in *out, struct ob_err *err);

/* Finds the live session of token into *out, extending its idle life.
 * OB_EAUTH "session_expired" when idle or too old (and deletes it),
 * "unauthenticated" when unknown. */
enum ob_rc auth_session(struct store *st, const struct auth_policy *p, const char *token,
			struct session *out, struct ob_err *err);

/* A fresh check of the signed-in seller's password (and TOTP when
 * enrolled) for a sensitive step such as closing the account; recorded on
 * the session of token. Failures count toward the same back-off as sign-in.
 * *password_at and *totp_at receive the times recorded. OB_EAUTH
 * "invalid_credentials", "totp_required", "invalid_totp"; OB_ETHROTTLED. */
enum ob_rc auth_step_up(struct store *st, const struct auth_policy *p, const char *token,
			const char *password, const char *totp, const char *client_addr,
			int64_t *password_at, int64_t *totp_at, struct ob_err *err);

/* Returns 1 when csrf_token belongs to the session. */
int auth_csrf_ok(const struct session *s, const char *csrf_token);

/* Ends the session of token; unknown tokens are fine. */
enum ob_rc auth_sign_out(struct store *st, const char *token, struct ob_err *err);

/* Starts TOTP enrolment: a new secret (base32, into secret_out of
 * TOTP_SECRET_B32_MAX bytes) waits for its first code. OB_ECONFLICT
 * "totp_already_enabled" when one is active. */
enum ob_rc auth_totp_enrol(struct store *st, const char *seller_id, char *secret_out,
			   struct ob_err *err);

/* Completes enrolment with a code from the new secret. OB_ECONFLICT
 * "no_totp_enrolment" without a pending secret; OB_EINVAL "invalid_totp". */
enum ob_rc auth_totp_verify(struct store *st, const char *seller_id, const char *code,
			    struct ob_err *err);

#endif
