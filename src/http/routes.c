#include "http/routes.h"

#include "core/clock.h"
#include "core/log.h"
#include "domain/audit.h"
#include "domain/ops_key.h"
#include "http/handlers.h"
#include "http/idempotency.h"
#include "http/metrics.h"

#include <event2/buffer.h>
#include <event2/http.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SESSION_COOKIE "ob_session"
#define REQUEST_ARENA_LIMIT (8u << 20)

const struct route routes[] = {
	{ "GET", "/healthz", h_healthz, ROUTE_PUBLIC, 0 },
	{ "GET", "/metrics", h_metrics, ROUTE_PUBLIC, 0 },
	{ "POST", "/api/v1/session", h_session_create, ROUTE_PUBLIC, 0 },
	{ "DELETE", "/api/v1/session", h_session_delete, ROUTE_READER, 0 },
	{ "GET", "/api/v1/account", h_account_get, ROUTE_READER, 0 },
	{ "POST", "/api/v1/account/totp", h_totp_enrol, ROUTE_SELLER, 0 },
	{ "POST", "/api/v1/account/totp/verify", h_totp_verify, ROUTE_SELLER, 0 },
	{ "POST", "/api/v1/ops/marketplaces", h_ops_marketplace_create, ROUTE_OPS, ROUTE_IDEMPOTENT },
	{ "POST", "/api/v1/ops/sellers", h_ops_seller_create, ROUTE_OPS, ROUTE_IDEMPOTENT },
	{ "POST", "/api/v1/ops/listings", h_ops_listing_create, ROUTE_OPS, ROUTE_IDEMPOTENT },
	{ "PATCH", "/api/v1/ops/listings/{id}", h_ops_listing_update, ROUTE_OPS, 0 },
	{ "POST", "/api/v1/ops/orders", h_ops_order_create, ROUTE_OPS, ROUTE_IDEMPOTENT },
	{ "PATCH", "/api/v1/ops/orders/{id}", h_ops_order_update, ROUTE_OPS, 0 },
	{ "POST", "/api/v1/ops/disputes", h_ops_dispute_create, ROUTE_OPS, ROUTE_IDEMPOTENT },
	{ "PATCH", "/api/v1/ops/disputes/{id}", h_ops_dispute_update, ROUTE_OPS, 0 },
	{ "POST", "/api/v1/ops/ledger", h_ops_ledger_create, ROUTE_OPS, ROUTE_IDEMPOTENT },
	{ "POST", "/api/v1/ops/ledger/{id}/reversal", h_ops_ledger_reverse, ROUTE_OPS, ROUTE_IDEMPOTENT },
	{ "PATCH", "/api/v1/ops/payouts/{id}", h_ops_payout_update, ROUTE_OPS, 0 },
	{ "POST", "/api/v1/ops/inventory", h_ops_inventory_set, ROUTE_OPS, ROUTE_IDEMPOTENT },
	{ "POST", "/api/v1/ops/services", h_ops_service_create, ROUTE_OPS, ROUTE_IDEMPOTENT },
	{ "GET", "/api/v1/account/balance", h_balance_get, ROUTE_READER, 0 },
	{ "GET", "/api/v1/account/statement", h_statement, ROUTE_READER, 0 },
	{ "GET", "/api/v1/account/closure", h_closure_get, ROUTE_READER, 0 },
	{ "POST", "/api/v1/account/closure", h_closure_request, ROUTE_SELLER, ROUTE_IDEMPOTENT },
	{ "DELETE", "/api/v1/account/closure", h_closure_cancel, ROUTE_SELLER, 0 },
	{ "POST", "/api/v1/account/closure/confirm", h_closure_confirm, ROUTE_SELLER, ROUTE_IDEMPOTENT },
	{ "POST", "/api/v1/account/pause", h_pause, ROUTE_SELLER, 0 },
	{ "DELETE", "/api/v1/account/pause", h_resume, ROUTE_SELLER, 0 },
	{ "POST", "/api/v1/account/verify", h_verify, ROUTE_SELLER, 0 },
	{ "POST", "/api/v1/account/exports", h_export_create, ROUTE_READER, ROUTE_IDEMPOTENT },
	{ "GET", "/api/v1/account/exports/{id}", h_export_get, ROUTE_READER, 0 },
	{ "DELETE", "/api/v1/account/exports/{id}", h_export_delete, ROUTE_SELLER, 0 },
	{ "GET", "/api/v1/account/exports/{id}/download", h_export_download, ROUTE_READER, 0 },
	{ "GET", "/api/v1/ops/closures", h_ops_closures, ROUTE_OPS, 0 },
	{ "POST", "/api/v1/ops/legal-holds", h_ops_hold_create, ROUTE_OPS, ROUTE_IDEMPOTENT },
	{ "GET", "/api/v1/ops/legal-holds", h_ops_holds_list, ROUTE_OPS, 0 },
	{ "GET", "/api/v1/ops/legal-holds/{id}", h_ops_hold_get, ROUTE_OPS, 0 },
	{ "DELETE", "/api/v1/ops/legal-holds/{id}", h_ops_hold_release, ROUTE_OPS, 0 },
	{ "GET", "/api/v1/ops/erasures/{id}", h_ops_erasure_get, ROUTE_OPS, 0 },
	{ "GET", "/api/v1/ops/sellers/{id}/erasure", h_ops_seller_erasure, ROUTE_OPS, 0 },
	{ "POST", "/api/v1/ops/webhooks", h_ops_webhook_create, ROUTE_OPS, ROUTE_IDEMPOTENT },
	{ "GET", "/api/v1/ops/webhooks", h_ops_webhooks_list, ROUTE_OPS, 0 },
	{ "GET", "/api/v1/ops/webhooks/deliveries", h_ops_deliveries_list, ROUTE_OPS, 0 },
	{ "POST", "/api/v1/ops/webhooks/deliveries/{id}/retry", h_ops_delivery_retry, ROUTE_OPS, 0 },
	{ "GET", "/api/v1/orders", h_orders_list, ROUTE_READER, 0 },
	{ "GET", "/api/v1/orders/{id}", h_order_get, ROUTE_READER, 0 },
	{ "GET", "/api/v1/disputes", h_disputes_list, ROUTE_READER, 0 },
	{ "GET", "/api/v1/ledger", h_ledger_list, ROUTE_READER, 0 },
	{ "GET", "/api/v1/payouts", h_payouts_list, ROUTE_READER, 0 },
	{ "POST", "/api/v1/payouts", h_payout_create, ROUTE_SELLER, ROUTE_IDEMPOTENT },
	{ "GET", "/api/v1/listings", h_listings_list, ROUTE_READER, 0 },
	{ "GET", "/api/v1/inventory", h_inventory_list, ROUTE_READER, 0 },
	{ "GET", "/api/v1/services", h_services_list, ROUTE_READER, 0 },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);

