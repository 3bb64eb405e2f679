#include "domain/dispute.h"

#include "core/clock.h"
#include "domain/seller.h"
#include "domain/text.h"

#include <stdio.h>
#include <string.h>

enum ob_rc dispute_create(struct store *st, const struct dispute_input *in, struct dispute *out,
			  struct ob_err *err)
{
	int kind = store_enum_parse(dispute_kind_names, in->kind);
	int status = in->status ? store_enum_parse(dispute_status_names, in->status) : DISPUTE_OPEN;
	enum ob_rc rc;

	memset(out, 0, sizeof(*out));
	if ((rc = text_record_id(out->id, in->id, "dsp", err)) != OB_OK ||
	    (rc = text_amount(in->amount_minor, 0, "amount_minor", err)) != OB_OK)
		return rc;
	if (kind < 0)
		return ob_fail(err, OB_EINVAL, "invalid_kind", "kind",
			       "kind must be a_to_z_claim, chargeback, return_request or other");
	if (status < 0)
		return ob_fail(err, OB_EINVAL, "invalid_status", "status", "status must be open or closed");
	if ((rc = text_time(in->opened_at, "opened_at", &out->opened_at, err)) != OB_OK)
		return rc;
	if (status == DISPUTE_OPEN && in->closed_at)
		return ob_fail(err, OB_EINVAL, "not_closed", "closed_at", "closed_at goes with status closed");
	if (status == DISPUTE_CLOSED) {
		if ((rc = text_time(in->closed_at, "closed_at", &out->closed_at, err)) != OB_OK)
			return rc;
		if (out->closed_at < out->opened_at)
			return ob_fail(err, OB_EINVAL, "invalid_time", "closed_at", "closed_at is before opened_at");
	}
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = seller_for_record(st, in->seller_id, in->currency, NULL, err)) != OB_OK)
		goto fail;
	if (in->order_id) {
		struct order o;
		rc = id_valid(in->order_id) ? store_order_get(st, in->order_id, &o, err) : OB_ENOTFOUND;
		if (rc == OB_ENOTFOUND || (rc == OB_OK && strcmp(o.seller_id, in->seller_id) != 0)) {
			rc = ob_fail(err, OB_EINVAL, "unknown_order", "order_id",
				     "the seller has no order with this id");
			goto fail;
		}
		if (rc != OB_OK)
			goto fail;
		snprintf(out->order_id, sizeof(out->order_id), "%s", in->order_id);
	}
	snprintf(out->seller_id, sizeof(out->seller_id), "%s", in->seller_id);
	snprintf(out->currency, sizeof(out->currency), "%s", in->currency);
	out->kind = (enum dispute_kind)kind;
	out->status = (enum dispute_status)status;
	out->amount_minor = in->amount_minor;
	rc = store_dispute_insert(st, out, err);
	if (rc == OB_ECONFLICT)
		rc = ob_fail(err, OB_ECONFLICT, "duplicate_id", "id", "a dispute with this id exists");
	if (rc != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}

enum ob_rc dispute_set_status(struct store *st, const char *id, const char *status,
			      struct dispute *out, struct ob_err *err)
{
	int to = store_enum_parse(dispute_status_names, status);
	enum ob_rc rc;

	if (to < 0)
		return ob_fail(err, OB_EINVAL, "invalid_status", "status", "status must be open or closed");
	if ((rc = store_begin(st, 1, err)) != OB_OK)
		return rc;
	if ((rc = store_dispute_get(st, id, out, err)) != OB_OK)
		goto fail;
	if ((int)out->status == to) {
		store_rollback(st);
		return OB_OK;
	}
	if (to == DISPUTE_OPEN) {
		rc = ob_fail(err, OB_ECONFLICT, "invalid_transition", "status",
			     "a closed dispute cannot be reopened; open a new one");
		goto fail;
	}
	out->status = DISPUTE_CLOSED;
	out->closed_at = clock_now();
	if ((rc = store_dispute_update(st, out, err)) != OB_OK)
		goto fail;
	return store_commit(st, err);
fail:
	store_rollback(st);
	return rc;
}
