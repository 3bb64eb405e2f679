/* RFC 6238 appendix B test vectors (SHA-1, 8 digits) and the checks of a
 * code: skew window and the step a code belongs to. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/crypto.h"
#include "core/totp.h"

#include <string.h>

/* base32 of the RFC's ASCII secret "12345678901234567890" */
static const char rfc_secret[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

static void rfc6238_vectors(void **state)
{
	static const struct { int64_t t; const char *code; } v[] = {
		{ 59, "94287082" },
		{ 1111111109, "07081804" },
		{ 1111111111, "14050471" },
		{ 1234567890, "89005924" },
		{ 2000000000, "69279037" },
		{ 20000000000, "65353130" },
	};
	char out[9];

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		assert_int_equal(totp_generate(rfc_secret, v[i].t, 8, out), 0);
		assert_string_equal(out, v[i].code);
	}
}

static void match_accepts_skew_and_reports_step(void **state)
{
	char code[7];
	int64_t now = 1700000000;

	(void)state;
	assert_int_equal(totp_generate(rfc_secret, now, 6, code), 0);
	assert_int_equal(totp_match(rfc_secret, now, 1, code), now / 30);
	/* one step late still matches the same step, two steps late does not */
	assert_int_equal(totp_match(rfc_secret, now + 30, 1, code), now / 30);
	assert_int_equal(totp_match(rfc_secret, now + 90, 1, code), -1);
	assert_int_equal(totp_match(rfc_secret, now, 1, "12345"), -1);
	assert_int_equal(totp_match(rfc_secret, now, 1, "abcdef"), -1);
	assert_int_equal(totp_match("not base32!", now, 1, code), -1);
}

static void new_secrets_differ_and_work(void **state)
{
	char a[TOTP_SECRET_B32_MAX], b[TOTP_SECRET_B32_MAX], code[7];

	(void)state;
	assert_int_equal(totp_secret_new(a), 0);
	assert_int_equal(totp_secret_new(b), 0);
	assert_int_equal(strlen(a), 32);
	assert_string_not_equal(a, b);
	assert_int_equal(totp_generate(a, 1000000, 6, code), 0);
	assert_true(totp_match(a, 1000000, 0, code) > 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rfc6238_vectors),
		cmocka_unit_test(match_accepts_skew_and_reports_step),
		cmocka_unit_test(new_secrets_differ_and_work),
	};

	if (crypto_init() < 0 || totp_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