/* Compares one pattern with a path; fills params for {name} segments. */
static int pattern_match(struct arena *a, const char *pattern, const char *path, const char **params)
{
	int np = 0;

	while (*pattern && *path) {
		if (*pattern == '{') {
			const char *end = strchr(path, '/');
			size_t len = end ? (size_t)(end - path) : strlen(path);
			if (len == 0 || np == ROUTE_MAX_PARAMS)
				return 0;
			if (params)
				params[np] = arena_strndup(a, path, len);
			np++;
			path += len;
			pattern = strchr(pattern, '}') + 1;
			continue;
		}
		if (*pattern != *path)
			return 0;
		pattern++;
		path++;
	}
	return *pattern == '\0' && *path == '\0';
}

const struct route *routes_match(struct arena *a, const char *method, const char *path,
				 const char **params, int *path_exists)
{
	*path_exists = 0;
	for (size_t i = 0; i < routes_count; i++) {
		if (!pattern_match(a, routes[i].pattern, path, NULL))
			continue;
		*path_exists = 1;
		if (strcmp(routes[i].method, method) == 0) {
			pattern_match(a, routes[i].pattern, path, params);
			return &routes[i];
		}
	}
	return NULL;
}

static const char *method_name(enum evhttp_cmd_type cmd)
{
	switch (cmd) {
	case EVHTTP_REQ_GET: return "GET";
	case EVHTTP_REQ_POST: return "POST";
	case EVHTTP_REQ_PUT: return "PUT";
	case EVHTTP_REQ_DELETE: return "DELETE";
	case EVHTTP_REQ_PATCH: return "PATCH";
	case EVHTTP_REQ_HEAD: return "HEAD";
	case EVHTTP_REQ_OPTIONS: return "OPTIONS";
	default: return "OTHER";
	}
}

