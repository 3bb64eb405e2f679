#include "domain/inventory.h"

#include "core/clock.h"
#include "domain/seller.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

enum ob_rc inventory_set(struct store *st, const struct inventory_input *in,
			 struct inventory *out, struct ob_err *err)
{
	const char *seller_id = in->seller_id, *sku = in->sku;
	int64_t units = in->units;
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = text_copy(out->sku, sizeof(out->sku), sku, 1, "sku", err)) != OB_OK)
		return rc;
	if (units < 0 || units > 1000000000)
		return ob_fail(err, OB_EINVAL, "invalid_units", "units", "units must be from 0 to 1000000000");
	if ((rc = seller_for_record(st, seller_id, NULL, NULL, err)) != OB_OK)
		return rc;
	snprintf(out->seller_id, sizeof(out->seller_id), "%s", seller_id);
	out->units = units;
	out->updated_at = clock_now();
	return store_inventory_put(st, out, err);
}
