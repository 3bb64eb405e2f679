#include "domain/order.h"

#include "core/clock.h"
#include "core/policy.h"
#include "domain/seller.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

/* allowed[from][to]: the transition table of the header. */
static const unsigned char allowed[7][7] = {
	/*                 pend unsh ship deli canc refu retu */
	[ORDER_PENDING]   = { 0,   1,   1,   0,   1,   0,   0 },
	[ORDER_UNSHIPPED] = { 0,   0,   1,   0,   1,   0,   0 },
	[ORDER_SHIPPED]   = { 0,   0,   0,   1,   0,   0,   1 },
	[ORDER_DELIVERED] = { 0,   0,   0,   0,   0,   1,   1 },
	[ORDER_CANCELLED] = { 0 },
	[ORDER_REFUNDED]  = { 0 },
	[ORDER_RETURNED]  = { 0,   0,   0,   0,   0,   1,   0 },
};

int order_is_open(enum order_status s)
{
	return s == ORDER_PENDING || s == ORDER_UNSHIPPED || s == ORDER_SHIPPED;
}

static int was_delivered(enum order_status s)
{
	return s == ORDER_DELIVERED || s == ORDER_RETURNED || s == ORDER_REFUNDED;
}

/* Sets delivery and the end of the return window from the policy. */
static void set_delivered(const struct marketplace *m, struct order *o, int64_t at)
{
	const struct policy *p = policy_get(m->policy);

	o->delivered_at = at;
	o->return_window_ends_at = at + (int64_t)p->return_window_days * 86400;
}

enum ob_rc order_create(struct store *st, const struct order_input *in, struct order *out,
			struct ob_err *err)
{
	struct seller s;
	struct marketplace m;
	enum ob_rc rc;
	int status = store_enum_parse(order_status_names, in->status);
	int64_t delivered = 0;

	memset(out, 0, sizeof(*out));
	if ((rc = text_record_id(out->id, in->id, "ord", err)) != OB_OK)
		return rc;
	if (status < 0)
		return ob_fail(err, OB_EINVAL, "invalid_status", "status",
			       "status must be pending, unshipped, shipped, delivered, cancelled, refunded or returned");
	if ((rc = text_amount(in->total_minor, 0, "total_minor", err)) != OB_OK ||
	    (rc = text_copy(out->buyer_name, ORDER_BUYER_NAME_MAX + 1, in->buyer_name, 1, "buyer_name", err)) != OB_OK ||
	    (rc = text_copy_lines(out->ship_address, ORDER_ADDRESS_MAX + 1, in->ship_address, 1,
			    "ship_address", err)) != OB_OK ||
	    (rc = text_time(in->placed_at, "placed_at", &out->placed_at, err)) != OB_OK)
		return rc;
	out->status = (enum order_status)status;
	if (was_delivered(out->status)) {
		if ((rc = text_time(in->delivered_at, "delivered_at", &delivered, err)) != OB_OK)
			return rc;
		if (delivered < out->placed_at)
			return ob_fail(err, OB_EINVAL, "invalid_time", "delivered_at",
				       "delivered_at is before placed_at");
	} else if (in->delivered_at) {
		return ob_fail(err, OB_EINVAL, "not_delivered", "delivered_at",
			       "only a delivered, returned or refunded order has delivered_at");
	}
	for (size_t i = 0; i < in->nitems; i++) {
		const struct order_item_input *it = &in->items[i];
		struct order_item check;
		char field[48];
		snprintf(field, sizeof(field), "items[%zu].quantity", i);
		if (it->quantity < 1 || it->quantity > 1000000)
			return ob_fail(err, OB_EINVAL, "invalid_quantity", field,
				       "%s must be from 1 to 1000000", field);
		snprintf(field, sizeof(field), "items[%zu].unit_price_minor", i);
		if ((rc = text_amount(it->unit_price_minor, 0, field, err)) != OB_OK)
			return rc;
		snprintf(field, sizeof(field), "items[%zu].sku", i);
		if ((rc = text_copy(check.sku, sizeof(check.sku), it->sku, 1, field, err)) != OB_OK)
			return rc;
		snprintf(field, sizeof(field), "items[%zu].title", i);
		if ((rc = text_copy(check.title, sizeof(check.title), it->title, 1, field, err)) != OB_OK)
			return rc;
	}

	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = seller_for_record_in(st, in->seller_id, in->currency, &s, &m, err)) != OB_OK)
		goto fail;
	if (s.status == SELLER_CLOSING || s.status == SELLER_CLOSED) {
		rc = ob_fail(err, OB_ECONFLICT, "seller_closing", "seller_id",
			     "the seller's account is %s and takes no new orders",
			     seller_status_name(s.status));
		goto fail;
	}
	snprintf(out->seller_id, sizeof(out->seller_id), "%s", s.id);
	snprintf(out->currency, sizeof(out->currency), "%s", in->currency);
	out->total_minor = in->total_minor;
	out->created_at = out->updated_at = clock_now();
	if (delivered)
		set_delivered(&m, out, delivered);
	rc = store_order_insert(st, out, err);
	if (rc == OB_ECONFLICT)
		rc = ob_fail(err, OB_ECONFLICT, "duplicate_id", "id", "an order with this id exists");
	if (rc != OB_OK)
		goto fail;
	for (size_t i = 0; i < in->nitems; i++) {
		struct order_item it;
		memset(&it, 0, sizeof(it));
		snprintf(it.order_id, sizeof(it.order_id), "%s", out->id);
		it.line = (int)i + 1;
		snprintf(it.sku, sizeof(it.sku), "%s", in->items[i].sku);
		snprintf(it.title, sizeof(it.title), "%s", in->items[i].title);
		it.quantity = in->items[i].quantity;
		it.unit_price_minor = in->items[i].unit_price_minor;
		if ((rc = store_order_item_insert(st, &it, err)) != OB_OK)
			goto fail;
	}
	crypto_wipe(&s, sizeof(s));
	return store_commit(st, err);
