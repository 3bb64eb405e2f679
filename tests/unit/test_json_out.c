/* JSON text written by json_out.h is the text jansson dumps for the same
 * values, byte for byte; misuse and bad input fail instead of writing
 * broken JSON. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/json_out.h"

#include <stdlib.h>
#include <string.h>

/* The string s written both ways must agree (or both refuse it). */
static void same_string(const char *s)
{
	struct json_out o;
	json_t *v = json_string(s);
	char *want = v ? json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY) : NULL;
	char *got;

	json_out_init(&o, 1 << 16);
	json_out_string(&o, s);
	got = json_out_take(&o, NULL);
	if (want == NULL)
		assert_null(got);
	else
		assert_string_equal(got, want);
	free(got);
	free(want);
	json_decref(v);
}

static void strings(void **state)
{
	static const char *const v[] = {
		"", "plain", "quote \" and backslash \\ and slash /", "tab\tnew\nline\rcr\bbs\fff",
		"\x01\x1f\x7f", "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",   /* é € 😀 */
		"bad \xff", "overlong \xc0\xaf", "surrogate \xed\xa0\x80", "cut \xe2\x82", "past \xf4\x90\x80\x80",
	};
	char one[2] = { 0, 0 };

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		same_string(v[i]);
	for (int c = 1; c < 256; c++) {
		one[0] = (char)c;
		same_string(one);
	}
}

static void a_document(void **state)
{
	json_t *v = json_pack("{s:s, s:b, s:b, s:[], s:[{s:I, s:n, s:{s:s}}, {}], s:[ss], s:I, s:I, s:i}",
			      "status", "active", "ready", 1, "paused", 0, "blockers",
			      "warnings", "count", (json_int_t)42, "amount", "action", "href", "/a?b=c",
			      "methods", "close", "pause", "min", (json_int_t)INT64_MIN, "max", (json_int_t)INT64_MAX,
			      "zero", 0);
	json_t *inner = json_pack("{s:s}", "x", "y");
	char *want, *got;
	struct json_out o;

	(void)state;
	json_object_set_new(v, "embedded", json_incref(inner));
	want = json_dumps(v, JSON_COMPACT);
	json_out_init(&o, 1 << 16);
	json_out_object(&o);
	json_out_key(&o, "status");
	json_out_string(&o, "active");
	json_out_key(&o, "ready");
	json_out_bool(&o, 1);
	json_out_key(&o, "paused");
	json_out_bool(&o, 0);
	json_out_key(&o, "blockers");
	json_out_array(&o);
	json_out_end(&o);
	json_out_key(&o, "warnings");
	json_out_array(&o);
	json_out_object(&o);
	json_out_key(&o, "count");
	json_out_int(&o, 42);
	json_out_key(&o, "amount");
	json_out_null(&o);
	json_out_key(&o, "action");
	json_out_object(&o);
	json_out_key(&o, "href");
	json_out_string(&o, "/a?b=c");
	json_out_end(&o);
	json_out_end(&o);
	json_out_object(&o);
	json_out_end(&o);
	json_out_end(&o);
	json_out_key(&o, "methods");
	json_out_array(&o);
	json_out_string(&o, "close");
	json_out_string(&o, "pause");
	json_out_end(&o);
	json_out_key(&o, "min");
	json_out_int(&o, INT64_MIN);
	json_out_key(&o, "max");
	json_out_int(&o, INT64_MAX);
	json_out_key(&o, "zero");
	json_out_int(&o, 0);
	json_out_key(&o, "embedded");
	json_out_json(&o, inner);
	json_out_end(&o);
	got = json_out_take(&o, NULL);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	free(want);
	json_decref(inner);
	json_decref(v);
}

/* Each misuse or overflow gives NULL, never half a document. */
static void failures(void **state)
{
	struct json_out o;
	size_t len = 1;

	(void)state;
	json_out_init(&o, 1 << 16);           /* a value in an object without its key */
	json_out_object(&o);
	json_out_int(&o, 1);
	json_out_end(&o);
	assert_null(json_out_take(&o, &len));
	assert_int_equal(len, 1);

	json_out_init(&o, 1 << 16);           /* a key in an array */
	json_out_array(&o);
	json_out_key(&o, "k");
	json_out_end(&o);
	assert_null(json_out_take(&o, NULL));

	json_out_init(&o, 1 << 16);           /* a bracket left open */
	json_out_array(&o);
	assert_null(json_out_take(&o, NULL));

	json_out_init(&o, 1 << 16);           /* one end too many */
	json_out_array(&o);
	json_out_end(&o);
	json_out_end(&o);
	assert_null(json_out_take(&o, NULL));

	json_out_init(&o, 1 << 16);           /* a key without its value */
	json_out_object(&o);
	json_out_key(&o, "k");
	json_out_end(&o);
	assert_null(json_out_take(&o, NULL));

	json_out_init(&o, 1 << 16);           /* too deep */
	for (int i = 0; i <= JSON_OUT_DEPTH; i++)
		json_out_array(&o);
	for (int i = 0; i <= JSON_OUT_DEPTH; i++)
		json_out_end(&o);
	assert_null(json_out_take(&o, NULL));

	json_out_init(&o, 10);                /* past the limit: 12 bytes */
	json_out_string(&o, "0123456789");
	assert_null(json_out_take(&o, NULL));

	json_out_init(&o, 12);                /* exactly the limit */
	json_out_string(&o, "0123456789");
	{
		char *t = json_out_take(&o, &len);
		assert_non_null(t);
		assert_int_equal(len, 12);
		free(t);
	}
}

/* A text larger than the first buffer grows intact. */
static void growth(void **state)
{
	struct json_out o;
	json_t *v = json_array();
	char *want, *got;

	(void)state;
	json_out_init(&o, 1 << 20);
	json_out_array(&o);
	for (int i = 0; i < 5000; i++) {
		json_out_int(&o, i * 7919);
		json_array_append_new(v, json_integer(i * 7919));
	}
	json_out_end(&o);
	got = json_out_take(&o, NULL);
	want = json_dumps(v, JSON_COMPACT);
	assert_non_null(got);
	assert_string_equal(got, want);
	free(got);
	free(want);
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(strings),
		cmocka_unit_test(a_document),
		cmocka_unit_test(failures),
		cmocka_unit_test(growth),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
