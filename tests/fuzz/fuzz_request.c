/* fuzz_request.c: libFuzzer target for the request-decoding path: route
 * matching of the path, JSON parsing of the body and decoding of the parsed
 * object by field tables.
 *
 * Input layout: byte 0 picks the method ('G' GET, 'P' POST, 'D' DELETE,
 * 'U' PUT, 'A' PATCH, 'H' HEAD, 'O' OPTIONS, any other byte by its value
 * modulo the table); the rest up to the first '\n' is the path; everything
 * after that newline is the body. See corpus/request/ for examples.
 *
 * The tables below mirror the real ones (h_session.c, h_ops_accounts.c) and
 * add one that covers every json_field_type: JF_INT with bounds, JF_BOOL,
 * and JF_OBJECT nested twice with present_offset. After a successful decode
 * the target checks what json_edge.h promises (required fields set, strings
 * within max, integers within [min, max]) and aborts when it does not hold,
 * so a broken promise is a finding, not only a memory error. */
#include "core/arena.h"
#include "core/err.h"
#include "http/json_edge.h"
#include "http/routes.h"

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* h_session.c's table. */
struct session_body {
	const char *email;
	const char *password;
	const char *totp;
};

static const struct json_field session_fields[] = {
	{ .name = "email", .type = JF_STRING, .required = 1, .max = 254,
	  .offset = offsetof(struct session_body, email) },
	{ .name = "password", .type = JF_STRING, .required = 1, .max = 1024,
	  .offset = offsetof(struct session_body, password) },
	{ .name = "totp", .type = JF_STRING, .max = 16,
	  .offset = offsetof(struct session_body, totp) },
};

/* h_ops_accounts.c's seller table, bank_account nested (with a present flag
 * here, which the real table does not use). */
struct seller_body {
	const char *email, *password, *display_name, *marketplace;
	const char *legal_name, *phone, *address, *tax_id;
	const char *bank_holder, *bank_iban;
	int has_bank;
};

static const struct json_field bank_fields[] = {
	{ .name = "holder", .type = JF_STRING, .required = 1, .max = 200,
	  .offset = offsetof(struct seller_body, bank_holder) },
	{ .name = "iban", .type = JF_STRING, .required = 1, .max = 50,
	  .offset = offsetof(struct seller_body, bank_iban) },
};

static const struct json_field seller_fields[] = {
	{ .name = "email", .type = JF_STRING, .required = 1, .max = 254,
	  .offset = offsetof(struct seller_body, email) },
	{ .name = "password", .type = JF_STRING, .required = 1, .max = 1024,
	  .offset = offsetof(struct seller_body, password) },
	{ .name = "display_name", .type = JF_STRING, .required = 1, .max = 200,
	  .offset = offsetof(struct seller_body, display_name) },
	{ .name = "marketplace", .type = JF_STRING, .required = 1, .max = 31,
	  .offset = offsetof(struct seller_body, marketplace) },
	{ .name = "legal_name", .type = JF_STRING, .max = 200,
	  .offset = offsetof(struct seller_body, legal_name) },
	{ .name = "phone", .type = JF_STRING, .max = 40,
	  .offset = offsetof(struct seller_body, phone) },
	{ .name = "address", .type = JF_STRING, .max = 500,
	  .offset = offsetof(struct seller_body, address) },
	{ .name = "tax_id", .type = JF_STRING, .max = 40,
	  .offset = offsetof(struct seller_body, tax_id) },
	{ .name = "bank_account", .type = JF_OBJECT, .nested = bank_fields, .nnested = N(bank_fields),
	  .present_offset = offsetof(struct seller_body, has_bank) },
};

/* Every field type: bounded integers (negative, zero-based, full range),
 * booleans, and objects nested two deep with present flags. */
struct mixed_body {
	const char *currency;
	int64_t amount, count, any;
	int enabled;
	const char *label;
	int64_t day;
	int strict;
	const char *note;
	int has_limits, has_window;
};

