/* http_errors.c: libevent answers some requests itself, before any route
 * sees them (a body over the limit: 413; headers over the limit or
 * malformed: 400; an unknown method: 501), through evhttp_send_error(),
 * which writes an HTML page. The contract promises JSON errors everywhere,
 * and libevent 2.1 has no hook for those pages, so this program defines
 * evhttp_send_error() itself: the dynamic linker binds libevent's own calls
 * to this definition (symbol interposition, as malloc replacements do).
 * tests/integration checks that every one of these answers is JSON. */
#include "core/err.h"
#include "http/request.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <stdlib.h>
#include <string.h>

void evhttp_send_error(struct evhttp_request *req, int error, const char *reason)
{
	struct evbuffer *buf = evbuffer_new();
	struct evkeyvalq *h = evhttp_request_get_output_headers(req);
	struct ob_err err;
	enum ob_rc rc;
	json_t *body;
	char *text;

	switch (error) {
	case 413:
		rc = ob_fail(&err, OB_ETOOBIG, "body_too_large", NULL, "the request body is too large");
		break;
	case 405:
	case 501:
		error = 405;
		rc = ob_fail(&err, OB_EMETHOD, "method_not_allowed", NULL, "this method is not supported");
		break;
	case 404:
		rc = ob_fail(&err, OB_ENOTFOUND, "not_found", NULL, "no such path");
		break;
	case 400:
		rc = ob_fail(&err, OB_EBADREQ, "bad_request", NULL,
			     "the request cannot be read (malformed, or headers too large)");
		break;
	default:
		rc = ob_fail(&err, error >= 500 ? OB_EINTERNAL : OB_EBADREQ, NULL, NULL, "%s",
			     reason ? reason : "the request failed");
		break;
	}
	(void)rc;
	body = req_error_body(&err);
	text = body ? json_dumps(body, JSON_COMPACT) : NULL;
	evhttp_clear_headers(h);
	evhttp_add_header(h, "Content-Type", "application/json");
	evhttp_add_header(h, "Connection", "close");
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "Cache-Control", "no-store");
	if (buf && text)
		evbuffer_add(buf, text, strlen(text));
	evhttp_send_reply(req, error, NULL, buf);
	free(text);
	json_decref(body);
	if (buf)
		evbuffer_free(buf);
}
