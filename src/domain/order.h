/* order.h: the seller's orders as the marketplace reports them, and the
 * transitions an order may make:
 *
 *   pending -> unshipped | shipped | cancelled
 *   unshipped -> shipped | cancelled
 *   shipped -> delivered | returned
 *   delivered -> returned | refunded
 *   returned -> refunded
 *
 * cancelled and refunded are final. A delivered order opens the return
 * window of the marketplace's policy. */
#ifndef OB_ORDER_H
#define OB_ORDER_H

#include "store/store.h"

#define ORDER_MAX_ITEMS 100

struct order_item_input {
	const char *sku;
	const char *title;
	int64_t quantity;
	int64_t unit_price_minor;
};

struct order_input {
	const char *id;              /* the operator's id, or NULL */
	const char *seller_id;
	const char *status;
	int64_t total_minor;
	const char *currency;
	const char *buyer_name;
	const char *ship_address;
	const char *placed_at;       /* RFC 3339, or NULL for now */
	const char *delivered_at;    /* RFC 3339; only for delivered, returned, refunded */
	struct order_item_input items[ORDER_MAX_ITEMS];
	size_t nitems;
};

/* Validates and stores an order with its items into *out, in one
 * transaction. OB_EINVAL naming the field; OB_ECONFLICT "duplicate_id", or
 * "seller_closing" when the seller's account no longer takes orders. */
enum ob_rc order_create(struct store *st, const struct order_input *in, struct order *out,
			struct ob_err *err);

/* Moves order id to status (delivered_at: RFC 3339 or NULL for now, with
 * delivered). The same status again changes nothing. OB_ENOTFOUND;
 * OB_EINVAL "invalid_status"; OB_ECONFLICT "invalid_transition". */
enum ob_rc order_transition(struct store *st, const char *id, const char *status,
			    const char *delivered_at, struct order *out, struct ob_err *err);

/* Returns 1 when an order in this status still needs the seller
 * (pending, unshipped, shipped). */
int order_is_open(enum order_status s);

#endif
