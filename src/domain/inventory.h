/* inventory.h: units of the seller's stock held in the marketplace's
 * fulfilment centres (they must be removed or sold before closing). */
#ifndef OB_INVENTORY_H
#define OB_INVENTORY_H

#include "store/store.h"

struct inventory_input {
	const char *seller_id;
	const char *sku;
	int64_t units;
};

/* Records that units of sku are held for the seller (0 when removed).
 * OB_EINVAL naming the field. */
enum ob_rc inventory_set(struct store *st, const struct inventory_input *in,
			 struct inventory *out, struct ob_err *err);

#endif
