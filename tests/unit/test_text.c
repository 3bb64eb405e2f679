/* Checks of outside text: table-driven, one row a case. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "domain/text.h"

#include <string.h>

static void emails(void **state)
{
	static const struct { const char *in, *out; } v[] = {
		{ "Ann@Example.COM", "ann@example.com" },
		{ "a.b+c@shop.co.uk", "a.b+c@shop.co.uk" },
		{ "no-at-sign.com", NULL },
		{ "@example.com", NULL },
		{ "a@b@c.com", NULL },
		{ "a@localhost", NULL },
		{ "a@.com", NULL },
		{ "a@b.", NULL },
		{ "a b@c.com", NULL },
		{ "", NULL },
	};
	char out[255];
	struct ob_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		enum ob_rc rc = text_email(out, sizeof(out), v[i].in, "email", &err);
		if (v[i].out) {
			assert_int_equal(rc, OB_OK);
			assert_string_equal(out, v[i].out);
		} else {
			assert_int_equal(rc, OB_EINVAL);
			assert_string_equal(err.field, "email");
		}
	}
}

static void ibans(void **state)
{
	static const struct { const char *in, *out; } v[] = {
		{ "DE89 3704 0044 0532 0130 00", "DE89370400440532013000" },
		{ "gb82west12345698765432", "GB82WEST12345698765432" },
		{ "DE89 3704 0044 0532 0130 01", NULL },   /* check digits wrong */
		{ "DE89", NULL },
		{ "1234567890123456", NULL },
		{ "DE89-3704-0044-0532-0130-00", NULL },
	};
	char out[35];
	struct ob_err err;

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		enum ob_rc rc = text_iban(out, sizeof(out), v[i].in, "iban", &err);
		if (v[i].out) {
			assert_int_equal(rc, OB_OK);
			assert_string_equal(out, v[i].out);
		} else {
			assert_int_equal(rc, OB_EINVAL);
			assert_string_equal(err.code, "invalid_iban");
		}
	}
}

static void copies(void **state)
{
	char out[8];
	struct ob_err err;

	(void)state;
	assert_int_equal(text_copy(out, sizeof(out), "seven77", 1, "f", &err), OB_OK);
	assert_int_equal(text_copy(out, sizeof(out), "eight888", 1, "f", &err), OB_EINVAL);
	assert_string_equal(err.code, "too_long");
	assert_int_equal(text_copy(out, sizeof(out), NULL, 1, "f", &err), OB_EINVAL);
	assert_string_equal(err.code, "missing_field");
	assert_int_equal(text_copy(out, sizeof(out), NULL, 0, "f", &err), OB_OK);
	assert_string_equal(out, "");
	assert_int_equal(text_copy(out, sizeof(out), "a\x01", 0, "f", &err), OB_EINVAL);
	assert_string_equal(err.code, "invalid_characters");
	assert_int_equal(text_amount(0, 0, "a", &err), OB_OK);
	assert_int_equal(text_amount(-1, 0, "a", &err), OB_EINVAL);
	assert_int_equal(text_amount(-1, 1, "a", &err), OB_OK);
	assert_int_equal(text_amount(INT64_MAX, 1, "a", &err), OB_EINVAL);
	assert_int_equal(text_amount(INT64_MIN, 1, "a", &err), OB_EINVAL);
	assert_string_equal(err.code, "invalid_amount");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(emails),
		cmocka_unit_test(ibans),
		cmocka_unit_test(copies),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
