/* Sign-in, sessions, back-off and TOTP, with the clock pinned so that
 * expiry and back-off are tested to the second without sleeping. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "testdb.h"

#include "core/clock.h"
#include "core/crypto.h"
#include "core/totp.h"
#include "domain/auth.h"
#include "domain/marketplace.h"
#include "domain/seller.h"

#define T0 1800000000

static const struct auth_policy policy = {
	.session_idle = 600, .session_max = 3600, .max_failures = 5, .ip_max_failures = 8,
	.lockout_base = 30, .lockout_max = 900,
};

static int setup(void **state)
{
	struct store *st = testdb_open();
	struct marketplace m;
	struct seller s;
	struct ob_err err;
	struct marketplace_input mi = { .id = "us", .name = "US", .currency = "USD" };
	struct seller_input si = { .email = "Ann@Shop.example", .password = "correct horse",
				   .display_name = "Ann", .marketplace = "us" };

	clock_pin(T0);
	assert_int_equal(marketplace_create(st, &mi, &m, &err), OB_OK);
	assert_int_equal(seller_create(st, &si, &s, &err), OB_OK);
	*state = st;
	return 0;
}

static int teardown(void **state)
{
	store_close(*state);
	clock_pin(0);
	return 0;
}

static enum ob_rc sign_in(struct store *st, const char *email, const char *pw, const char *totp,
			  const char *addr, struct sign_in *out, struct ob_err *err)
{
	ob_err_clear(err);
	return auth_sign_in(st, &policy, email, pw, totp, addr, out, err);
}

static void sign_in_and_session(void **state)
{
	struct store *st = *state;
	struct sign_in s;
	struct session sess;
	struct ob_err err;

	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", NULL, "10.0.0.1", &s, &err), OB_OK);
	assert_int_equal(s.scope, SESSION_SELLER);
	assert_int_equal(s.expires_at, T0 + 3600);
	assert_int_equal(auth_session(st, &policy, s.token, &sess, &err), OB_OK);
	assert_string_equal(sess.seller_id, s.seller_id);
	assert_true(auth_csrf_ok(&sess, s.csrf_token));
	assert_false(auth_csrf_ok(&sess, s.token));
	assert_false(auth_csrf_ok(&sess, NULL));
	assert_int_equal(auth_session(st, &policy, "short", &sess, &err), OB_EAUTH);
	assert_int_equal(auth_sign_out(st, s.token, &err), OB_OK);
	assert_int_equal(auth_session(st, &policy, s.token, &sess, &err), OB_EAUTH);
	assert_string_equal(err.code, "unauthenticated");
}

static void wrong_password_and_unknown_account_look_alike(void **state)
{
	struct store *st = *state;
	struct sign_in s;
	struct ob_err e1, e2;

	assert_int_equal(sign_in(st, "ann@shop.example", "wrong", NULL, "10.0.0.1", &s, &e1), OB_EAUTH);
	assert_int_equal(sign_in(st, "bob@shop.example", "wrong", NULL, "10.0.0.2", &s, &e2), OB_EAUTH);
	assert_string_equal(e1.code, "invalid_credentials");
	assert_string_equal(e1.code, e2.code);
	assert_string_equal(e1.message, e2.message);
}

static void back_off_after_five_failures(void **state)
{
	struct store *st = *state;
	struct sign_in s;
	struct ob_err err;

	for (int i = 0; i < 4; i++)
		assert_int_equal(sign_in(st, "ann@shop.example", "bad", NULL, "10.0.0.1", &s, &err), OB_EAUTH);
	/* the fifth failure starts the back-off: even the right password waits */
	assert_int_equal(sign_in(st, "ann@shop.example", "bad", NULL, "10.0.0.1", &s, &err), OB_EAUTH);
	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", NULL, "10.0.0.3", &s, &err),
			 OB_ETHROTTLED);
	assert_int_equal(err.retry_after, 30);
	clock_pin(T0 + 31);
	/* one more failure doubles it */
	assert_int_equal(sign_in(st, "ann@shop.example", "bad", NULL, "10.0.0.1", &s, &err), OB_EAUTH);
	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", NULL, "10.0.0.3", &s, &err),
			 OB_ETHROTTLED);
	assert_int_equal(err.retry_after, 60);
	clock_pin(T0 + 31 + 61);
	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", NULL, "10.0.0.3", &s, &err), OB_OK);
	/* success clears the account's count */
	assert_int_equal(sign_in(st, "ann@shop.example", "bad", NULL, "10.0.0.3", &s, &err), OB_EAUTH);
	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", NULL, "10.0.0.3", &s, &err), OB_OK);
}

