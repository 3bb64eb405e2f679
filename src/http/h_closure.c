/* h_closure.c: Account Information -> Close Account: the checklist, the
 * request, the e-mailed confirmation, cancelling, vacation mode, and the
 * operator's view of closures. */
#include "http/handlers.h"

#include "core/clock.h"
#include "domain/closure.h"
#include "domain/legal_hold.h"
#include "http/paging.h"
#include "http/views.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/* The checklist is written as text (json_out.h), not built as a jansson
 * tree: it is the page a seller reloads while fixing what blocks, and the
 * tree and its dump were half of the request's time. Its bound: every item
 * and a closure whose reason text needs escaping throughout. */
#define READINESS_TEXT_MAX (256 * 1024)

static void item_out(struct json_out *o, const struct readiness_item *it, const char *currency)
{
	json_out_object(o);
	json_out_key(o, "code");
	json_out_string(o, it->code);
	json_out_key(o, "message");
	json_out_string(o, it->message);
	json_out_key(o, "count");
	json_out_int(o, it->count);
	json_out_key(o, "amount");
	if (it->amount_minor)
		view_money_out(o, it->amount_minor, currency);
	else
		json_out_null(o);
	json_out_key(o, "until");
	view_time_out(o, it->until);
	json_out_key(o, "action");
	if (it->action_href) {
		json_out_object(o);
		json_out_key(o, "method");
		json_out_string(o, it->action_method);
		json_out_key(o, "href");
		json_out_string(o, it->action_href);
		json_out_key(o, "label");
		json_out_string(o, it->action_label);
		json_out_end(o);
	} else {
		json_out_null(o);
	}
	json_out_end(o);
}

static json_t *view_closure(const struct closure *c)
{
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o}", "id", c->id,
			 "method", c->method == CLOSURE_METHOD_PAUSE ? "pause" : "close",
			 "status", closure_status_names[c->status], "reason", c->reason,
			 "reason_text", c->reason_text, "requested_at", req_time(c->requested_at),
			 "confirmed_at", req_time(c->confirmed_at), "ended_at", req_time(c->ended_at),
			 "closes_at", req_time(c->closes_at), "closed_at", req_time(c->closed_at),
			 "confirm_by", c->status == CLOSURE_REQUESTED ? req_time(c->token_expires_at) : json_null());
}

/* A legal hold keeps the data past the planned erasure: the seller learns
 * until when, never why. */
static void delay_message_out(struct json_out *o, const struct closure_timeline *t)
{
	char text[128];

	if (t->erasure_delayed_until == 0) {
		json_out_null(o);
		return;
	}
	legal_hold_delay_message(t->erasure_delayed_until, text, sizeof(text));
	json_out_string(o, text);
}

/* The checklist's JSON text (malloc'ed), or NULL when out of memory. */
static char *readiness_text(const struct readiness *r)
{
	static const struct {
		const char *name;
		size_t offset;
	} dates[] = {
		{ "confirm_by", offsetof(struct closure_timeline, confirm_by) },
		{ "closing_at", offsetof(struct closure_timeline, closing_at) },
		{ "closes_at", offsetof(struct closure_timeline, closes_at) },
		{ "reserve_released_at", offsetof(struct closure_timeline, reserve_release_at) },
		{ "history_ends_at", offsetof(struct closure_timeline, history_ends_at) },
		{ "erased_at", offsetof(struct closure_timeline, erase_at) },
		{ "financial_records_until", offsetof(struct closure_timeline, financial_records_until) },
		{ "erasure_delayed_until", offsetof(struct closure_timeline, erasure_delayed_until) },
	};
	const struct closure_timeline *t = &r->timeline;
	const struct policy *p = r->policy;
	struct json_out o;

	json_out_init(&o, READINESS_TEXT_MAX);
	json_out_object(&o);
	json_out_key(&o, "status");
	json_out_string(&o, seller_status_name(r->status));
	json_out_key(&o, "ready");
	json_out_bool(&o, r->ready);
	json_out_key(&o, "paused");
	json_out_bool(&o, r->paused);
	for (int blocking = 1; blocking >= 0; blocking--) {
		json_out_key(&o, blocking ? "blockers" : "warnings");
		json_out_array(&o);
		for (size_t i = 0; i < r->nitems; i++)
			if (!r->items[i].blocking == !blocking)
				item_out(&o, &r->items[i], r->currency);
		json_out_end(&o);
	}
	json_out_key(&o, "reasons");
	json_out_array(&o);
	for (size_t i = 0; i < closure_reasons_count; i++) {
		json_out_object(&o);
		json_out_key(&o, "code");
		json_out_string(&o, closure_reasons[i].code);
		json_out_key(&o, "label");
		json_out_string(&o, closure_reasons[i].label);
		json_out_end(&o);
	}
	json_out_end(&o);
	json_out_key(&o, "methods");
	json_out_array(&o);
	json_out_string(&o, "close");
	json_out_string(&o, "pause");
	json_out_end(&o);
	json_out_key(&o, "timeline");
	json_out_object(&o);
	for (size_t i = 0; i < sizeof(dates) / sizeof(dates[0]); i++) {
		json_out_key(&o, dates[i].name);
		view_time_out(&o, *(const int64_t *)((const char *)t + dates[i].offset));
	}
	json_out_key(&o, "erasure_delay_message");
	delay_message_out(&o, t);
	json_out_end(&o);
	json_out_key(&o, "closure");
	if (r->has_current) {
		json_t *c = view_closure(&r->current);
		json_out_json(&o, c);
		json_decref(c);
	} else {
		json_out_null(&o);
	}
	json_out_key(&o, "policy");
	json_out_object(&o);
	json_out_key(&o, "name");
	json_out_string(&o, p->name);
	json_out_key(&o, "grace_days");
	json_out_int(&o, p->grace_days);
	json_out_key(&o, "confirm_hours");
	json_out_int(&o, p->confirm_hours);
	json_out_key(&o, "reserve_days");
	json_out_int(&o, p->reserve_days);
	json_out_key(&o, "history_days");
	json_out_int(&o, p->history_days);
	json_out_key(&o, "step_up_minutes");
	json_out_int(&o, p->step_up_minutes);
	json_out_end(&o);
	json_out_end(&o);
	return json_out_take(&o, NULL);
}