static const struct json_field window_fields[] = {
	{ .name = "day", .type = JF_INT, .required = 1, .min = 1, .max = 31,
	  .offset = offsetof(struct mixed_body, day) },
	{ .name = "note", .type = JF_STRING, .max = 0,
	  .offset = offsetof(struct mixed_body, note) },
};

static const struct json_field limits_fields[] = {
	{ .name = "label", .type = JF_STRING, .max = 8,
	  .offset = offsetof(struct mixed_body, label) },
	{ .name = "strict", .type = JF_BOOL, .required = 1,
	  .offset = offsetof(struct mixed_body, strict) },
	{ .name = "window", .type = JF_OBJECT, .nested = window_fields, .nnested = N(window_fields),
	  .present_offset = offsetof(struct mixed_body, has_window) },
};

static const struct json_field mixed_fields[] = {
	{ .name = "currency", .type = JF_STRING, .required = 1, .max = 3,
	  .offset = offsetof(struct mixed_body, currency) },
	{ .name = "amount", .type = JF_INT, .required = 1, .min = -1000000, .max = 1000000,
	  .offset = offsetof(struct mixed_body, amount) },
	{ .name = "count", .type = JF_INT, .min = 0, .max = 100,
	  .offset = offsetof(struct mixed_body, count) },
	{ .name = "any", .type = JF_INT, .min = INT64_MIN, .max = INT64_MAX,
	  .offset = offsetof(struct mixed_body, any) },
	{ .name = "enabled", .type = JF_BOOL,
	  .offset = offsetof(struct mixed_body, enabled) },
	{ .name = "limits", .type = JF_OBJECT, .nested = limits_fields, .nnested = N(limits_fields),
	  .present_offset = offsetof(struct mixed_body, has_limits) },
};