static void back_off_per_address(void **state)
{
	struct store *st = *state;
	struct sign_in s;
	struct ob_err err;
	char email[64];

	/* guessing many accounts from one address is stopped too */
	for (int i = 0; i < 8; i++) {
		snprintf(email, sizeof(email), "user%d@shop.example", i);
		assert_int_equal(sign_in(st, email, "guess", NULL, "10.9.9.9", &s, &err), OB_EAUTH);
	}
	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", NULL, "10.9.9.9", &s, &err),
			 OB_ETHROTTLED);
	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", NULL, "10.0.0.1", &s, &err), OB_OK);
}

static void sessions_expire_idle_and_absolute(void **state)
{
	struct store *st = *state;
	struct sign_in s;
	struct session sess;
	struct ob_err err;

	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", NULL, "10.0.0.1", &s, &err), OB_OK);
	clock_pin(T0 + 599);
	assert_int_equal(auth_session(st, &policy, s.token, &sess, &err), OB_OK);
	clock_pin(T0 + 599 + 600);
	assert_int_equal(auth_session(st, &policy, s.token, &sess, &err), OB_EAUTH);
	assert_string_equal(err.code, "session_expired");
	/* and it is gone, not only refused */
	assert_int_equal(auth_session(st, &policy, s.token, &sess, &err), OB_EAUTH);
	assert_string_equal(err.code, "unauthenticated");

	clock_pin(T0 + 10000);
	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", NULL, "10.0.0.1", &s, &err), OB_OK);
	for (int t = 500; t < 3600; t += 500) {
		clock_pin(T0 + 10000 + t);
		assert_int_equal(auth_session(st, &policy, s.token, &sess, &err), OB_OK);
	}
	clock_pin(T0 + 10000 + 3600);
	assert_int_equal(auth_session(st, &policy, s.token, &sess, &err), OB_EAUTH);
	assert_string_equal(err.code, "session_expired");
}

static void totp_enrol_sign_in_and_no_replay(void **state)
{
	struct store *st = *state;
	struct sign_in s;
	struct ob_err err;
	char secret[TOTP_SECRET_B32_MAX], again[TOTP_SECRET_B32_MAX], code[7], wrong[7];

	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", NULL, "10.0.0.1", &s, &err), OB_OK);
	assert_int_equal(auth_totp_verify(st, s.seller_id, "123456", &err), OB_ECONFLICT);
	assert_string_equal(err.code, "no_totp_enrolment");
	assert_int_equal(auth_totp_enrol(st, s.seller_id, secret, &err), OB_OK);
	assert_int_equal(totp_generate(secret, T0, 6, code), 0);
	snprintf(wrong, sizeof(wrong), "%06d", (atoi(code) + 1) % 1000000);
	assert_int_equal(auth_totp_verify(st, s.seller_id, wrong, &err), OB_EINVAL);
	assert_string_equal(err.code, "invalid_totp");
	assert_int_equal(auth_totp_verify(st, s.seller_id, code, &err), OB_OK);
	assert_int_equal(auth_totp_enrol(st, s.seller_id, again, &err), OB_ECONFLICT);

	/* from now on the code is required; the enrolment code cannot be reused */
	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", NULL, "10.0.0.1", &s, &err), OB_EAUTH);
	assert_string_equal(err.code, "totp_required");
	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", code, "10.0.0.1", &s, &err), OB_EAUTH);
	assert_string_equal(err.code, "invalid_totp");
	clock_pin(T0 + 30);
	assert_int_equal(totp_generate(secret, T0 + 30, 6, code), 0);
	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", code, "10.0.0.1", &s, &err), OB_OK);
	assert_int_equal(sign_in(st, "ann@shop.example", "correct horse", code, "10.0.0.1", &s, &err), OB_EAUTH);
	assert_string_equal(err.code, "invalid_totp");
	assert_int_equal(sign_in(st, "ann@shop.example", "wrong", code, "10.0.0.1", &s, &err), OB_EAUTH);
	assert_string_equal(err.code, "invalid_credentials");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sign_in_and_session, setup, teardown),
		cmocka_unit_test_setup_teardown(wrong_password_and_unknown_account_look_alike, setup, teardown),
		cmocka_unit_test_setup_teardown(back_off_after_five_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(back_off_per_address, setup, teardown),
		cmocka_unit_test_setup_teardown(sessions_expire_idle_and_absolute, setup, teardown),
		cmocka_unit_test_setup_teardown(totp_enrol_sign_in_and_no_replay, setup, teardown),
	};

	if (crypto_init() < 0 || totp_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