/* Answers status with the checklist; on not_ready, the error carries the
 * blockers so a client can show them at once. */
static enum ob_rc answer(struct req *r, enum ob_rc rc, int status, const struct readiness *rd,
			 struct ob_err *err)
{
	if (rc == OB_OK)
		return req_json_text(r, status, readiness_text(rd), err);
	if (rc == OB_ECONFLICT && strcmp(err->code, "not_ready") == 0) {
		char *text = readiness_text(rd);
		json_t *v = text ? json_loads(text, 0, NULL) : NULL;
		r->error_extra = json_pack("{s:O}", "blockers", json_object_get(v, "blockers"));
		json_decref(v);
		free(text);
	}
	return rc;
}

enum ob_rc h_closure_get(struct req *r, struct ob_err *err)
{
	struct readiness rd;
	enum ob_rc rc = closure_readiness(r->st, r->session.seller_id, clock_now(), &rd, err);

	return answer(r, rc, 200, &rd, err);
}

struct closure_body {
	const char *reason;
	const char *reason_text;
	const char *password;
	const char *totp;
	int acknowledge;
	const char *token;
};

static const struct json_field request_fields[] = {
	{ .name = "reason", .type = JF_STRING, .required = 1, .max = 31, .offset = offsetof(struct closure_body, reason) },
	{ .name = "reason_text", .type = JF_STRING, .max = 1000, .offset = offsetof(struct closure_body, reason_text) },
	{ .name = "password", .type = JF_STRING, .max = 1024, .offset = offsetof(struct closure_body, password) },
	{ .name = "totp", .type = JF_STRING, .max = 16, .offset = offsetof(struct closure_body, totp) },
	{ .name = "acknowledge", .type = JF_BOOL, .required = 1, .offset = offsetof(struct closure_body, acknowledge) },
};

/* A password (and TOTP) in the body is a fresh check, recorded on the
 * session like POST /api/v1/account/verify. */
static enum ob_rc step_up(struct req *r, const char *password, const char *totp, struct ob_err *err)
{
	int64_t password_at = 0, totp_at = 0;
	enum ob_rc rc = auth_step_up(r->st, &r->w->auth, r->session_token, password, totp, r->client_addr,
				     &password_at, &totp_at, err);

	if (rc == OB_OK) {
		r->session.password_at = password_at;
		if (totp_at)
			r->session.totp_at = totp_at;
	}
	return rc;
}

enum ob_rc h_closure_request(struct req *r, struct ob_err *err)
{
	struct closure_body in = { 0 };
	struct closure_input ci;
	struct readiness rd;
	enum ob_rc rc;

	if ((rc = req_decode(r, request_fields, sizeof(request_fields) / sizeof(request_fields[0]), &in, err)) != OB_OK)
		return rc;
	if (in.password && (rc = step_up(r, in.password, in.totp, err)) != OB_OK)
		return rc;
	ci = (struct closure_input){ .reason = in.reason, .reason_text = in.reason_text,
				     .acknowledge = in.acknowledge, .password_at = r->session.password_at,
				     .totp_at = r->session.totp_at };
	rc = closure_request(r->st, r->session.seller_id, &ci, &rd, err);
	return answer(r, rc, 202, &rd, err);
}

