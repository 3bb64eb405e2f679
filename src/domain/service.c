#include "domain/service.h"

#include "core/clock.h"
#include "domain/seller.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

enum ob_rc service_create(struct store *st, const struct service_input *in, struct service *out,
			  struct ob_err *err)
{
	int kind = store_enum_parse(service_kind_names, in->kind);
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = text_record_id(out->id, in->id, "svc", err)) != OB_OK ||
	    (rc = text_amount(in->monthly_fee_minor, 0, "monthly_fee_minor", err)) != OB_OK)
		return rc;
	if (kind < 0)
		return ob_fail(err, OB_EINVAL, "invalid_kind", "kind",
			       "kind must be selling_plan, advertising or fulfilment");
	if ((rc = seller_for_record(st, in->seller_id, in->currency, NULL, err)) != OB_OK)
		return rc;
	snprintf(out->seller_id, sizeof(out->seller_id), "%s", in->seller_id);
	snprintf(out->currency, sizeof(out->currency), "%s", in->currency);
	out->kind = (enum service_kind)kind;
	out->monthly_fee_minor = in->monthly_fee_minor;
	out->active = 1;
	out->started_at = clock_now();
	rc = store_service_insert(st, out, err);
	if (rc == OB_ECONFLICT)
		return ob_fail(err, OB_ECONFLICT, "duplicate_id", "id", "a service with this id exists");
	return rc;
}
