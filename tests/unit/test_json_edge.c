/* Request bodies: every kind of bad input gets its code and field. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "http/json_edge.h"

#include <string.h>

struct body {
	const char *name;
	int64_t count;
	int flag;
	const char *inner;
	int has_nested;
};

static const struct json_field nested[] = {
	{ .name = "inner", .type = JF_STRING, .required = 1, .max = 4, .offset = offsetof(struct body, inner) },
};

static const struct json_field fields[] = {
	{ .name = "name", .type = JF_STRING, .required = 1, .max = 8, .offset = offsetof(struct body, name) },
	{ .name = "count", .type = JF_INT, .min = 0, .max = 100, .offset = offsetof(struct body, count) },
	{ .name = "flag", .type = JF_BOOL, .offset = offsetof(struct body, flag) },
	{ .name = "obj", .type = JF_OBJECT, .nested = nested, .nnested = 1,
	  .present_offset = offsetof(struct body, has_nested) },
};

static void cases(void **state)
{
	static const struct { const char *json; enum ob_rc rc; const char *code, *field; } v[] = {
		{ "{\"name\":\"ann\",\"count\":3,\"flag\":true,\"obj\":{\"inner\":\"x\"}}", OB_OK, "", "" },
		{ "{\"name\":\"ann\",\"count\":null}", OB_OK, "", "" },
		{ "", OB_OK, NULL, NULL },   /* empty body: then name is missing */
		{ "{", OB_EBADREQ, "invalid_json", "" },
		{ "[1,2]", OB_EBADREQ, "invalid_json", "" },
		{ "\"text\"", OB_EBADREQ, "invalid_json", "" },
		{ "{\"name\":\"a\",\"name\":\"b\"}", OB_EBADREQ, "invalid_json", "" },
		{ "{\"name\":\"\xff\"}", OB_EBADREQ, "invalid_json", "" },
		{ "{\"name\":\"a\\u0000b\"}", OB_EBADREQ, "invalid_json", "" },
		{ "{}", OB_EINVAL, "missing_field", "name" },
		{ "{\"name\":5}", OB_EINVAL, "invalid_type", "name" },
		{ "{\"name\":\"123456789\"}", OB_EINVAL, "too_long", "name" },
		{ "{\"name\":\"a\",\"count\":\"3\"}", OB_EINVAL, "invalid_type", "count" },
		{ "{\"name\":\"a\",\"count\":1.5}", OB_EINVAL, "invalid_type", "count" },
		{ "{\"name\":\"a\",\"count\":101}", OB_EINVAL, "out_of_range", "count" },
		{ "{\"name\":\"a\",\"flag\":1}", OB_EINVAL, "invalid_type", "flag" },
		{ "{\"name\":\"a\",\"nmae\":\"b\"}", OB_EINVAL, "unknown_field", "nmae" },
		{ "{\"name\":\"a\",\"obj\":[]}", OB_EINVAL, "invalid_type", "obj" },
		{ "{\"name\":\"a\",\"obj\":{}}", OB_EINVAL, "missing_field", "obj.inner" },
		{ "{\"name\":\"a\",\"obj\":{\"inner\":\"x\",\"extra\":1}}", OB_EINVAL, "unknown_field", "obj.extra" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct body b;
		struct ob_err err;
		json_t *obj = NULL;
		enum ob_rc rc;

		memset(&b, 0, sizeof(b));
		ob_err_clear(&err);
		rc = json_edge_parse(v[i].json, strlen(v[i].json), &obj, &err);
		if (rc == OB_OK)
			rc = json_edge_decode(obj, fields, 4, &b, &err);
		if (v[i].code == NULL) {   /* the empty body */
			assert_int_equal(rc, OB_EINVAL);
			assert_string_equal(err.field, "name");
		} else {
			assert_int_equal(rc, v[i].rc);
			assert_string_equal(err.code, v[i].code);
			assert_string_equal(err.field, v[i].field);
		}
		if (i == 0) {
			assert_string_equal(b.name, "ann");
			assert_int_equal(b.count, 3);
			assert_int_equal(b.flag, 1);
			assert_string_equal(b.inner, "x");
			assert_int_equal(b.has_nested, 1);
		}
		json_decref(obj);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cases),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
