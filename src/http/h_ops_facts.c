/* h_ops_facts.c: the marketplace pushes its facts: listings, orders,
 * disputes, ledger events, payout outcomes, inventory and services. The
 * bodies are decoded by decode.c, the rules applied by domain/. */
#include "http/handlers.h"

#include "http/decode.h"
#include "http/views.h"

#include <stddef.h>

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define STR(n, req, mx, T, member) \
	{ .name = n, .type = JF_STRING, .required = req, .max = mx, .offset = offsetof(T, member) }

/* A path id that cannot name anything is answered like a missing one. */
static enum ob_rc path_id(struct req *r, struct ob_err *err)
{
	return id_valid(r->params[0]) ? OB_OK : ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such record");
}

/* The body of every status change. */
struct status_body {
	const char *status;
	const char *delivered_at;
	const char *failure_reason;
	const char *memo;
};

static const struct json_field status_fields[] = {
	STR("status", 1, 16, struct status_body, status),
};

static const struct json_field order_status_fields[] = {
	STR("status", 1, 16, struct status_body, status),
	STR("delivered_at", 0, 40, struct status_body, delivered_at),
};

static const struct json_field payout_status_fields[] = {
	STR("status", 1, 16, struct status_body, status),
	STR("failure_reason", 0, 200, struct status_body, failure_reason),
};

static const struct json_field memo_fields[] = {
	STR("memo", 0, 200, struct status_body, memo),
};

enum ob_rc h_ops_listing_create(struct req *r, struct ob_err *err)
{
	struct listing_input in;
	struct listing l;
	enum ob_rc rc;

	if ((rc = decode_listing(r->body, &in, err)) != OB_OK ||
	    (rc = listing_create(r->st, &in, &l, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_listing(&l), err);
}

enum ob_rc h_ops_listing_update(struct req *r, struct ob_err *err)
{
	struct status_body in = { 0 };
	struct listing l;
	enum ob_rc rc;

	if ((rc = path_id(r, err)) != OB_OK ||
	    (rc = req_decode(r, status_fields, NFIELDS(status_fields), &in, err)) != OB_OK ||
	    (rc = listing_set_status(r->st, r->params[0], in.status, &l, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_listing(&l), err);
}

enum ob_rc h_ops_order_create(struct req *r, struct ob_err *err)
{
	struct order_input in;
	struct order o;
	struct order_item items[ORDER_MAX_ITEMS];
	size_t n = 0;
	enum ob_rc rc;

	if ((rc = decode_order(r->body, &in, err)) != OB_OK ||
	    (rc = order_create(r->st, &in, &o, err)) != OB_OK ||
	    (rc = store_order_items(r->st, o.id, items, ORDER_MAX_ITEMS, &n, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_order(&o, items, n), err);
}

enum ob_rc h_ops_order_update(struct req *r, struct ob_err *err)
{
	struct status_body in = { 0 };
	struct order o;
	enum ob_rc rc;

	if ((rc = path_id(r, err)) != OB_OK ||
	    (rc = req_decode(r, order_status_fields, NFIELDS(order_status_fields), &in, err)) != OB_OK ||
	    (rc = order_transition(r->st, r->params[0], in.status, in.delivered_at, &o, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_order(&o, NULL, 0), err);
}

enum ob_rc h_ops_dispute_create(struct req *r, struct ob_err *err)
{
	struct dispute_input in;
	struct dispute d;
	enum ob_rc rc;

	if ((rc = decode_dispute(r->body, &in, err)) != OB_OK ||
	    (rc = dispute_create(r->st, &in, &d, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_dispute(&d), err);
}

enum ob_rc h_ops_dispute_update(struct req *r, struct ob_err *err)
{
	struct status_body in = { 0 };
	struct dispute d;
	enum ob_rc rc;

	if ((rc = path_id(r, err)) != OB_OK ||
	    (rc = req_decode(r, status_fields, NFIELDS(status_fields), &in, err)) != OB_OK ||
	    (rc = dispute_set_status(r->st, r->params[0], in.status, &d, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_dispute(&d), err);
}

enum ob_rc h_ops_ledger_create(struct req *r, struct ob_err *err)
{
	struct ledger_input in;
	struct ledger_txn t;
	enum ob_rc rc;

	if ((rc = decode_ledger(r->body, &in, err)) != OB_OK ||
	    (rc = ledger_post(r->st, &in, &t, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_ledger(&t), err);
}

enum ob_rc h_ops_ledger_reverse(struct req *r, struct ob_err *err)
{
	struct status_body in = { 0 };
	struct ledger_txn t;
	enum ob_rc rc;

	if ((rc = path_id(r, err)) != OB_OK ||
	    (rc = req_decode(r, memo_fields, NFIELDS(memo_fields), &in, err)) != OB_OK ||
	    (rc = ledger_reverse(r->st, r->params[0], in.memo, &t, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_ledger(&t), err);
}

enum ob_rc h_ops_payout_update(struct req *r, struct ob_err *err)
{
	struct status_body in = { 0 };
	struct payout p;
	enum ob_rc rc;

	if ((rc = path_id(r, err)) != OB_OK ||
	    (rc = req_decode(r, payout_status_fields, NFIELDS(payout_status_fields), &in, err)) != OB_OK ||
	    (rc = payout_transition(r->st, r->params[0], in.status, in.failure_reason, &p, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_payout(&p), err);
}

enum ob_rc h_ops_inventory_set(struct req *r, struct ob_err *err)
{
	struct inventory_input in;
	struct inventory inv;
	enum ob_rc rc;

	if ((rc = decode_inventory(r->body, &in, err)) != OB_OK ||
	    (rc = inventory_set(r->st, &in, &inv, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_inventory(&inv), err);
}

enum ob_rc h_ops_service_create(struct req *r, struct ob_err *err)
{
	struct service_input in;
	struct service sv;
	enum ob_rc rc;

	if ((rc = decode_service(r->body, &in, err)) != OB_OK ||
	    (rc = service_create(r->st, &in, &sv, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_service(&sv), err);
}