fail:
	crypto_wipe(&s, sizeof(s));
	store_rollback(st);
	return rc;
}

enum ob_rc order_transition(struct store *st, const char *id, const char *status,
			    const char *delivered_at, struct order *out, struct ob_err *err)
{
	int to = store_enum_parse(order_status_names, status);
	int64_t delivered = 0;
	enum ob_rc rc;

	if (to < 0)
		return ob_fail(err, OB_EINVAL, "invalid_status", "status",
			       "status must be pending, unshipped, shipped, delivered, cancelled, refunded or returned");
	if (delivered_at && to != ORDER_DELIVERED)
		return ob_fail(err, OB_EINVAL, "not_delivered", "delivered_at",
			       "delivered_at goes with status delivered");
	if (to == ORDER_DELIVERED && (rc = text_time(delivered_at, "delivered_at", &delivered, err)) != OB_OK)
		return rc;
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_order_get(st, id, out, err)) != OB_OK)
		goto fail;
	if ((int)out->status == to) {
		/* a repeat is fine; a repeat that says something else is not */
		if (delivered_at && delivered != out->delivered_at) {
			rc = ob_fail(err, OB_ECONFLICT, "invalid_transition", "delivered_at",
				     "the order was already delivered at another time");
			goto fail;
		}
		store_rollback(st);
		return OB_OK;
	}
	if (!allowed[out->status][to]) {
		rc = ob_fail(err, OB_ECONFLICT, "invalid_transition", "status",
			     "a %s order cannot become %s", order_status_names[out->status],
			     order_status_names[to]);
		goto fail;
	}
	if (to == ORDER_DELIVERED) {
		if (delivered < out->placed_at) {
			rc = ob_fail(err, OB_EINVAL, "invalid_time", "delivered_at",
				     "delivered_at is before the order was placed");
			goto fail;
		}
		struct marketplace m;
		if ((rc = seller_for_record_in(st, out->seller_id, NULL, NULL, &m, err)) != OB_OK)
			goto fail;
		set_delivered(&m, out, delivered);
	}
	out->status = (enum order_status)to;
	out->updated_at = clock_now();
	if ((rc = store_order_update(st, out, err)) != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}