static const char *const methods[] = { "GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "OTHER" };

static const char *pick_method(uint8_t b)
{
	switch (b) {
	case 'G': return "GET";
	case 'P': return "POST";
	case 'U': return "PUT";
	case 'D': return "DELETE";
	case 'A': return "PATCH";
	case 'H': return "HEAD";
	case 'O': return "OPTIONS";
	default: return methods[b % N(methods)];
	}
}

/* A finding: the decoder broke its own contract. */
static void check(int ok)
{
	if (!ok)
		abort();
}

static void check_err(enum ob_rc rc, const struct ob_err *err)
{
	check(err->rc == rc);
	check(err->code[0] != '\0');
	check(memchr(err->code, '\0', sizeof(err->code)) != NULL);
	check(memchr(err->field, '\0', sizeof(err->field)) != NULL);
	check(memchr(err->message, '\0', sizeof(err->message)) != NULL);
}

static void check_str(const char *s, int required, size_t max)
{
	if (s == NULL) {
		check(!required);
		return;
	}
	check(strlen(s) <= max);
}

static void decode_session(const json_t *obj)
{
	struct session_body in = { 0 };
	struct ob_err err;
	enum ob_rc rc;

	ob_err_clear(&err);
	rc = json_edge_decode(obj, session_fields, N(session_fields), &in, &err);
	if (rc != OB_OK) {
		check_err(rc, &err);
		return;
	}
	check_str(in.email, 1, 254);
	check_str(in.password, 1, 1024);
	check_str(in.totp, 0, 16);
}

static void decode_seller(const json_t *obj)
{
	struct seller_body in = { 0 };
	struct ob_err err;
	enum ob_rc rc;

	ob_err_clear(&err);
	rc = json_edge_decode(obj, seller_fields, N(seller_fields), &in, &err);
	if (rc != OB_OK) {
		check_err(rc, &err);
		return;
	}
	check_str(in.email, 1, 254);
	check_str(in.password, 1, 1024);
	check_str(in.display_name, 1, 200);
	check_str(in.marketplace, 1, 31);
	check_str(in.legal_name, 0, 200);
	check_str(in.phone, 0, 40);
	check_str(in.address, 0, 500);
	check_str(in.tax_id, 0, 40);
	/* Present bank_account: its required fields are set; absent: none are. */
	check_str(in.bank_holder, in.has_bank, 200);
	check_str(in.bank_iban, in.has_bank, 50);
	check(in.has_bank == (json_object_get(obj, "bank_account") != NULL &&
			      !json_is_null(json_object_get(obj, "bank_account"))));
	if (!in.has_bank)
		check(in.bank_holder == NULL && in.bank_iban == NULL);
}

static void decode_mixed(const json_t *obj)
{
	struct mixed_body in = { 0 };
	struct ob_err err;
	enum ob_rc rc;

	ob_err_clear(&err);
	rc = json_edge_decode(obj, mixed_fields, N(mixed_fields), &in, &err);
	if (rc != OB_OK) {
		check_err(rc, &err);
		return;
	}
	check_str(in.currency, 1, 3);
	check(in.amount >= -1000000 && in.amount <= 1000000);
	check(in.count >= 0 && in.count <= 100);
	check(in.enabled == 0 || in.enabled == 1);
	check(in.has_window == 0 || in.has_limits);
	if (in.has_limits) {
		check_str(in.label, 0, 8);
		check(in.strict == 0 || in.strict == 1);
	}
	if (in.has_window) {
		check(in.day >= 1 && in.day <= 31);
		check_str(in.note, 0, 0);
	} else {
		check(in.day == 0 && in.note == NULL);
	}
}

static void fuzz_route(const char *method, const char *path)
{
	struct arena a;
	const char *params[ROUTE_MAX_PARAMS] = { 0 };
	const struct route *r;
	int exists = -1;

	arena_init(&a, 1u << 16);
	r = routes_match(&a, method, path, params, &exists);
	check(exists == 0 || exists == 1);
	if (r != NULL) {
		check(exists == 1);
		check(r >= routes && r < routes + routes_count);
		check(strcmp(r->method, method) == 0);
	}
	arena_reset(&a);
}

static void fuzz_body(const char *body, size_t len)
{
	json_t *obj = NULL;
	struct ob_err err;
	enum ob_rc rc;

	ob_err_clear(&err);
	rc = json_edge_parse(body, len, &obj, &err);
	if (rc != OB_OK) {
		check(obj == NULL);
		check_err(rc, &err);
		return;
	}
	check(json_is_object(obj));
	decode_session(obj);
	decode_seller(obj);
	decode_mixed(obj);
	/* A value that is not an object is refused before anything is decoded
	 * (hence out may be NULL). */
	{
		void *it = json_object_iter(obj);
		json_t *v = it ? json_object_iter_value(it) : NULL;
		if (v != NULL && !json_is_object(v)) {
			ob_err_clear(&err);
			rc = json_edge_decode(v, session_fields, N(session_fields), NULL, &err);
			check(rc == OB_EBADREQ);
			check_err(rc, &err);
		}
	}
	json_decref(obj);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *method;
	const uint8_t *nl;
	size_t path_len;
	char *path;

	if (size == 0)
		return 0;
	method = pick_method(data[0]);
	data++;
	size--;
	nl = memchr(data, '\n', size);
	path_len = nl ? (size_t)(nl - data) : size;

	/* The path as evhttp hands it over: a NUL-terminated string. */
	path = malloc(path_len + 1);
	if (path == NULL)
		return 0;
	memcpy(path, data, path_len);
	path[path_len] = '\0';
	fuzz_route(method, path);
	free(path);

	if (nl) {
		/* The body exactly as evbuffer_pullup gives it: len bytes, no NUL
		 * after them, so an over-read is caught by ASan. */
		size_t len = size - path_len - 1;
		char *body = malloc(len ? len : 1);
		if (body == NULL)
			return 0;
		memcpy(body, nl + 1, len);
		fuzz_body(body, len);
		free(body);
	}
	return 0;
}
