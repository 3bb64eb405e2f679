#include "http/decode.h"

#include "http/json_edge.h"

#include <stddef.h>
#include <stdio.h>
#include <string.h>

#define NFIELDS(a) (sizeof(a) / sizeof((a)[0]))
#define STR(n, req, mx, T, member) \
	{ .name = n, .type = JF_STRING, .required = req, .max = mx, .offset = offsetof(T, member) }
#define INT(n, req, T, member) \
	{ .name = n, .type = JF_INT, .required = req, .min = INT64_MIN, .max = INT64_MAX, \
	  .offset = offsetof(T, member) }
#define DECODER(fn, T, table)                                                      \
	enum ob_rc fn(const json_t *o, T *in, struct ob_err *err)                  \
	{                                                                          \
		memset(in, 0, sizeof(*in));                                        \
		return json_edge_decode(o, table, NFIELDS(table), in, err);        \
	}

static const struct json_field marketplace_fields[] = {
	STR("id", 1, 31, struct marketplace_input, id),
	STR("name", 1, 200, struct marketplace_input, name),
	STR("currency", 1, 3, struct marketplace_input, currency),
	STR("policy", 0, 64, struct marketplace_input, policy),
};
DECODER(decode_marketplace, struct marketplace_input, marketplace_fields)

static const struct json_field bank_fields[] = {
	STR("holder", 1, 200, struct seller_input, bank_holder),
	STR("iban", 1, 50, struct seller_input, bank_iban),
};

static const struct json_field seller_fields[] = {
	STR("id", 0, 31, struct seller_input, id),
	STR("email", 1, 254, struct seller_input, email),
	STR("password", 1, 1024, struct seller_input, password),
	STR("display_name", 1, 200, struct seller_input, display_name),
	STR("marketplace", 1, 31, struct seller_input, marketplace),
	STR("legal_name", 0, 200, struct seller_input, legal_name),
	STR("phone", 0, 40, struct seller_input, phone),
	STR("address", 0, 500, struct seller_input, address),
	STR("tax_id", 0, 40, struct seller_input, tax_id),
	{ .name = "bank_account", .type = JF_OBJECT, .nested = bank_fields, .nnested = 2 },
};
DECODER(decode_seller, struct seller_input, seller_fields)

static const struct json_field listing_fields[] = {
	STR("id", 0, 31, struct listing_input, id),
	STR("seller_id", 1, 31, struct listing_input, seller_id),
	STR("sku", 1, 100, struct listing_input, sku),
	STR("title", 1, 500, struct listing_input, title),
	INT("price_minor", 1, struct listing_input, price_minor),
	STR("currency", 1, 3, struct listing_input, currency),
	STR("status", 0, 16, struct listing_input, status),
};
DECODER(decode_listing, struct listing_input, listing_fields)

static const struct json_field item_fields[] = {
	STR("sku", 1, 100, struct order_item_input, sku),
	STR("title", 1, 500, struct order_item_input, title),
	INT("quantity", 1, struct order_item_input, quantity),
	INT("unit_price_minor", 1, struct order_item_input, unit_price_minor),
};

static const struct json_field order_fields[] = {
	STR("id", 0, 31, struct order_input, id),
	STR("seller_id", 1, 31, struct order_input, seller_id),
	STR("status", 1, 16, struct order_input, status),
	INT("total_minor", 1, struct order_input, total_minor),
	STR("currency", 1, 3, struct order_input, currency),
	STR("buyer_name", 1, 200, struct order_input, buyer_name),
	STR("ship_address", 1, 500, struct order_input, ship_address),
	STR("placed_at", 0, 40, struct order_input, placed_at),
	STR("delivered_at", 0, 40, struct order_input, delivered_at),
};

enum ob_rc decode_order(const json_t *o, struct order_input *in, struct ob_err *err)
{
	json_t *items = json_is_object(o) ? json_object_get(o, "items") : NULL, *copy, *it;
	enum ob_rc rc;
	size_t i;

