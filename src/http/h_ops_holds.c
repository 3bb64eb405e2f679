/* h_ops_holds.c: the operator's legal holds: place one on a seller's data,
 * list them, read one, release it. The rules are domain/legal_hold.c's;
 * the router audits every write besides the domain's own record. */
#include "http/handlers.h"

#include "core/clock.h"
#include "domain/legal_hold.h"
#include "http/paging.h"

#include <event2/http.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define STR(n, mx, member) \
	{ .name = n, .type = JF_STRING, .required = 1, .max = mx, \
	  .offset = offsetof(struct legal_hold_input, member) }

static const struct json_field hold_fields[] = {
	STR("seller_id", ID_MAX - 1, seller_id),
	STR("reason", LEGAL_HOLD_REASON_MAX, reason),
	STR("until", 64, until),
};

/* The hold as the operator sees it; reason included: the operator API is
 * the only place it is shown. */
static json_t *view_hold(const struct legal_hold *h, int64_t now)
{
	return json_pack("{s:s, s:s, s:s, s:o, s:o, s:o, s:s, s:s, s:o}", "id", h->id,
			 "seller_id", h->seller_id, "reason", h->reason, "until", req_time(h->until),
			 "created_at", req_time(h->created_at), "released_at", req_time(h->released_at),
			 "status", legal_hold_status(h, now), "created_by", h->created_by,
			 "released_by", h->released_by[0] ? json_string(h->released_by) : json_null());
}

static void actor_of(const struct req *r, char *out, size_t cap)
{
	snprintf(out, cap, "ops:%s", r->ops.id);
}

enum ob_rc h_ops_hold_create(struct req *r, struct ob_err *err)
{
	struct legal_hold_input in = { 0 };
	struct legal_hold h;
	char actor[64];
	enum ob_rc rc;

	actor_of(r, actor, sizeof(actor));
	if ((rc = req_decode(r, hold_fields, NFIELDS(hold_fields), &in, err)) != OB_OK ||
	    (rc = legal_hold_create(r->st, &in, actor, &h, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_hold(&h, clock_now()), err);
}

enum ob_rc h_ops_hold_get(struct req *r, struct ob_err *err)
{
	struct legal_hold h;
	enum ob_rc rc;

	if ((rc = legal_hold_get(r->st, r->params[0], &h, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_hold(&h, clock_now()), err);
}

enum ob_rc h_ops_hold_release(struct req *r, struct ob_err *err)
{
	struct legal_hold h;
	char actor[64];
	enum ob_rc rc;

	actor_of(r, actor, sizeof(actor));
	if ((rc = legal_hold_release(r->st, r->params[0], actor, &h, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_hold(&h, clock_now()), err);
}

/* Takes ?seller_id= out of r->query (the rest is paging's) into *seller_id
 * (in the arena; NULL when absent). */
static enum ob_rc take_seller(struct req *r, const char **seller_id, struct ob_err *err)
{
	const char *p = r->query;
	char *rest;
	size_t used = 0;

	*seller_id = NULL;
	if (p == NULL)
		return OB_OK;
	if ((rest = arena_alloc(&r->arena, strlen(p) + 1)) == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	while (*p) {
		size_t len = strcspn(p, "&");
		if (len >= 10 && strncmp(p, "seller_id=", 10) == 0) {
			char *raw = arena_strndup(&r->arena, p + 10, len - 10);
			char *dec = raw ? evhttp_uridecode(raw, 1, NULL) : NULL;
			if (dec == NULL)
				return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
			*seller_id = arena_strdup(&r->arena, dec);
			free(dec);
			if (*seller_id == NULL)
				return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
			if (**seller_id == '\0')
				*seller_id = NULL;   /* empty: every seller */
			else if (!id_valid(*seller_id))
				return ob_fail(err, OB_EINVAL, "invalid_parameter", "seller_id",
					       "seller_id: not a seller id");
		} else if (len > 0) {
			if (used)
				rest[used++] = '&';
			memcpy(rest + used, p, len);
			used += len;
		}
		p += len;
		if (*p == '&')
			p++;
	}
	rest[used] = '\0';
	r->query = used ? rest : NULL;
	return OB_OK;
}

enum ob_rc h_ops_holds_list(struct req *r, struct ob_err *err)
{
	struct page_query q;
	struct legal_hold *out;
	const char *seller_id;
	size_t n = 0, shown;
	int64_t now = clock_now();
	json_t *items;
	enum ob_rc rc;

	if ((rc = take_seller(r, &seller_id, err)) != OB_OK ||
	    (rc = page_parse(r, NULL, &q, err)) != OB_OK)
		return rc;
	if (q.from || q.to)
		return ob_fail(err, OB_EINVAL, "unknown_parameter", q.from ? "from" : "to",
			       "unknown query parameter");
	if ((out = arena_alloc(&r->arena, sizeof(*out) * q.limit)) == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	if ((rc = legal_holds_list(r->st, seller_id, q.after_time, q.after_id, out, q.limit, &n,
				   err)) != OB_OK)
		return rc;
	shown = n < q.limit ? n : q.limit - 1;
	items = json_array();
	for (size_t i = 0; i < shown; i++)
		json_array_append_new(items, view_hold(&out[i], now));
	return page_answer(r, items, n == q.limit, shown ? out[shown - 1].created_at : 0,
			   shown ? out[shown - 1].id : "", err);
}
