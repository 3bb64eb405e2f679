/* h_ops_webhooks.c: the operator's webhook subscriptions and their
 * deliveries: subscribe, list, see what failed, send a dead one again.
 * The rules are domain/notify.c's. */
#include "http/handlers.h"

#include "domain/notify.h"
#include "http/paging.h"
#include "http/views.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define WEBHOOK_EVENTS_MAX 16

struct webhook_body {
	const char *url;
	const char *secret;
};

static const struct json_field webhook_fields[] = {
	{ .name = "url", .type = JF_STRING, .required = 1, .max = WEBHOOK_URL_MAX,
	  .offset = offsetof(struct webhook_body, url) },
	{ .name = "secret", .type = JF_STRING, .max = WEBHOOK_SECRET_MAX,
	  .offset = offsetof(struct webhook_body, secret) },
};

/* Decodes {url, events: [...], secret?}: events is an array of strings,
 * which the field table cannot say, so it is read here and the rest by
 * the table. Strings stay borrowed from r->body. */
static enum ob_rc decode_webhook(struct req *r, struct webhook_input *in, const char **events,
				 struct ob_err *err)
{
	struct webhook_body b = { 0 };
	json_t *list = json_object_get(r->body, "events"), *copy, *it;
	size_t i;
	enum ob_rc rc;

	memset(in, 0, sizeof(*in));
	if ((copy = json_copy(r->body)) == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	json_object_del(copy, "events");
	/* a shallow copy: its strings are r->body's, and live as long */
	rc = json_edge_decode(copy, webhook_fields, NFIELDS(webhook_fields), &b, err);
	json_decref(copy);
	if (rc != OB_OK)
		return rc;
	if (list == NULL || json_is_null(list))
		return ob_fail(err, OB_EINVAL, "missing_field", "events", "events is required");
	if (!json_is_array(list))
		return ob_fail(err, OB_EINVAL, "invalid_type", "events", "events must be an array of event names");
	if (json_array_size(list) > WEBHOOK_EVENTS_MAX)
		return ob_fail(err, OB_EINVAL, "too_long", "events", "events has at most %d names",
			       WEBHOOK_EVENTS_MAX);
	json_array_foreach(list, i, it) {
		if (!json_is_string(it)) {
			char field[32];
			snprintf(field, sizeof(field), "events[%zu]", i);
			return ob_fail(err, OB_EINVAL, "invalid_type", field, "%s must be a string", field);
		}
		events[i] = json_string_value(it);
	}
	in->url = b.url;
	in->secret = b.secret;
	in->events = events;
	in->nevents = json_array_size(list);
	return OB_OK;
}

enum ob_rc h_ops_webhook_create(struct req *r, struct ob_err *err)
{
	const char *events[WEBHOOK_EVENTS_MAX];
	struct webhook_input in;
	struct webhook w;
	enum ob_rc rc;

	if ((rc = decode_webhook(r, &in, events, err)) != OB_OK ||
	    (rc = notify_webhook_create(r->st, &in, &w, err)) != OB_OK)
		return rc;
	rc = req_json(r, 201, view_webhook(&w, 1), err);
	crypto_wipe(w.secret, sizeof(w.secret));
	return rc;
}

/* Operator lists page by id and time only: from and to are not taken. */
static enum ob_rc page_plain(struct req *r, const char *const *status_names, struct page_query *q,
			     struct ob_err *err)
{
	enum ob_rc rc = page_parse(r, status_names, q, err);

	if (rc == OB_OK && (q->from || q->to))
		return ob_fail(err, OB_EINVAL, "unknown_parameter", q->from ? "from" : "to",
			       "unknown query parameter");
	return rc;
}

enum ob_rc h_ops_webhooks_list(struct req *r, struct ob_err *err)
{
	struct page_query q;
	struct webhook *out;
	size_t n = 0, shown;
	json_t *items;
	enum ob_rc rc;

	if ((rc = page_plain(r, NULL, &q, err)) != OB_OK)
		return rc;
	if ((out = arena_alloc(&r->arena, sizeof(*out) * q.limit)) == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	rc = store_webhooks_list(r->st, q.after_time, q.after_id, out, q.limit, &n, err);
	shown = n < q.limit ? n : q.limit - 1;
	items = json_array();
	for (size_t i = 0; rc == OB_OK && i < shown; i++)
		json_array_append_new(items, view_webhook(&out[i], 0));
	for (size_t i = 0; i < n; i++)
		crypto_wipe(out[i].secret, sizeof(out[i].secret));
	if (rc != OB_OK) {
		json_decref(items);
		return rc;
	}
	return page_answer(r, items, n == q.limit, shown ? out[shown - 1].created_at : 0,
			   shown ? out[shown - 1].id : "", err);
}

enum ob_rc h_ops_deliveries_list(struct req *r, struct ob_err *err)
{
	struct page_query q;
	struct delivery_info *out;
	size_t n = 0, shown;
	json_t *items;
	enum ob_rc rc;

	if ((rc = page_plain(r, delivery_status_names, &q, err)) != OB_OK)
		return rc;
	if ((out = arena_alloc(&r->arena, sizeof(*out) * q.limit)) == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	if ((rc = notify_deliveries_list(r->st, q.status, q.after_time, q.after_id, out, q.limit, &n,
					 err)) != OB_OK)
		return rc;
	shown = n < q.limit ? n : q.limit - 1;
	items = json_array();
	for (size_t i = 0; i < shown; i++)
		json_array_append_new(items, view_delivery(&out[i]));
	return page_answer(r, items, n == q.limit, shown ? out[shown - 1].d.created_at : 0,
			   shown ? out[shown - 1].d.id : "", err);
}

enum ob_rc h_ops_delivery_retry(struct req *r, struct ob_err *err)
{
	struct delivery_info d;
	enum ob_rc rc;

	if ((rc = notify_delivery_retry(r->st, r->params[0], &d, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_delivery(&d), err);
}