	memset(in, 0, sizeof(*in));
	if (!json_is_object(o))
		return ob_fail(err, OB_EBADREQ, "invalid_json", NULL, "the body must be a JSON object");
	/* items is an array, checked item by item below; the rest by the table */
	if ((copy = json_copy((json_t *)o)) == NULL)
		return ob_fail(err, OB_ENOMEM, NULL, NULL, "out of memory");
	json_object_del(copy, "items");
	rc = json_edge_decode(copy, order_fields, NFIELDS(order_fields), in, err);
	json_decref(copy);
	if (rc != OB_OK || items == NULL || json_is_null(items))
		return rc;
	if (!json_is_array(items))
		return ob_fail(err, OB_EINVAL, "invalid_type", "items", "items must be an array");
	if (json_array_size(items) > ORDER_MAX_ITEMS)
		return ob_fail(err, OB_EINVAL, "too_long", "items", "an order has at most %d items", ORDER_MAX_ITEMS);
	json_array_foreach(items, i, it) {
		rc = json_edge_decode(it, item_fields, NFIELDS(item_fields), &in->items[i], err);
		if (rc != OB_OK) {
			char field[sizeof(err->field)];
			snprintf(field, sizeof(field), "items[%zu]%s%s", i, err->field[0] ? "." : "", err->field);
			if (rc == OB_EBADREQ)
				return ob_fail(err, OB_EINVAL, "invalid_type", field, "%s must be an object", field);
			snprintf(err->field, sizeof(err->field), "%s", field);
			return rc;
		}
	}
	in->nitems = json_array_size(items);
	return OB_OK;
}

static const struct json_field dispute_fields[] = {
	STR("id", 0, 31, struct dispute_input, id),
	STR("seller_id", 1, 31, struct dispute_input, seller_id),
	STR("order_id", 0, 31, struct dispute_input, order_id),
	STR("kind", 1, 20, struct dispute_input, kind),
	INT("amount_minor", 1, struct dispute_input, amount_minor),
	STR("currency", 1, 3, struct dispute_input, currency),
	STR("opened_at", 0, 40, struct dispute_input, opened_at),
	STR("status", 0, 16, struct dispute_input, status),
	STR("closed_at", 0, 40, struct dispute_input, closed_at),
};
DECODER(decode_dispute, struct dispute_input, dispute_fields)

static const struct json_field ledger_fields[] = {
	STR("id", 0, 31, struct ledger_input, id),
	STR("seller_id", 1, 31, struct ledger_input, seller_id),
	STR("type", 1, 20, struct ledger_input, type),
	INT("amount_minor", 1, struct ledger_input, amount_minor),
	STR("currency", 1, 3, struct ledger_input, currency),
	STR("order_id", 0, 31, struct ledger_input, order_id),
	STR("memo", 0, 200, struct ledger_input, memo),
	STR("created_at", 0, 40, struct ledger_input, created_at),
};
DECODER(decode_ledger, struct ledger_input, ledger_fields)

static const struct json_field payout_fields[] = {
	STR("id", 0, 31, struct payout_record, in.id),
	STR("seller_id", 1, 31, struct payout_record, in.seller_id),
	INT("amount_minor", 1, struct payout_record, in.amount_minor),
	STR("requested_at", 0, 40, struct payout_record, in.requested_at),
	STR("status", 0, 16, struct payout_record, status),
	STR("failure_reason", 0, 200, struct payout_record, failure_reason),
};
DECODER(decode_payout, struct payout_record, payout_fields)

static const struct json_field inventory_fields[] = {
	STR("seller_id", 1, 31, struct inventory_input, seller_id),
	STR("sku", 1, 100, struct inventory_input, sku),
	INT("units", 1, struct inventory_input, units),
};
DECODER(decode_inventory, struct inventory_input, inventory_fields)

static const struct json_field service_fields[] = {
	STR("id", 0, 31, struct service_input, id),
	STR("seller_id", 1, 31, struct service_input, seller_id),
	STR("kind", 1, 20, struct service_input, kind),
	INT("monthly_fee_minor", 1, struct service_input, monthly_fee_minor),
	STR("currency", 1, 3, struct service_input, currency),
};
DECODER(decode_service, struct service_input, service_fields)
