#include "http/request.h"

#include "core/clock.h"

#include <event2/keyvalq_struct.h>
#include <stdlib.h>
#include <string.h>

enum ob_rc req_decode(struct req *r, const struct json_field *fields, size_t n, void *out,
		      struct ob_err *err)
{
	return json_edge_decode(r->body, fields, n, out, err);
}

enum ob_rc req_json(struct req *r, int status, json_t *obj, struct ob_err *err)
{
	if (obj == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	json_decref(r->resp);
	r->resp = obj;
	r->status = status;
	return OB_OK;
}

enum ob_rc req_json_text(struct req *r, int status, char *text, struct ob_err *err)
{
	if (text == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	free(r->text);
	r->text = text;
	r->content_type = "application/json";
	r->status = status;
	return OB_OK;
}

const char *req_header(struct req *r, const char *name)
{
	return evhttp_find_header(evhttp_request_get_input_headers(r->ev), name);
}

void req_add_header(struct req *r, const char *name, const char *value)
{
	evhttp_add_header(evhttp_request_get_output_headers(r->ev), name, value);
}

const char *req_cookie(struct req *r, const char *name)
{
	const char *h = req_header(r, "Cookie");
	size_t nlen = strlen(name);

	while (h && *h) {
		const char *end;
		while (*h == ' ' || *h == ';')
			h++;
		end = strchr(h, ';');
		if (end == NULL)
			end = h + strlen(h);
		if ((size_t)(end - h) > nlen && strncmp(h, name, nlen) == 0 && h[nlen] == '=')
			return arena_strndup(&r->arena, h + nlen + 1, (size_t)(end - h) - nlen - 1);
		h = end;
	}
	return NULL;
}

json_t *req_time(int64_t t)
{
	char buf[32];

	if (t == 0)
		return json_null();
	return json_string(clock_format(t, buf, sizeof(buf)));
}

int req_status_of(enum ob_rc rc)
{
	switch (rc) {
	case OB_OK: return 200;
	case OB_EBADREQ: return 400;
	case OB_EINVAL: return 422;
	case OB_EAUTH: return 401;
	case OB_EFORBIDDEN: return 403;
	case OB_ENOTFOUND: return 404;
	case OB_EMETHOD: return 405;
	case OB_ECONFLICT: return 409;
	case OB_EGONE: return 410;
	case OB_ETOOBIG: return 413;
	case OB_EMEDIA: return 415;
	case OB_ETHROTTLED: return 429;
	case OB_EBUSY: return 503;
	case OB_EDB:
	case OB_ENOMEM:
	case OB_EINTERNAL: return 500;
	}
	return 500;
}

json_t *req_error_body(const struct ob_err *err)
{
	json_t *e = json_pack("{s:s, s:s}", "code", err->code[0] ? err->code : ob_rc_name(err->rc),
			      "message", err->message[0] ? err->message : ob_rc_name(err->rc));

	if (e && err->field[0])
		json_object_set_new(e, "field", json_string(err->field));
	return json_pack("{s:o}", "error", e);
}
