/* json_out.h: JSON text written straight into one bounded buffer, for
 * answers on a hot path where building a jansson tree and dumping it
 * would cost more than the rest of the request (the closure checklist:
 * about 150 values, measured at half of the server's time with jansson).
 *
 * The text is byte for byte what json_dumps(v, JSON_COMPACT) makes of the
 * same values in the same order: no spaces; in strings only '"', '\' and
 * the control characters below 0x20 are escaped (\b \f \n \r \t, else
 * \u00XX), everything else, UTF-8 included, is copied.
 *
 * Usage: json_out_init, then values (json_out_key before each member of an
 * object), then json_out_take. A failure (out of memory, past the limit,
 * a string that is not UTF-8, nesting past JSON_OUT_DEPTH, a key outside
 * an object) is remembered, later calls do nothing, and json_out_take
 * returns NULL. */
#ifndef OB_JSON_OUT_H
#define OB_JSON_OUT_H

#include "core/textbuf.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>

#define JSON_OUT_DEPTH 16

struct json_out {
	struct textbuf text;              /* owned until json_out_take */
	int depth;                        /* open objects and arrays */
	int after_key;                    /* a member's value comes next */
	unsigned char object[JSON_OUT_DEPTH];  /* open bracket at each depth is { */
	unsigned char first[JSON_OUT_DEPTH];   /* nothing written inside it yet */
};

/* Starts an empty text of at most limit bytes. */
void json_out_init(struct json_out *o, size_t limit);

/* Frees the text when json_out_take did not take it; o may be reused after
 * json_out_init. */
void json_out_free(struct json_out *o);

void json_out_object(struct json_out *o);   /* { */
void json_out_array(struct json_out *o);    /* [ */
void json_out_end(struct json_out *o);      /* } or ], whichever is open */

/* The name of the next member of the open object; key is copied. */
void json_out_key(struct json_out *o, const char *key);

void json_out_string(struct json_out *o, const char *s);   /* s must be UTF-8 */
void json_out_int(struct json_out *o, int64_t v);
void json_out_bool(struct json_out *o, int v);
void json_out_null(struct json_out *o);

/* A jansson value (borrowed), as json_dumps writes it; v NULL writes null. */
void json_out_json(struct json_out *o, const json_t *v);

/* The text, NUL-terminated (malloc'ed, the caller frees it) and its length
 * in *len (may be NULL); NULL after a failure or while a bracket is open.
 * Either way o holds nothing afterwards. */
char *json_out_take(struct json_out *o, size_t *len);

#endif