static const struct json_field confirm_fields[] = {
	{ .name = "token", .type = JF_STRING, .required = 1, .max = 64, .offset = offsetof(struct closure_body, token) },
};

enum ob_rc h_closure_confirm(struct req *r, struct ob_err *err)
{
	struct closure_body in = { 0 };
	struct readiness rd;
	enum ob_rc rc;

	if ((rc = req_decode(r, confirm_fields, 1, &in, err)) != OB_OK)
		return rc;
	rc = closure_confirm(r->st, r->session.seller_id, in.token, &rd, err);
	return answer(r, rc, 200, &rd, err);
}

enum ob_rc h_closure_cancel(struct req *r, struct ob_err *err)
{
	struct readiness rd;
	enum ob_rc rc = closure_cancel(r->st, r->session.seller_id, &rd, err);

	return answer(r, rc, 200, &rd, err);
}

static const struct json_field pause_fields[] = {
	{ .name = "reason", .type = JF_STRING, .max = 31, .offset = offsetof(struct closure_body, reason) },
};

enum ob_rc h_pause(struct req *r, struct ob_err *err)
{
	struct closure_body in = { 0 };
	struct readiness rd;
	enum ob_rc rc;

	if ((rc = req_decode(r, pause_fields, 1, &in, err)) != OB_OK)
		return rc;
	rc = closure_pause(r->st, r->session.seller_id, in.reason, &rd, err);
	return answer(r, rc, 200, &rd, err);
}

enum ob_rc h_resume(struct req *r, struct ob_err *err)
{
	struct readiness rd;
	enum ob_rc rc = closure_resume(r->st, r->session.seller_id, &rd, err);

	return answer(r, rc, 200, &rd, err);
}

static const struct json_field verify_fields[] = {
	{ .name = "password", .type = JF_STRING, .required = 1, .max = 1024, .offset = offsetof(struct closure_body, password) },
	{ .name = "totp", .type = JF_STRING, .max = 16, .offset = offsetof(struct closure_body, totp) },
};

enum ob_rc h_verify(struct req *r, struct ob_err *err)
{
	struct closure_body in = { 0 };
	enum ob_rc rc;

	if ((rc = req_decode(r, verify_fields, 2, &in, err)) != OB_OK ||
	    (rc = step_up(r, in.password, in.totp, err)) != OB_OK)
		return rc;
	return req_json(r, 200, json_pack("{s:o, s:o}", "password_checked_at", req_time(r->session.password_at),
					  "totp_checked_at", req_time(r->session.totp_at)), err);
}

/* The statuses of closures proper (pauses are not listed), in enum order. */
static const char *const close_statuses[] = { "requested", "closing", "closed", "cancelled", "expired", NULL };

enum ob_rc h_ops_closures(struct req *r, struct ob_err *err)
{
	struct page_query q;
	struct closure *out;
	const char *reason = NULL;
	size_t n = 0, shown;
	json_t *items;
	enum ob_rc rc;

	/* ?reason= is this list's own filter; the rest as any list */
	if (r->query && strstr(r->query, "reason=")) {
		const char *v = strstr(r->query, "reason=") + 7;
		size_t len = strcspn(v, "&");
		reason = arena_strndup(&r->arena, v, len);
		char *rest = arena_printf(&r->arena, "%.*s%s", (int)(v - 7 - r->query), r->query,
					  v[len] == '&' ? v + len + 1 : "");
		r->query = rest && rest[0] ? rest : NULL;
	}
	if ((rc = page_parse(r, close_statuses, &q, err)) != OB_OK)
		return rc;
	if ((out = arena_alloc(&r->arena, sizeof(*out) * q.limit)) == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	if ((rc = store_closures_list(r->st, q.status, reason, q.after_time, q.after_id, out, q.limit, &n, err)) != OB_OK)
		return rc;
	shown = n < q.limit ? n : q.limit - 1;
	items = json_array();
	for (size_t i = 0; i < shown; i++) {
		struct readiness rd;
		json_t *v = view_closure(&out[i]), *codes = json_array();
		json_object_set_new(v, "seller_id", json_string(out[i].seller_id));
		if (closure_readiness(r->st, out[i].seller_id, clock_now(), &rd, err) == OB_OK)
			for (size_t k = 0; k < rd.nitems; k++)
				if (rd.items[k].blocking)
					json_array_append_new(codes, json_string(rd.items[k].code));
		json_object_set_new(v, "blockers", codes);
		json_array_append_new(items, v);
	}
	return page_answer(r, items, n == q.limit, shown ? out[shown - 1].requested_at : 0,
			   shown ? out[shown - 1].id : "", err);
}
