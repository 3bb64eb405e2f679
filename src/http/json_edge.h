/* json_edge.h: decoding of JSON request bodies into C structs, by a table
 * of fields. This is the only place request JSON is read: past it, the
 * program sees checked C values.
 *
 * Rules: the body is an object; every field must be known (a typo such as
 * "acknowledged" is an error, not silently ignored); null counts as absent;
 * strings are valid UTF-8 without NUL (jansson guarantees both) and at most
 * max bytes; integers are whole numbers in [min, max]. */
#ifndef OB_JSON_EDGE_H
#define OB_JSON_EDGE_H

#include "core/err.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

enum json_field_type {
	JF_STRING,   /* const char * borrowed from the json_t */
	JF_INT,      /* int64_t */
	JF_BOOL,     /* int, 0 or 1 */
	JF_OBJECT,   /* nested object decoded by .nested into the same struct */
};

struct json_field {
	const char *name;
	enum json_field_type type;
	int required;
	size_t offset;                     /* where the value goes in out */
	int64_t min, max;                  /* JF_STRING: bytes; JF_INT: value */
	const struct json_field *nested;   /* JF_OBJECT: its fields */
	size_t nnested;
	size_t present_offset;             /* 0, or where to set an int to 1 when present */
};

/* Decodes obj by fields (n of them) into out. Returns OB_OK, or OB_EINVAL
 * with code missing_field, invalid_type, unknown_field, too_long,
 * out_of_range and the (dotted) field name; OB_EBADREQ when obj is not an
 * object. Strings in out are borrowed from obj. */
enum ob_rc json_edge_decode(const json_t *obj, const struct json_field *fields, size_t n,
			    void *out, struct ob_err *err);

/* Parses a request body: OB_EBADREQ "invalid_json" (with the position) for
 * anything that is not one JSON object, duplicate keys included. An empty
 * body is an empty object. *out is owned by the caller (json_decref). */
enum ob_rc json_edge_parse(const char *body, size_t len, json_t **out, struct ob_err *err);

#endif
