/* dispute.h: disputes, claims and chargebacks against the seller. Open
 * until the marketplace closes them; closed is final. */
#ifndef OB_DISPUTE_H
#define OB_DISPUTE_H

#include "store/store.h"

struct dispute_input {
	const char *id;          /* the operator's id, or NULL */
	const char *seller_id;
	const char *order_id;    /* NULL when not about one order */
	const char *kind;        /* a_to_z_claim, chargeback, return_request, other */
	int64_t amount_minor;
	const char *currency;
	const char *opened_at;   /* RFC 3339, or NULL for now */
	const char *status;      /* NULL or "open"; "closed" for history */
	const char *closed_at;   /* with "closed": RFC 3339, or NULL for now */
};

/* Validates and stores a dispute (open unless in->status says closed) into *out. OB_EINVAL naming the
 * field ("unknown_order" for an order of another seller); OB_ECONFLICT
 * "duplicate_id". */
enum ob_rc dispute_create(struct store *st, const struct dispute_input *in, struct dispute *out,
			  struct ob_err *err);

/* Sets the status ("open" or "closed"); closing again changes nothing,
 * reopening is OB_ECONFLICT "invalid_transition". */
enum ob_rc dispute_set_status(struct store *st, const char *id, const char *status,
			      struct dispute *out, struct ob_err *err);

#endif
