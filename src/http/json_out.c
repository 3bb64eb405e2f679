#include "http/json_out.h"

#include <stdlib.h>
#include <string.h>

void json_out_init(struct json_out *o, size_t limit)
{
	memset(o, 0, sizeof(*o));
	textbuf_init(&o->text, limit);
}

void json_out_free(struct json_out *o)
{
	textbuf_free(&o->text);
}

static void fail(struct json_out *o)
{
	o->text.failed = 1;
}

static void put(struct json_out *o, const char *s, size_t n)
{
	textbuf_add(&o->text, s, n);
}

/* The comma before a value or a key, where one is due. */
static void before_value(struct json_out *o)
{
	if (o->after_key) {
		o->after_key = 0;
		return;
	}
	if (o->depth > 0 && o->object[o->depth - 1]) {
		fail(o);   /* a value in an object needs its key first */
		return;
	}
	if (o->depth > 0 && !o->first[o->depth - 1])
		put(o, ",", 1);
	if (o->depth > 0)
		o->first[o->depth - 1] = 0;
}

static void open_bracket(struct json_out *o, int object)
{
	before_value(o);
	if (o->depth >= JSON_OUT_DEPTH) {
		fail(o);
		return;
	}
	o->object[o->depth] = (unsigned char)object;
	o->first[o->depth] = 1;
	o->depth++;
	put(o, object ? "{" : "[", 1);
}

void json_out_object(struct json_out *o)
{
	open_bracket(o, 1);
}

void json_out_array(struct json_out *o)
{
	open_bracket(o, 0);
}

void json_out_end(struct json_out *o)
{
	if (o->depth == 0 || o->after_key) {
		fail(o);
		return;
	}
	o->depth--;
	put(o, o->object[o->depth] ? "}" : "]", 1);
}

/* The length of the UTF-8 sequence at s (1 to 4), or 0 when it is not
 * one jansson accepts: no overlong forms, no surrogates, nothing past
 * U+10FFFF. */
static size_t utf8_len(const unsigned char *s)
{
	unsigned c = s[0];

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		return (s[1] & 0xC0) == 0x80 ? 2 : 0;
	if (c >= 0xE0 && c <= 0xEF) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (c == 0xE0 && s[1] < 0xA0) ||
		    (c == 0xED && s[1] > 0x9F))
			return 0;
		return 3;
	}
	if (c >= 0xF0 && c <= 0xF4) {
		if ((s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 || (s[3] & 0xC0) != 0x80 ||
		    (c == 0xF0 && s[1] < 0x90) || (c == 0xF4 && s[1] > 0x8F))
			return 0;
		return 4;
	}
	return 0;
}

/* The bytes copied as they are: printable ASCII but '"' and '\'. */
#define P16 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1
static const unsigned char plain[256] = {
	[0x20] = 1, 1, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1,   /* 0x22 is '"' */
	[0x30] = P16,
	[0x40] = P16,
	[0x50] = 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 1, 1, 1,   /* 0x5C is the backslash */
	[0x60] = P16,
	[0x70] = P16,
};
#undef P16

/* s quoted and escaped as jansson does (see json_out.h). */
static void quoted(struct json_out *o, const char *s)
{
	static const char hex[] = "0123456789ABCDEF";
	const unsigned char *p = (const unsigned char *)s, *run;
	size_t n;

	put(o, "\"", 1);
	while (*p && !o->text.failed) {
		run = p;
		/* the plain bytes up to the next one that needs a look */
		while (plain[*p])
			p++;
		put(o, (const char *)run, (size_t)(p - run));
		if (*p == '\0')
			break;
		if (*p >= 0x80) {
			if ((n = utf8_len(p)) == 0) {
				fail(o);
				return;
			}
			put(o, (const char *)p, n);
			p += n;
			continue;
		}
		switch (*p) {
		case '"': put(o, "\\\"", 2); break;
		case '\\': put(o, "\\\\", 2); break;
		case '\b': put(o, "\\b", 2); break;
		case '\f': put(o, "\\f", 2); break;
		case '\n': put(o, "\\n", 2); break;
		case '\r': put(o, "\\r", 2); break;
		case '\t': put(o, "\\t", 2); break;
		default: {
			char u[6] = { '\\', 'u', '0', '0', hex[*p >> 4], hex[*p & 15] };
			put(o, u, sizeof(u));
		}
		}
		p++;
	}
	put(o, "\"", 1);
}

void json_out_key(struct json_out *o, const char *key)
{
	if (o->depth == 0 || !o->object[o->depth - 1] || o->after_key) {
		fail(o);
		return;
	}
	if (!o->first[o->depth - 1])
		put(o, ",", 1);
	o->first[o->depth - 1] = 0;
	quoted(o, key);
	put(o, ":", 1);
	o->after_key = 1;
}

void json_out_string(struct json_out *o, const char *s)
{
	before_value(o);
	quoted(o, s);
}

void json_out_int(struct json_out *o, int64_t v)
{
	char text[24], *p = text + sizeof(text);
	uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;

	before_value(o);
	do {
		*--p = (char)('0' + u % 10);
		u /= 10;
	} while (u);
	if (v < 0)
		*--p = '-';
	put(o, p, (size_t)(text + sizeof(text) - p));
}

void json_out_bool(struct json_out *o, int v)
{
	before_value(o);
	if (v)
		put(o, "true", 4);
	else
		put(o, "false", 5);
}

void json_out_null(struct json_out *o)
{
	before_value(o);
	put(o, "null", 4);
}

void json_out_json(struct json_out *o, const json_t *v)
{
	char *text;

	if (v == NULL) {
		json_out_null(o);
		return;
	}
	before_value(o);
	if (o->text.failed)
		return;
	if ((text = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY)) == NULL) {
		fail(o);
		return;
	}
	put(o, text, strlen(text));
	free(text);
}

char *json_out_take(struct json_out *o, size_t *len)
{
	char *text = NULL;

	/* an empty answer was never written: there is nothing to take */
	if (!o->text.failed && o->depth == 0 && !o->after_key && o->text.p != NULL) {
		text = o->text.p;
		if (len)
			*len = o->text.len;
		o->text.p = NULL;
	}
	json_out_free(o);
	return text;
}