static void allow_header(struct req *r, const char *path)
{
	char allow[128] = "";

	for (size_t i = 0; i < routes_count; i++) {
		if (!pattern_match(&r->arena, routes[i].pattern, path, NULL))
			continue;
		if (allow[0])
			strncat(allow, ", ", sizeof(allow) - strlen(allow) - 1);
		strncat(allow, routes[i].method, sizeof(allow) - strlen(allow) - 1);
	}
	req_add_header(r, "Allow", allow);
}

/* Keeps only complete UTF-8 sequences of s (in place): messages may have
 * been cut mid-character by a fixed buffer, and JSON needs valid UTF-8. */
static void utf8_clean(char *s)
{
	unsigned char *p = (unsigned char *)s, *o = p;

	while (*p) {
		int n = *p < 0x80 ? 1 : (*p & 0xe0) == 0xc0 ? 2 : (*p & 0xf0) == 0xe0 ? 3 :
			(*p & 0xf8) == 0xf0 ? 4 : 0;
		int ok = n > 0;
		for (int i = 1; ok && i < n; i++)
			ok = (p[i] & 0xc0) == 0x80;
		if (!ok) {
			p++;
			continue;
		}
		for (int i = 0; i < n; i++)
			*o++ = *p++;
	}
	*o = '\0';
}

