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
#include <string.h>

static json_t *view_item(const struct readiness_item *it, const char *currency)
{
	json_t *o = json_pack("{s:s, s:s, s:I}", "code", it->code, "message", it->message,
			      "count", (json_int_t)it->count);

	json_object_set_new(o, "amount", it->amount_minor ? view_money(it->amount_minor, currency) : json_null());
	json_object_set_new(o, "until", req_time(it->until));
	json_object_set_new(o, "action", it->action_href ? json_pack("{s:s, s:s, s:s}", "method", it->action_method,
								     "href", it->action_href, "label", it->action_label)
							 : json_null());
	return o;
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
static json_t *delay_message(const struct closure_timeline *t)
{
	char text[128];

	if (t->erasure_delayed_until == 0)
		return json_null();
	legal_hold_delay_message(t->erasure_delayed_until, text, sizeof(text));
	return json_string(text);
}

static json_t *view_readiness(const struct readiness *r)
{
	json_t *blockers = json_array(), *warnings = json_array(), *reasons = json_array();
	const struct closure_timeline *t = &r->timeline;
	const struct policy *p = r->policy;

	for (size_t i = 0; i < r->nitems; i++)
		json_array_append_new(r->items[i].blocking ? blockers : warnings,
				      view_item(&r->items[i], r->currency));
	for (size_t i = 0; i < closure_reasons_count; i++)
		json_array_append_new(reasons, json_pack("{s:s, s:s}", "code", closure_reasons[i].code,
							 "label", closure_reasons[i].label));
	return json_pack("{s:s, s:b, s:b, s:o, s:o, s:o, s:[ss], s:{s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o},"
			 " s:o, s:{s:s, s:i, s:i, s:i, s:i, s:i}}",
			 "status", seller_status_name(r->status), "ready", r->ready, "paused", r->paused,
			 "blockers", blockers, "warnings", warnings, "reasons", reasons,
			 "methods", "close", "pause",
			 "timeline", "confirm_by", req_time(t->confirm_by), "closing_at", req_time(t->closing_at),
			 "closes_at", req_time(t->closes_at), "reserve_released_at", req_time(t->reserve_release_at),
			 "history_ends_at", req_time(t->history_ends_at), "erased_at", req_time(t->erase_at),
			 "financial_records_until", req_time(t->financial_records_until),
			 "erasure_delayed_until", req_time(t->erasure_delayed_until),
			 "erasure_delay_message", delay_message(t),
			 "closure", r->has_current ? view_closure(&r->current) : json_null(),
			 "policy", "name", p->name, "grace_days", p->grace_days, "confirm_hours", p->confirm_hours,
			 "reserve_days", p->reserve_days, "history_days", p->history_days,
			 "step_up_minutes", p->step_up_minutes);
}

/* Answers status with the checklist; on not_ready, the error carries the
 * blockers so a client can show them at once. */
static enum ob_rc answer(struct req *r, enum ob_rc rc, int status, const struct readiness *rd,
			 struct ob_err *err)
{
	if (rc == OB_OK)
		return req_json(r, status, view_readiness(rd), err);
	if (rc == OB_ECONFLICT && strcmp(err->code, "not_ready") == 0) {
		json_t *v = view_readiness(rd);
		r->error_extra = json_pack("{s:O}", "blockers", json_object_get(v, "blockers"));
		json_decref(v);
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
