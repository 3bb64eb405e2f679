#include "domain/listing.h"

#include "core/clock.h"
#include "domain/seller.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

enum ob_rc listing_create(struct store *st, const struct listing_input *in, struct listing *out,
			  struct ob_err *err)
{
	enum ob_rc rc;
	int status = in->status ? store_enum_parse(listing_status_names, in->status) : LISTING_ACTIVE;

	memset(out, 0, sizeof(*out));
	if ((rc = text_record_id(out->id, in->id, "lst", err)) != OB_OK ||
	    (rc = text_copy(out->sku, sizeof(out->sku), in->sku, 1, "sku", err)) != OB_OK ||
	    (rc = text_copy(out->title, sizeof(out->title), in->title, 1, "title", err)) != OB_OK ||
	    (rc = text_amount(in->price_minor, 0, "price_minor", err)) != OB_OK)
		return rc;
	if (status < 0)
		return ob_fail(err, OB_EINVAL, "invalid_status", "status", "status must be active or inactive");
	if ((rc = seller_for_record(st, in->seller_id, in->currency, NULL, err)) != OB_OK)
		return rc;
	snprintf(out->seller_id, sizeof(out->seller_id), "%s", in->seller_id);
	snprintf(out->currency, sizeof(out->currency), "%s", in->currency);
	out->price_minor = in->price_minor;
	out->status = (enum listing_status)status;
	out->created_at = out->updated_at = clock_now();
	rc = store_listing_insert(st, out, err);
	if (rc == OB_ECONFLICT) {
		struct listing prev;
		struct ob_err e2;
		if (store_listing_get(st, out->id, &prev, &e2) == OB_OK)
			return ob_fail(err, OB_ECONFLICT, "duplicate_id", "id", "a listing with this id exists");
		return ob_fail(err, OB_ECONFLICT, "duplicate_sku", "sku",
			       "the seller already has a listing with this sku");
	}
	return rc;
}

enum ob_rc listing_set_status(struct store *st, const char *id, const char *status,
			      struct listing *out, struct ob_err *err)
{
	int s = store_enum_parse(listing_status_names, status);
	enum ob_rc rc;

	if (s < 0)
		return ob_fail(err, OB_EINVAL, "invalid_status", "status", "status must be active or inactive");
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_listing_get(st, id, out, err)) != OB_OK)
		goto fail;
	out->status = (enum listing_status)s;
	out->updated_at = clock_now();
	if ((rc = store_listing_set_status(st, id, out->status, out->updated_at, err)) != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}