static void request_id(struct req *r)
{
	const char *given = req_header(r, "X-Request-Id");
	size_t n = given ? strlen(given) : 0;

	if (n > 0 && n < sizeof(r->request_id) &&
	    strspn(given, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.") == n) {
		memcpy(r->request_id, given, n + 1);
		return;
	}
	crypto_random_alnum(r->request_id, 20);
}

static void client_addr(struct req *r)
{
	struct evhttp_connection *c = evhttp_request_get_connection(r->ev);
	const struct sockaddr *sa = c ? evhttp_connection_get_addr(c) : NULL;

	snprintf(r->client_addr, sizeof(r->client_addr), "unknown");
	if (sa && sa->sa_family == AF_INET)
		inet_ntop(AF_INET, &((const struct sockaddr_in *)(const void *)sa)->sin_addr,
			  r->client_addr, sizeof(r->client_addr));
	else if (sa && sa->sa_family == AF_INET6)
		inet_ntop(AF_INET6, &((const struct sockaddr_in6 *)(const void *)sa)->sin6_addr,
			  r->client_addr, sizeof(r->client_addr));
}

static int is_unsafe(const char *method)
{
	return strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0;
}

/* Reads the body: 413 above the limit, 415 unless JSON, 400 unless one
 * object. Bodies of GET are ignored. */
static enum ob_rc read_body(struct req *r, const char **body, size_t *len, struct ob_err *err)
{
	struct evbuffer *in = evhttp_request_get_input_buffer(r->ev);
	const char *ctype;

	*len = evbuffer_get_length(in);
	*body = "";
	if (!is_unsafe(r->route->method))
		return json_edge_parse("", 0, &r->body, err);
	if (*len > (size_t)r->w->cfg->max_body)
		return ob_fail(err, OB_ETOOBIG, "body_too_large", NULL,
			       "the request body is larger than %ld bytes", r->w->cfg->max_body);
	if (*len > 0) {
		ctype = req_header(r, "Content-Type");
		if (ctype == NULL || strncasecmp(ctype, "application/json", 16) != 0 ||
		    (ctype[16] != '\0' && ctype[16] != ';' && ctype[16] != ' '))
			return ob_fail(err, OB_EMEDIA, "unsupported_media_type", NULL,
				       "send the body as application/json");
		*body = (const char *)evbuffer_pullup(in, -1);
		if (*body == NULL)
			return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	}
	return json_edge_parse(*body, *len, &r->body, err);
}

/* Who is calling: an operator key or a seller session, as the route wants. */
static enum ob_rc authenticate(struct req *r, struct ob_err *err)
{
	enum ob_rc rc;

	switch (r->route->auth) {
	case ROUTE_PUBLIC:
		return OB_OK;
	case ROUTE_OPS: {
		const char *h = req_header(r, "Authorization");
		const char *key = h && strncasecmp(h, "Bearer ", 7) == 0 ? h + 7 : NULL;
		return ops_key_check(r->st, key, &r->ops, err);
	}
	case ROUTE_SELLER:
	case ROUTE_READER:
		r->session_token = req_cookie(r, SESSION_COOKIE);
		if ((rc = auth_session(r->st, &r->w->auth, r->session_token, &r->session, err)) != OB_OK)
			return rc;
		if (is_unsafe(r->route->method) &&
		    !auth_csrf_ok(&r->session, req_header(r, "X-CSRF-Token")))
			return ob_fail(err, OB_EFORBIDDEN, "csrf_token_invalid", NULL,
				       "missing or wrong X-CSRF-Token header");
		if (r->route->auth == ROUTE_SELLER && r->session.scope == SESSION_HISTORY)
			return ob_fail(err, OB_EFORBIDDEN, "account_closed", NULL,
				       "this account is closed: its history can be read, not changed");
		return OB_OK;
	}
	return OB_OK;
}

/* A string member of obj that is an id, or NULL. */
static const char *id_member(json_t *obj, const char *name)
{
	const char *v = json_string_value(json_object_get(obj, name));

	return v && id_valid(v) ? v : NULL;
}

/* Appends the audit record of an operator write that succeeded, inside the
 * request's transaction: the key, the route, the answer, and the ids it
 * concerned. Never the body: it may hold personal data. */
static enum ob_rc audit_ops_write(struct req *r, struct ob_err *err)
{
	char actor[64];
	const char *id, *seller;
	json_t *detail;
	char *text;
	enum ob_rc rc;

	id = id_member(r->resp, "id");
	if (id == NULL && r->params[0] && id_valid(r->params[0]))
		id = r->params[0];
	if ((seller = id_member(r->body, "seller_id")) == NULL &&
	    (seller = id_member(r->resp, "seller_id")) == NULL &&
	    strcmp(r->route->pattern, "/api/v1/ops/sellers") == 0)
		seller = id;   /* the seller just created */
	detail = json_pack("{s:s, s:s, s:i}", "method", r->route->method, "route", r->route->pattern,
			   "status", r->status);
	if (detail && id)
		json_object_set_new(detail, "id", json_string(id));
	if (detail && evhttp_find_header(evhttp_request_get_output_headers(r->ev), "Idempotent-Replayed"))
		json_object_set_new(detail, "replayed", json_true());
	text = detail ? json_dumps(detail, JSON_COMPACT) : NULL;
	json_decref(detail);
	if (text == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	snprintf(actor, sizeof(actor), "ops:%s", r->ops.id);
	rc = audit_record(r->st, actor, seller, "ops.write", text, err);
	free(text);
	return rc;
}

static void add_common_headers(struct req *r)
{
	struct evkeyvalq *h = evhttp_request_get_output_headers(r->ev);

	evhttp_add_header(h, "X-Request-Id", r->request_id);
	evhttp_add_header(h, "X-Content-Type-Options", "nosniff");
	evhttp_add_header(h, "X-Frame-Options", "DENY");
	evhttp_add_header(h, "Referrer-Policy", "no-referrer");
	evhttp_add_header(h, "Content-Security-Policy",
			  "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
	evhttp_add_header(h, "Cache-Control", "no-store");
}

static void send_response(struct req *r, enum ob_rc rc, struct ob_err *err)
{
	struct evbuffer *out = evbuffer_new();
	char *text = NULL;

	add_common_headers(r);
	if (rc != OB_OK) {
		char retry[24];
		r->status = req_status_of(rc);
		utf8_clean(err->message);
		utf8_clean(err->field);
		json_decref(r->resp);
		r->resp = req_error_body(err);
		if (r->resp && r->error_extra)
			json_object_update(r->resp, r->error_extra);
		if (rc == OB_ETHROTTLED && err->retry_after > 0) {
			snprintf(retry, sizeof(retry), "%ld", err->retry_after);
			req_add_header(r, "Retry-After", retry);
		}
		if (rc == OB_EDB || rc == OB_EBUSY)
			metrics_db_error();
	}
	if (rc == OB_OK && r->file) {
		req_add_header(r, "Content-Type", r->content_type);
		evbuffer_add_buffer(out, r->file);
	} else if (r->text) {
		req_add_header(r, "Content-Type", r->content_type);
		evbuffer_add(out, r->text, strlen(r->text));
	} else if (r->resp) {
		req_add_header(r, "Content-Type", "application/json");
		text = json_dumps(r->resp, JSON_COMPACT);
		if (text)
			evbuffer_add(out, text, strlen(text));
		free(text);
	}
	evhttp_send_reply(r->ev, r->status ? r->status : 204, NULL, out);
	evbuffer_free(out);
}

void routes_dispatch(struct evhttp_request *ev, void *arg)
{
	struct worker *w = arg;
	struct req r;
	struct ob_err err;
	const struct evhttp_uri *uri = evhttp_request_get_evhttp_uri(ev);
	const char *method = method_name(evhttp_request_get_command(ev));
	const char *body = "";
	size_t body_len = 0;
	int path_exists = 0, audited = 0;
	uint64_t started = clock_mono_ns();
	enum ob_rc rc = OB_OK;
	char status_text[8], ms_text[24];

	memset(&r, 0, sizeof(r));
	ob_err_clear(&err);
	r.ev = ev;
	r.w = w;
	r.st = w->store;
	arena_init(&r.arena, REQUEST_ARENA_LIMIT);
	request_id(&r);
	log_set_request_id(r.request_id);
	client_addr(&r);
	r.path = uri ? evhttp_uri_get_path(uri) : NULL;
	r.query = uri ? evhttp_uri_get_query(uri) : NULL;
	if (r.path == NULL || r.path[0] == '\0')
		r.path = "/";

	r.route = routes_match(&r.arena, method, r.path, r.params, &path_exists);
	if (r.route == NULL && !path_exists && h_static_serves(method, r.path)) {
		rc = h_static(&r, &err);   /* the pages of web/; 404 when there is none */
		goto respond;
	}
	if (r.route == NULL) {
		if (path_exists) {
			allow_header(&r, r.path);
			rc = ob_fail(&err, OB_EMETHOD, "method_not_allowed", NULL,
				     "%s is not allowed on this path", method);
		} else {
			rc = ob_fail(&err, OB_ENOTFOUND, "not_found", NULL, "no such path");
		}
		goto respond;
	}
	if ((rc = read_body(&r, &body, &body_len, &err)) != OB_OK ||
	    (rc = authenticate(&r, &err)) != OB_OK)
		goto respond;
	/* An operator write runs in one transaction with its audit record: the
	 * handler's own transactions become savepoints inside it, and a failure
	 * anywhere leaves neither. */
	audited = r.route->auth == ROUTE_OPS && is_unsafe(r.route->method);
	if (audited && (rc = store_begin(r.st, 1, &err)) != OB_OK)
		goto respond;
	if ((r.route->flags & ROUTE_IDEMPOTENT) && req_header(&r, "Idempotency-Key")) {
		const char *scope = r.route->auth == ROUTE_OPS ? r.ops.id : r.session.seller_id;
		rc = idempotency_run(&r, r.route->fn, req_header(&r, "Idempotency-Key"), scope,
				     body, body_len, &err);
	} else {
		rc = r.route->fn(&r, &err);
	}
	if (audited) {
		if (rc == OB_OK)
			rc = audit_ops_write(&r, &err);
		if (rc == OB_OK)
			rc = store_commit(r.st, &err);
		else
			store_rollback(r.st);
	}
respond:
	send_response(&r, rc, &err);
	metrics_request(r.route ? (size_t)(r.route - routes) : routes_count, r.status,
			clock_mono_ns() - started);
	snprintf(status_text, sizeof(status_text), "%d", r.status);
	snprintf(ms_text, sizeof(ms_text), "%.3f", (double)(clock_mono_ns() - started) / 1e6);
	log_kv(r.status >= 500 ? LOG_ERROR : LOG_INFO, "request", "method", method,
	       "route", r.route ? r.route->pattern : "unmatched", "status", status_text,
	       "ms", ms_text, rc != OB_OK ? "error" : NULL, err.code, NULL);
	log_set_request_id(NULL);
	json_decref(r.body);
	json_decref(r.resp);
	json_decref(r.error_extra);
	free(r.text);
	if (r.file)
		evbuffer_free(r.file);
	crypto_wipe(&r.session, sizeof(r.session));
	arena_reset(&r.arena);
}
