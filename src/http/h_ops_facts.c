/* h_ops_facts.c: the marketplace pushes its facts: listings, orders,
 * disputes, ledger events, payout outcomes, inventory and services. */
#include "http/handlers.h"

#include "domain/dispute.h"
#include "domain/inventory.h"
#include "domain/ledger.h"
#include "domain/listing.h"
#include "domain/order.h"
#include "domain/payout.h"
#include "domain/service.h"
#include "http/views.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define STR(n, req, mx, T, member) \
	{ .name = n, .type = JF_STRING, .required = req, .max = mx, .offset = offsetof(T, member) }
#define INT(n, req, lo, hi, T, member) \
	{ .name = n, .type = JF_INT, .required = req, .min = lo, .max = hi, .offset = offsetof(T, member) }

/* A path id that cannot name anything is answered like a missing one. */
static enum ob_rc path_id(struct req *r, struct ob_err *err)
{
	return id_valid(r->params[0]) ? OB_OK : ob_fail(err, OB_ENOTFOUND, "not_found", NULL, "no such record");
}

struct status_body {
	const char *status;
	const char *delivered_at;
	const char *failure_reason;
};

/* --- listings --- */

static const struct json_field listing_fields[] = {
	STR("id", 0, 31, struct listing_input, id),
	STR("seller_id", 1, 31, struct listing_input, seller_id),
	STR("sku", 1, 100, struct listing_input, sku),
	STR("title", 1, 500, struct listing_input, title),
	INT("price_minor", 1, INT64_MIN, INT64_MAX, struct listing_input, price_minor),
	STR("currency", 1, 3, struct listing_input, currency),
	STR("status", 0, 16, struct listing_input, status),
};

enum ob_rc h_ops_listing_create(struct req *r, struct ob_err *err)
{
	struct listing_input in = { 0 };
	struct listing l;
	enum ob_rc rc;

