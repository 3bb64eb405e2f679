#include "http/json_edge.h"

#include <stdio.h>
#include <string.h>

static enum ob_rc decode_level(const json_t *obj, const struct json_field *fields, size_t n,
			       void *out, const char *prefix, struct ob_err *err)
{
	const char *key;
	json_t *value;
	char name[96];

	/* Unknown fields first: a misspelt field is the likeliest mistake. */
	json_object_foreach((json_t *)obj, key, value) {
		size_t i;
		for (i = 0; i < n; i++)
			if (strcmp(fields[i].name, key) == 0)
				break;
		if (i == n) {
			snprintf(name, sizeof(name), "%s%.64s", prefix, key);
			return ob_fail(err, OB_EINVAL, "unknown_field", name, "unknown field '%s'", name);
		}
	}
	for (size_t i = 0; i < n; i++) {
		const struct json_field *f = &fields[i];
		char *dst = (char *)out + f->offset;
		json_t *v = json_object_get(obj, f->name);

		snprintf(name, sizeof(name), "%s%s", prefix, f->name);
		if (v == NULL || json_is_null(v)) {
			if (f->required)
				return ob_fail(err, OB_EINVAL, "missing_field", name, "%s is required", name);
			continue;
		}
		if (f->present_offset)
			*(int *)(void *)((char *)out + f->present_offset) = 1;
		switch (f->type) {
		case JF_STRING:
			if (!json_is_string(v))
				return ob_fail(err, OB_EINVAL, "invalid_type", name, "%s must be a string", name);
			if ((int64_t)json_string_length(v) > f->max)
				return ob_fail(err, OB_EINVAL, "too_long", name,
					       "%s is longer than %lld bytes", name, (long long)f->max);
			*(const char **)(void *)dst = json_string_value(v);
			break;
		case JF_INT: {
			json_int_t iv;
			if (!json_is_integer(v))
				return ob_fail(err, OB_EINVAL, "invalid_type", name,
					       "%s must be a whole number", name);
			iv = json_integer_value(v);
			if (iv < f->min || iv > f->max)
				return ob_fail(err, OB_EINVAL, "out_of_range", name,
					       "%s must be from %lld to %lld", name,
					       (long long)f->min, (long long)f->max);
			*(int64_t *)(void *)dst = (int64_t)iv;
			break;
		}
		case JF_BOOL:
			if (!json_is_boolean(v))
				return ob_fail(err, OB_EINVAL, "invalid_type", name,
					       "%s must be true or false", name);
			*(int *)(void *)dst = json_is_true(v);
			break;
		case JF_OBJECT: {
			char nested_prefix[sizeof(name) + 1];
			enum ob_rc rc;
			if (!json_is_object(v))
				return ob_fail(err, OB_EINVAL, "invalid_type", name, "%s must be an object", name);
			snprintf(nested_prefix, sizeof(nested_prefix), "%s.", name);
			rc = decode_level(v, f->nested, f->nnested, out, nested_prefix, err);
			if (rc != OB_OK)
				return rc;
			break;
		}
		}
	}
	return OB_OK;
}

enum ob_rc json_edge_decode(const json_t *obj, const struct json_field *fields, size_t n,
			    void *out, struct ob_err *err)
{
	if (!json_is_object(obj))
		return ob_fail(err, OB_EBADREQ, "invalid_json", NULL, "the body must be a JSON object");
	return decode_level(obj, fields, n, out, "", err);
}

enum ob_rc json_edge_parse(const char *body, size_t len, json_t **out, struct ob_err *err)
{
	json_error_t jerr;
	json_t *v;

	*out = NULL;
	if (len == 0) {
		*out = json_object();
		return *out ? OB_OK : ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	}
	v = json_loadb(body, len, JSON_REJECT_DUPLICATES, &jerr);
	if (v == NULL)
		return ob_fail(err, OB_EBADREQ, "invalid_json", NULL,
			       "the body is not valid JSON: %s at line %d column %d",
			       jerr.text, jerr.line, jerr.column);
	if (!json_is_object(v)) {
		json_decref(v);
		return ob_fail(err, OB_EBADREQ, "invalid_json", NULL, "the body must be a JSON object");
	}
	*out = v;
	return OB_OK;
}
