#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "core/clock.h"

static void parse_and_format(void **state)
{
	static const struct { const char *in; int64_t t; } ok[] = {
		{ "1970-01-01T00:00:00Z", 0 },
		{ "2026-11-26T03:00:00Z", 1795662000 },
		{ "2026-11-26T04:00:00+01:00", 1795662000 },
		{ "2026-11-26T02:30:00-00:30", 1795662000 },
		{ "2026-11-26T03:00:00.123456Z", 1795662000 },
		{ "2024-02-29T00:00:00Z", 1709164800 },
	};
	static const char *const bad[] = {
		"", "2026-11-26", "2026-11-26 03:00:00Z", "2026-13-01T00:00:00Z",
		"2025-02-29T00:00:00Z", "2026-11-26T24:00:00Z", "2026-11-26T03:00:00",
		"2026-11-26T03:00:00Zjunk", "2026-11-26T03:00:00.Z", "1969-12-31T23:59:59Z",
	};
	char buf[32];
	int64_t t;

	(void)state;
	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		assert_int_equal(clock_parse(ok[i].in, &t), 0);
		assert_int_equal(t, ok[i].t);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(clock_parse(bad[i], &t), -1);
	assert_string_equal(clock_format(1795662000, buf, sizeof(buf)), "2026-11-26T03:00:00Z");
}

static void pinning(void **state)
{
	(void)state;
	clock_pin(1234);
	assert_int_equal(clock_now(), 1234);
	clock_pin(0);
	assert_true(clock_now() > 1700000000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_and_format),
		cmocka_unit_test(pinning),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