	if ((rc = req_decode(r, listing_fields, NFIELDS(listing_fields), &in, err)) != OB_OK ||
	    (rc = listing_create(r->st, &in, &l, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_listing(&l), err);
}

static const struct json_field status_fields[] = {
	STR("status", 1, 16, struct status_body, status),
};

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

/* --- orders --- */

/* Items are an array: decoded here, each by the item table. */
static const struct json_field item_fields[] = {
	STR("sku", 1, 100, struct order_item_input, sku),
	STR("title", 1, 500, struct order_item_input, title),
	INT("quantity", 1, 1, 1000000, struct order_item_input, quantity),
	INT("unit_price_minor", 1, INT64_MIN, INT64_MAX, struct order_item_input, unit_price_minor),
};

static const struct json_field order_fields[] = {
	STR("id", 0, 31, struct order_input, id),
	STR("seller_id", 1, 31, struct order_input, seller_id),
	STR("status", 1, 16, struct order_input, status),
	INT("total_minor", 1, INT64_MIN, INT64_MAX, struct order_input, total_minor),
	STR("currency", 1, 3, struct order_input, currency),
	STR("buyer_name", 1, 200, struct order_input, buyer_name),
	STR("ship_address", 1, 500, struct order_input, ship_address),
	STR("placed_at", 0, 40, struct order_input, placed_at),
	STR("delivered_at", 0, 40, struct order_input, delivered_at),
};

/* Decodes an order body, items included, into in (strings borrowed from
 * body). Shared with the importer through handlers.h. */
enum ob_rc order_input_decode(const json_t *body, struct order_input *in, struct ob_err *err)
{
	json_t *copy = json_copy((json_t *)body), *items;
	enum ob_rc rc;
	size_t i;
	json_t *it;

	memset(in, 0, sizeof(*in));
	if (copy == NULL)
		return ob_fail(err, OB_EBADREQ, "invalid_json", NULL, "the body must be a JSON object");
	/* items is checked on its own; the rest by the table */
	json_object_del(copy, "items");
	rc = json_edge_decode(copy, order_fields, NFIELDS(order_fields), in, err);
	json_decref(copy);
	if (rc != OB_OK)
		return rc;
	items = json_object_get(body, "items");
	if (items == NULL || json_is_null(items))
		return OB_OK;
	if (!json_is_array(items))
		return ob_fail(err, OB_EINVAL, "invalid_type", "items", "items must be an array");
	if (json_array_size(items) > ORDER_MAX_ITEMS)
		return ob_fail(err, OB_EINVAL, "too_long", "items", "at most %d items", ORDER_MAX_ITEMS);
	json_array_foreach(items, i, it) {
		if ((rc = json_edge_decode(it, item_fields, NFIELDS(item_fields), &in->items[i], err)) != OB_OK) {
			char field[96];
			snprintf(field, sizeof(field), "items[%zu].%s", i, err->field);
			snprintf(err->field, sizeof(err->field), "%s", field);
			if (rc == OB_EBADREQ)
				rc = ob_fail(err, OB_EINVAL, "invalid_type", field, "each item must be an object");
			return rc;
		}
	}
	in->nitems = json_array_size(items);
	return OB_OK;
}

enum ob_rc h_ops_order_create(struct req *r, struct ob_err *err)
{
	struct order_input in;
	struct order o;
	struct order_item items[ORDER_MAX_ITEMS];
	size_t n = 0;
	enum ob_rc rc;

	if ((rc = order_input_decode(r->body, &in, err)) != OB_OK ||
	    (rc = order_create(r->st, &in, &o, err)) != OB_OK ||
	    (rc = store_order_items(r->st, o.id, items, ORDER_MAX_ITEMS, &n, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_order(&o, items, n), err);
}

static const struct json_field order_update_fields[] = {
	STR("status", 1, 16, struct status_body, status),
	STR("delivered_at", 0, 40, struct status_body, delivered_at),
};

enum ob_rc h_ops_order_update(struct req *r, struct ob_err *err)
{
	struct status_body in = { 0 };
	struct order o;
	enum ob_rc rc;

	if ((rc = path_id(r, err)) != OB_OK ||
	    (rc = req_decode(r, order_update_fields, NFIELDS(order_update_fields), &in, err)) != OB_OK ||
	    (rc = order_transition(r->st, r->params[0], in.status, in.delivered_at, &o, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_order(&o, NULL, 0), err);
}

/* --- disputes --- */

static const struct json_field dispute_fields[] = {
	STR("id", 0, 31, struct dispute_input, id),
	STR("seller_id", 1, 31, struct dispute_input, seller_id),
	STR("order_id", 0, 31, struct dispute_input, order_id),
	STR("kind", 1, 20, struct dispute_input, kind),
	INT("amount_minor", 1, INT64_MIN, INT64_MAX, struct dispute_input, amount_minor),
	STR("currency", 1, 3, struct dispute_input, currency),
	STR("opened_at", 0, 40, struct dispute_input, opened_at),
};

enum ob_rc h_ops_dispute_create(struct req *r, struct ob_err *err)
{
	struct dispute_input in = { 0 };
	struct dispute d;
	enum ob_rc rc;

	if ((rc = req_decode(r, dispute_fields, NFIELDS(dispute_fields), &in, err)) != OB_OK ||
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

/* --- ledger --- */

static const struct json_field ledger_fields[] = {
	STR("id", 0, 31, struct ledger_input, id),
	STR("seller_id", 1, 31, struct ledger_input, seller_id),
	STR("type", 1, 20, struct ledger_input, type),
	INT("amount_minor", 1, INT64_MIN, INT64_MAX, struct ledger_input, amount_minor),
	STR("currency", 1, 3, struct ledger_input, currency),
	STR("order_id", 0, 31, struct ledger_input, order_id),
	STR("memo", 0, 200, struct ledger_input, memo),
	STR("created_at", 0, 40, struct ledger_input, created_at),
};

enum ob_rc h_ops_ledger_create(struct req *r, struct ob_err *err)
{
	struct ledger_input in = { 0 };
	struct ledger_txn t;
	enum ob_rc rc;

	if ((rc = req_decode(r, ledger_fields, NFIELDS(ledger_fields), &in, err)) != OB_OK ||
	    (rc = ledger_post(r->st, &in, &t, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_ledger(&t), err);
}

struct memo_body {
	const char *memo;
};

static const struct json_field memo_fields[] = {
	STR("memo", 0, 200, struct memo_body, memo),
};

enum ob_rc h_ops_ledger_reverse(struct req *r, struct ob_err *err)
{
	struct memo_body in = { 0 };
	struct ledger_txn t;
	enum ob_rc rc;

	if ((rc = path_id(r, err)) != OB_OK ||
	    (rc = req_decode(r, memo_fields, NFIELDS(memo_fields), &in, err)) != OB_OK ||
	    (rc = ledger_reverse(r->st, r->params[0], in.memo, &t, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_ledger(&t), err);
}

/* --- payouts --- */

static const struct json_field payout_update_fields[] = {
	STR("status", 1, 16, struct status_body, status),
	STR("failure_reason", 0, 200, struct status_body, failure_reason),
};

enum ob_rc h_ops_payout_update(struct req *r, struct ob_err *err)
{
	struct status_body in = { 0 };
	struct payout p;
	enum ob_rc rc;

	if ((rc = path_id(r, err)) != OB_OK ||
	    (rc = req_decode(r, payout_update_fields, NFIELDS(payout_update_fields), &in, err)) != OB_OK ||
	    (rc = payout_transition(r->st, r->params[0], in.status, in.failure_reason, &p, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_payout(&p), err);
}

/* --- inventory and services --- */

struct inventory_body {
	const char *seller_id;
	const char *sku;
	int64_t units;
};

static const struct json_field inventory_fields[] = {
	STR("seller_id", 1, 31, struct inventory_body, seller_id),
	STR("sku", 1, 100, struct inventory_body, sku),
	INT("units", 1, INT64_MIN, INT64_MAX, struct inventory_body, units),
};

enum ob_rc h_ops_inventory_set(struct req *r, struct ob_err *err)
{
	struct inventory_body in = { 0 };
	struct inventory inv;
	enum ob_rc rc;

	if ((rc = req_decode(r, inventory_fields, NFIELDS(inventory_fields), &in, err)) != OB_OK ||
	    (rc = inventory_set(r->st, in.seller_id, in.sku, in.units, &inv, err)) != OB_OK)
		return rc;
	return req_json(r, 200, view_inventory(&inv), err);
}

static const struct json_field service_fields[] = {
	STR("id", 0, 31, struct service_input, id),
	STR("seller_id", 1, 31, struct service_input, seller_id),
	STR("kind", 1, 20, struct service_input, kind),
	INT("monthly_fee_minor", 1, INT64_MIN, INT64_MAX, struct service_input, monthly_fee_minor),
	STR("currency", 1, 3, struct service_input, currency),
};

enum ob_rc h_ops_service_create(struct req *r, struct ob_err *err)
{
	struct service_input in = { 0 };
	struct service sv;
	enum ob_rc rc;

	if ((rc = req_decode(r, service_fields, NFIELDS(service_fields), &in, err)) != OB_OK ||
	    (rc = service_create(r->st, &in, &sv, err)) != OB_OK)
		return rc;
	return req_json(r, 201, view_service(&sv), err);
}
